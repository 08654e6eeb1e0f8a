"""List items of accounts (the read side of the account list and search): flat rows, no aggregate."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from uuid import UUID

from attrs import frozen

from dps.domain.shared.ids import OrganizationId, UserId


@frozen
class AccountListItem:
    """One row of an account list: the account's own columns, read straight from its row. Staff,
    the 非公開 allow-list, relations and groups are on the detail only (`is_restricted` tells a list
    that the account is 非公開). `website` is the company's web site (column `url`); `closed_on` set means
    the registry closed the company (閉鎖)."""

    id: UUID
    version: int
    name: str
    kana: str
    code: str | None
    short_name: str
    corporate_number: str | None
    postal_code: str
    prefecture: str
    address: str
    phone: str
    fax: str
    website: str
    industry_code: str | None
    size_code: str | None
    account_type_code: str | None
    transaction_status_code: str | None
    employees: int | None
    notes: str
    en_name: str
    closed_on: date | None
    close_cause: str | None
    successor_corporate_number: str | None
    parent_account_id: UUID | None
    owner_id: UserId | None
    owner_organization_id: OrganizationId | None
    created_by: UserId | None
    created_at: datetime
    updated_by: UserId | None
    updated_at: datetime
    is_restricted: bool
    custom_fields: Mapping[str, Any]

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None
