"""Request and response shapes of the campaigns API (msgspec structs), kept apart from the handlers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import msgspec

from dps.entrypoints.http.api.sales_common import (
    RelationIn,
    RelationOut,
    RestrictionIn,
    RestrictionOut,
    StaffIn,
    StaffOut,
)

UNSET: Any = msgspec.UNSET


class CampaignIn(msgspec.Struct, kw_only=True):
    """A new campaign. ``kind_code`` (campaign_kind) and ``status_code`` (campaign_status) come from
    the tenant's code lists; ``ends_on`` is on or after ``starts_on`` (omit for open-ended); without
    ``owner_id`` the caller owns it; ``restriction`` makes it 非公開."""

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
    owner_id: UUID | None = None
    staff: list[StaffIn] = msgspec.field(default_factory=list)
    relations: list[RelationIn] = msgspec.field(default_factory=list)
    restriction: RestrictionIn | None = None
    custom_fields: dict[str, Any] = msgspec.field(default_factory=dict)

class CampaignPatchIn(msgspec.Struct, kw_only=True):
    """A change: only the fields sent change (null clears an optional one); ``expected_version`` is
    the version read."""

    expected_version: int
    name: str | msgspec.UnsetType = UNSET
    starts_on: date | msgspec.UnsetType = UNSET
    ends_on: date | msgspec.UnsetType | None = UNSET
    kind_code: str | msgspec.UnsetType | None = UNSET
    status_code: str | msgspec.UnsetType | None = UNSET
    budget_amount: Decimal | msgspec.UnsetType | None = UNSET
    actual_cost: Decimal | msgspec.UnsetType | None = UNSET
    expected_effect: str | msgspec.UnsetType = UNSET
    target_leads: int | msgspec.UnsetType | None = UNSET
    target_opportunities: int | msgspec.UnsetType | None = UNSET
    target_amount: Decimal | msgspec.UnsetType | None = UNSET
    description: str | msgspec.UnsetType = UNSET
    parent_campaign_id: UUID | msgspec.UnsetType | None = UNSET
    owner_id: UUID | msgspec.UnsetType = UNSET
    staff: list[StaffIn] | msgspec.UnsetType = UNSET
    relations: list[RelationIn] | msgspec.UnsetType = UNSET
    restriction: RestrictionIn | msgspec.UnsetType | None = UNSET
    custom_fields: dict[str, Any] | msgspec.UnsetType = UNSET

class CampaignCopyIn(msgspec.Struct, kw_only=True):
    """The copy's name and period (by default the original's; a new start alone moves the end by
    the same number of days)."""

    name: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None

class SummaryOut(msgspec.Struct):
    """効果: counted over the leads and persons the caller may see. Rates in percent."""

    members: int
    attended: int
    leads: int
    converted_leads: int
    attendance_rate: Decimal | None
    conversion_rate: Decimal | None

class CampaignOut(msgspec.Struct):
    id: UUID
    url: str
    name: str
    kind_code: str | None
    status_code: str | None
    starts_on: date
    ends_on: date | None
    budget_amount: Decimal | None
    actual_cost: Decimal | None
    expected_effect: str
    target_leads: int | None
    target_opportunities: int | None
    target_amount: Decimal | None
    description: str
    parent_campaign_id: UUID | None
    owner_id: UUID | None
    owner_organization_id: UUID | None
    staff: list[StaffOut]
    relations: list[RelationOut]
    is_restricted: bool
    restriction: RestrictionOut | None
    custom_fields: dict[str, Any]
    created_by: UUID | None
    created_at: datetime | None
    updated_by: UUID | None
    updated_at: datetime | None
    version: int
    summary: SummaryOut | None = None
    """On view only."""

class CampaignItemOut(msgspec.Struct):
    """A campaign in a list: its own fields. Staff, the 非公開 allow-list, relations and the effect
    summary are on the campaign itself (GET /campaigns/{id}); ``is_restricted`` says it is 非公開."""

    id: UUID
    url: str
    name: str
    kind_code: str | None
    status_code: str | None
    starts_on: date
    ends_on: date | None
    budget_amount: Decimal | None
    actual_cost: Decimal | None
    expected_effect: str
    target_leads: int | None
    target_opportunities: int | None
    target_amount: Decimal | None
    description: str
    parent_campaign_id: UUID | None
    owner_id: UUID | None
    owner_organization_id: UUID | None
    is_restricted: bool
    custom_fields: dict[str, Any]
    created_by: UUID | None
    created_at: datetime
    updated_by: UUID | None
    updated_at: datetime
    version: int

class CampaignPageOut(msgspec.Struct):
    items: list[CampaignItemOut]
    next_cursor: str | None

class CampaignMemberIn(msgspec.Struct, kw_only=True):
    """A lead or a person (exactly one); ``follow_status_code`` from campaign_follow_status."""

    lead_id: UUID | None = None
    person_id: UUID | None = None
    follow_status_code: str | None = None
    invited_on: date | None = None
    attended: bool = False
    notes: str = ""

class MemberPatchIn(msgspec.Struct, kw_only=True):
    follow_status_code: str | msgspec.UnsetType | None = UNSET
    invited_on: date | msgspec.UnsetType | None = UNSET
    attended: bool | msgspec.UnsetType = UNSET
    notes: str | msgspec.UnsetType = UNSET

class MemberOut(msgspec.Struct):
    id: UUID
    campaign_id: UUID
    lead_id: UUID | None
    person_id: UUID | None
    label: str | None
    follow_status_code: str | None
    invited_on: date | None
    attended: bool
    notes: str
    created_at: datetime

class MemberPageOut(msgspec.Struct):
    items: list[MemberOut]
    next_cursor: str | None
