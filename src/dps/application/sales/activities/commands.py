"""Inputs of the activity use cases. A change (`UpdateActivityCommand`) names only what it changes:
fields left `UNSET` keep their value, `None` clears a nullable one."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final, Literal
from uuid import UUID

from attrs import field, frozen

from dps.application.sales.activities.ports import ActivitySearch
from dps.application.shared.paging import PageRequest
from dps.domain.sales.activities import Activity, ActivityStatus
from dps.domain.sales.records import RecordType, StaffMember
from dps.domain.shared.ids import UserId
from dps.domain.visibility.records import Restriction


class Unset(enum.Enum):
    """Marks a field a partial change leaves alone."""

    UNSET = "UNSET"


UNSET: Final = Unset.UNSET
Maybe = Literal[Unset.UNSET]


@frozen
class OpportunityProgress:
    """活動報告: what an actual activity moves on its opportunity (the mobile M1 screen). Fields left
    None stay as they are; `expected_version` is the opportunity version the user saw; `lost_reason`
    is needed to move a deal to 失注 that has none yet."""

    expected_version: int
    stage_code: str | None = None
    certainty_code: str | None = None
    expected_order_date: date | None = None
    expected_amount: Decimal | str | int | None = None
    lost_reason: str | None = None


@frozen
class CreateActivityCommand:
    """A new activity. Without `activity_date` the local date of `starts_at` is used; without
    `account_id` an opportunity's account is; without `owner_id` the actor owns it."""

    status: ActivityStatus | str
    kind_code: str
    subject: str
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
    person_ids: tuple[UUID, ...] = ()
    attendee_ids: tuple[UserId, ...] = ()
    owner_id: UserId | None = None
    staff: tuple[StaffMember, ...] = ()
    restriction: Restriction | None = None
    custom_fields: Mapping[str, Any] = field(factory=dict)
    opportunity_update: OpportunityProgress | None = None


@frozen
class UpdateActivityCommand:
    """A partial change of an activity read at `expected_version`. `custom_fields` names the values
    to change (an empty value clears one); values not named stay."""

    activity_id: UUID
    expected_version: int
    status: ActivityStatus | str | Maybe = UNSET
    kind_code: str | Maybe = UNSET
    subject: str | Maybe = UNSET
    activity_date: date | Maybe | None = UNSET
    starts_at: datetime | Maybe | None = UNSET
    ends_at: datetime | Maybe | None = UNSET
    purpose_code: str | Maybe | None = UNSET
    result_code: str | Maybe | None = UNSET
    content: str | Maybe = UNSET
    next_action: str | Maybe = UNSET
    next_action_on: date | Maybe | None = UNSET
    account_id: UUID | Maybe | None = UNSET
    opportunity_id: UUID | Maybe | None = UNSET
    campaign_id: UUID | Maybe | None = UNSET
    lead_id: UUID | Maybe | None = UNSET
    person_ids: tuple[UUID, ...] | Maybe = UNSET
    attendee_ids: tuple[UserId, ...] | Maybe = UNSET
    owner_id: UserId | Maybe = UNSET
    staff: tuple[StaffMember, ...] | Maybe = UNSET
    restriction: Restriction | Maybe | None = UNSET
    custom_fields: Mapping[str, Any] | Maybe = UNSET
    opportunity_update: OpportunityProgress | None = None


@frozen
class CopyActivityCommand:
    """Plan the next one: a 予定 like the original on `activity_date` (default: its next-action date,
    else its own date), at `starts_at`/`ends_at` (default: the original's local times on that day)."""

    activity_id: UUID
    activity_date: date | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None


@frozen
class DeleteActivityCommand:
    activity_id: UUID
    expected_version: int | None = None


@frozen
class SearchActivitiesQuery:
    search: ActivitySearch = field(factory=ActivitySearch)
    page: PageRequest = field(factory=PageRequest)


PARENT_FILTERS: Mapping[RecordType, str] = {
    RecordType.ACCOUNT: "account_id",
    RecordType.OPPORTUNITY: "opportunity_id",
    RecordType.CAMPAIGN: "campaign_id",
    RecordType.LEAD: "lead_id",
    RecordType.PERSON: "person_id",
}
"""Records whose activities can be listed (navigation), and the search filter each one sets."""


@frozen
class ActivitiesOfQuery:
    """Navigation: the activities of one account, opportunity, campaign, lead or person (met)."""

    parent_type: RecordType
    parent_id: UUID
    page: PageRequest = field(factory=PageRequest)
    search: ActivitySearch = field(factory=ActivitySearch)


@frozen
class SavedActivity:
    """What a create or update returns: the activity and, after a progress report (活動報告), the
    opportunity's new version (for the client's next edit of it)."""

    activity: Activity
    opportunity_version: int | None = None
