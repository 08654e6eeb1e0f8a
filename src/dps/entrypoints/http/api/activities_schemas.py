"""Request and response shapes of the activities API (msgspec structs), kept apart from the handlers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec

from dps.entrypoints.http.api.sales_common import (
    RestrictionIn,
    RestrictionOut,
    StaffIn,
    StaffOut,
)


class OpportunityUpdateIn(msgspec.Struct):
    """What an actual activity moves on its opportunity; omitted fields stay. ``expected_version`` is
    the opportunity version the user saw."""

    expected_version: int
    stage_code: str | None = None
    certainty_code: str | None = None
    expected_order_date: date | None = None
    expected_amount: str | int | float | None = None
    lost_reason: str | None = None

class ActivityIn(msgspec.Struct):
    """A new activity. ``status``: planned (予定), done (実績) or cancelled (中止). Without
    ``activity_date`` the local date of ``starts_at`` is used; without ``account_id`` the
    opportunity's account; without ``owner_id`` the caller owns it."""

    kind_code: str
    subject: str
    status: str = "planned"
    activity_date: date | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    purpose_code: str | None = None
    result_code: str | None = None
    content: str = ""
    next_action: str = ""
    next_action_on: date | None = None
    account_id: UUID | None = None
    opportunity_id: UUID | None = None
    campaign_id: UUID | None = None
    lead_id: UUID | None = None
    person_ids: list[UUID] = msgspec.field(default_factory=list)
    """面談者: persons met."""
    attendee_ids: list[UUID] = msgspec.field(default_factory=list)
    """同行者: colleagues who came along (users)."""
    owner_id: UUID | None = None
    staff: list[StaffIn] = msgspec.field(default_factory=list)
    restriction: RestrictionIn | None = None
    """非公開 with this allow-list; omit or null for a public activity."""
    custom_fields: dict[str, Any] = msgspec.field(default_factory=dict)
    opportunity_update: OpportunityUpdateIn | None = None

class ActivityPatchIn(msgspec.Struct, kw_only=True):
    """A change: only the fields sent change (null clears an optional one); ``expected_version`` is
    the version read. ``custom_fields`` changes the keys sent (an empty value clears one)."""

    expected_version: int
    status: str | msgspec.UnsetType = msgspec.UNSET
    kind_code: str | msgspec.UnsetType = msgspec.UNSET
    subject: str | msgspec.UnsetType = msgspec.UNSET
    activity_date: date | msgspec.UnsetType | None = msgspec.UNSET
    starts_at: datetime | msgspec.UnsetType | None = msgspec.UNSET
    ends_at: datetime | msgspec.UnsetType | None = msgspec.UNSET
    purpose_code: str | msgspec.UnsetType | None = msgspec.UNSET
    result_code: str | msgspec.UnsetType | None = msgspec.UNSET
    content: str | msgspec.UnsetType = msgspec.UNSET
    next_action: str | msgspec.UnsetType = msgspec.UNSET
    next_action_on: date | msgspec.UnsetType | None = msgspec.UNSET
    account_id: UUID | msgspec.UnsetType | None = msgspec.UNSET
    opportunity_id: UUID | msgspec.UnsetType | None = msgspec.UNSET
    campaign_id: UUID | msgspec.UnsetType | None = msgspec.UNSET
    lead_id: UUID | msgspec.UnsetType | None = msgspec.UNSET
    person_ids: list[UUID] | msgspec.UnsetType = msgspec.UNSET
    attendee_ids: list[UUID] | msgspec.UnsetType = msgspec.UNSET
    owner_id: UUID | msgspec.UnsetType = msgspec.UNSET
    staff: list[StaffIn] | msgspec.UnsetType = msgspec.UNSET
    restriction: RestrictionIn | msgspec.UnsetType | None = msgspec.UNSET
    custom_fields: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET
    opportunity_update: OpportunityUpdateIn | None = None

class ActivityCopyIn(msgspec.Struct):
    """The copy's day and times; by default the original's next-action date (else its date) at the
    original's local times."""

    activity_date: date | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None

class ActivityOut(msgspec.Struct):
    id: UUID
    url: str
    status: str
    kind_code: str
    subject: str
    activity_date: date
    starts_at: datetime | None
    ends_at: datetime | None
    purpose_code: str | None
    result_code: str | None
    content: str
    next_action: str
    next_action_on: date | None
    account_id: UUID | None
    opportunity_id: UUID | None
    campaign_id: UUID | None
    lead_id: UUID | None
    person_ids: list[UUID]
    attendee_ids: list[UUID]
    owner_id: UUID | None
    owner_organization_id: UUID | None
    staff: list[StaffOut]
    is_restricted: bool
    restriction: RestrictionOut | None
    custom_fields: dict[str, Any]
    created_by: UUID | None
    created_at: datetime | None
    updated_by: UUID | None
    updated_at: datetime | None
    version: int
    opportunity_version: int | None = None
    """After a progress report (opportunity_update): the opportunity's new version."""

class ActivityItemOut(msgspec.Struct):
    """An activity in a list: its own fields. The persons met, attendees, staff and the 非公開
    allow-list are on the activity itself (GET /activities/{id}); ``is_restricted`` says the activity
    itself is 非公開."""

    id: UUID
    url: str
    status: str
    kind_code: str
    subject: str
    activity_date: date
    starts_at: datetime | None
    ends_at: datetime | None
    purpose_code: str | None
    result_code: str | None
    content: str
    next_action: str
    next_action_on: date | None
    account_id: UUID | None
    opportunity_id: UUID | None
    campaign_id: UUID | None
    lead_id: UUID | None
    owner_id: UUID | None
    owner_organization_id: UUID | None
    is_restricted: bool
    custom_fields: dict[str, Any]
    created_by: UUID | None
    created_at: datetime
    updated_by: UUID | None
    updated_at: datetime
    version: int

class ActivityPageOut(msgspec.Struct):
    items: list[ActivityItemOut]
    next_cursor: str | None
