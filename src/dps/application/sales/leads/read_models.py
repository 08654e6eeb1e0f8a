"""List items of leads (the read side of the lead list and search): flat rows, no aggregate."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from uuid import UUID

from attrs import frozen

from dps.domain.shared.ids import OrganizationId, UserId


@frozen
class LeadListItem:
    """One row of a lead list, read straight from the row. Staff and the 非公開 allow-list are on
    the detail only (`is_restricted` tells a list that the lead is 非公開)."""

    id: UUID
    version: int
    company_name: str
    company_kana: str
    corporate_number: str | None
    department: str
    title: str
    last_name: str
    first_name: str
    last_name_kana: str
    first_name_kana: str
    email: str
    phone: str
    mobile: str
    postal_code: str
    address: str
    industry_code: str | None
    size_code: str | None
    source_code: str
    source_detail: str
    status_code: str
    status_reason: str
    campaign_id: UUID | None
    campaign_follow_status_code: str | None
    next_action_on: date | None
    score: int | None
    converted_account_id: UUID | None
    converted_person_id: UUID | None
    converted_at: datetime | None
    notes: str
    owner_id: UserId | None
    owner_organization_id: OrganizationId | None
    created_by: UserId | None
    created_at: datetime
    updated_by: UserId | None
    updated_at: datetime
    is_restricted: bool
    custom_fields: Mapping[str, Any]

    @property
    def is_converted(self) -> bool:
        return self.converted_at is not None
