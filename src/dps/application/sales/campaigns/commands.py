"""Inputs of the campaign use cases. A partial change names only what it changes: a key left out
of `changes` keeps its value, `None` clears a nullable one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from attrs import field, frozen

from dps.domain.sales.records import Relation, StaffMember
from dps.domain.shared.ids import UserId
from dps.domain.visibility.records import Restriction


@frozen
class RegisterCampaignCommand:
    """A new campaign; without `owner_id` the actor owns it."""

    name: str
    starts_on: date
    ends_on: date | None = None
    kind_code: str | None = None
    status_code: str | None = None
    budget_amount: Decimal | None = None
    actual_cost: Decimal | None = None
    expected_effect: str = ""
    target_leads: int | None = None
    target_opportunities: int | None = None
    target_amount: Decimal | None = None
    description: str = ""
    parent_campaign_id: UUID | None = None
    owner_id: UserId | None = None
    staff: tuple[StaffMember, ...] = ()
    relations: tuple[Relation, ...] = ()
    restriction: Restriction | None = None
    custom_fields: Mapping[str, Any] = field(factory=dict)

    def content(self) -> dict[str, Any]:
        return {
            "name": self.name, "starts_on": self.starts_on, "ends_on": self.ends_on, "kind_code": self.kind_code,
            "status_code": self.status_code, "budget_amount": self.budget_amount, "actual_cost": self.actual_cost,
            "expected_effect": self.expected_effect, "target_leads": self.target_leads,
            "target_opportunities": self.target_opportunities, "target_amount": self.target_amount,
            "description": self.description,
        }


@frozen
class UpdateCampaignCommand:
    """A partial change of a campaign read at `expected_version`. Keys: the content fields of
    `Campaign.CONTENT_FIELDS`, `parent_campaign_id`, `owner_id`, `staff`, `relations`,
    `restriction` (None = public) and `custom_fields`."""

    campaign_id: UUID
    expected_version: int
    changes: Mapping[str, Any] = field(factory=dict)


@frozen
class CopyCampaignCommand:
    """Copy a campaign; the copy may get another name and period at once."""

    campaign_id: UUID
    name: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None


@frozen
class DeleteCampaignCommand:
    campaign_id: UUID
    expected_version: int | None = None


@frozen
class AddMemberCommand:
    """Put a lead or a person (exactly one) on the campaign's 招待リスト."""

    campaign_id: UUID
    lead_id: UUID | None = None
    person_id: UUID | None = None
    follow_status_code: str | None = None
    invited_on: date | None = None
    attended: bool = False
    notes: str = ""


@frozen
class UpdateMemberCommand:
    """A partial change of a member: keys follow_status_code, invited_on, attended, notes."""

    campaign_id: UUID
    member_id: UUID
    changes: Mapping[str, Any] = field(factory=dict)
