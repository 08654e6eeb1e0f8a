"""List items of campaigns (the read side of the campaign list and search): flat rows, no aggregate."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from attrs import frozen

from dps.domain.shared.ids import OrganizationId, UserId


@frozen
class CampaignListItem:
    """One row of a campaign list, read straight from the row (amounts to the cent). Staff, the
    非公開 allow-list, relations and the effect summary are on the detail only (`is_restricted` tells
    a list that the campaign is 非公開)."""

    id: UUID
    version: int
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
    owner_id: UserId | None
    owner_organization_id: OrganizationId | None
    created_by: UserId | None
    created_at: datetime
    updated_by: UserId | None
    updated_at: datetime
    is_restricted: bool
    custom_fields: Mapping[str, Any]
