"""List items of persons (the read side of the person list and search): flat rows, no aggregate."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from attrs import frozen

from dps.domain.shared.ids import OrganizationId, UserId


@frozen
class PersonListItem:
    """One row of a person list, read straight from the row. `account_name` is None when the
    account is hidden from the viewer. Staff, the 非公開 allow-list and relations are on the detail
    only (`is_restricted` tells a list that the person is 非公開)."""

    id: UUID
    version: int
    account_id: UUID
    account_name: str | None
    last_name: str
    first_name: str
    last_name_kana: str
    first_name_kana: str
    department: str
    title: str
    email: str
    phone: str
    mobile: str
    fax: str
    postal_code: str
    address: str
    score: int | None
    is_retired: bool
    dm_opt_out: bool
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
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name}".strip()
