"""List items of activities (the read side of the activity list, search and navigation lists):
flat rows, no aggregate."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from uuid import UUID

from attrs import field, frozen

from dps.domain.sales.activities import ActivityStatus
from dps.domain.shared.ids import OrganizationId, UserId


@frozen
class ActivityListItem:
    """One row of an activity list, read straight from the row. The persons met, attendees, staff
    and the 非公開 allow-list are on the detail only (`is_restricted` tells a list that the activity
    itself is 非公開)."""

    id: UUID
    version: int
    status: ActivityStatus = field(converter=ActivityStatus)  # the row's text, as the enum
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
    owner_id: UserId | None
    owner_organization_id: OrganizationId | None
    created_by: UserId | None
    created_at: datetime
    updated_by: UserId | None
    updated_at: datetime
    is_restricted: bool
    custom_fields: Mapping[str, Any]
    account_name: str | None = None
    """The account's name where the viewer may see the account (lists show it as the link text)."""
    opportunity_name: str | None = None
    """The opportunity's name (an activity is listed only to those who see its opportunity, R6)."""
