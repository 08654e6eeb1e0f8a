"""Inputs of the lead use cases. A partial change names only what it changes: a key left out of
`changes` keeps its value, `None` clears a nullable one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID

from attrs import field, fields, frozen

from dps.domain.sales.leads import NEW
from dps.domain.sales.records import StaffMember
from dps.domain.shared.ids import UserId
from dps.domain.visibility.records import Restriction


@frozen
class RegisterLeadCommand:
    """A new lead; without `owner_id` the actor owns it."""

    company_name: str
    last_name: str
    source_code: str
    status_code: str = NEW
    company_kana: str = ""
    corporate_number: str | None = None
    department: str = ""
    title: str = ""
    first_name: str = ""
    last_name_kana: str = ""
    first_name_kana: str = ""
    email: str = ""
    phone: str = ""
    mobile: str = ""
    postal_code: str = ""
    address: str = ""
    industry_code: str | None = None
    size_code: str | None = None
    source_detail: str = ""
    status_reason: str = ""
    campaign_id: UUID | None = None
    campaign_follow_status_code: str | None = None
    next_action_on: date | None = None
    score: int | None = None
    notes: str = ""
    owner_id: UserId | None = None
    staff: tuple[StaffMember, ...] = ()
    restriction: Restriction | None = None
    custom_fields: Mapping[str, Any] = field(factory=dict)

    def content(self) -> dict[str, Any]:
        """The lead's own fields (everything but owner, staff, 非公開 list and custom fields)."""
        skip = {"owner_id", "staff", "restriction", "custom_fields"}
        return {a.name: getattr(self, a.name) for a in fields(type(self)) if a.name not in skip}


@frozen
class UpdateLeadCommand:
    """A partial change of a lead read at `expected_version`. Keys: the content fields of
    `Lead.CONTENT_FIELDS`, `owner_id`, `staff`, `restriction` (None = public), `custom_fields`."""

    lead_id: UUID
    expected_version: int
    changes: Mapping[str, Any] = field(factory=dict)


@frozen
class DeleteLeadCommand:
    lead_id: UUID
    expected_version: int | None = None


@frozen
class AddLeadActionCommand:
    """A follow-up step; without `user_id` the actor is the one to do it."""

    lead_id: UUID
    action_on: date
    kind_code: str | None = None
    description: str = ""
    is_done: bool = False
    user_id: UserId | None = None


@frozen
class UpdateLeadActionCommand:
    """A partial change of an action: keys action_on, kind_code, description, is_done, user_id."""

    lead_id: UUID
    action_id: UUID
    changes: Mapping[str, Any] = field(factory=dict)
