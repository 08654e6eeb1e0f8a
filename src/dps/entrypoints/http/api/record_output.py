"""The output fields every sales record shares (owner, stamps, staff, 非公開 allow-list, custom fields,
version), for a record's own response and for its row in a list. Spread them into the resource's
Struct: ``AccountOut(**record_fields(a), ...)``; the TypedDicts keep the field types checked."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol, TypedDict
from uuid import UUID

from dps.domain.sales.records import SalesRecord
from dps.entrypoints.http.api.sales_common import RestrictionOut, StaffOut, restriction_out, staff_out


class RecordFields(TypedDict):
    owner_id: UUID | None
    owner_organization_id: UUID | None
    created_by: UUID | None
    created_at: datetime | None
    updated_by: UUID | None
    updated_at: datetime | None
    staff: list[StaffOut]
    restriction: RestrictionOut | None
    custom_fields: dict[str, Any]
    version: int


class ListedRecord(Protocol):
    """A sales record's row in a list (the read models' list items)."""

    @property
    def owner_id(self) -> UUID | None: ...
    @property
    def owner_organization_id(self) -> UUID | None: ...
    @property
    def created_by(self) -> UUID | None: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_by(self) -> UUID | None: ...
    @property
    def updated_at(self) -> datetime: ...
    @property
    def is_restricted(self) -> bool: ...
    @property
    def custom_fields(self) -> Mapping[str, Any]: ...
    @property
    def version(self) -> int: ...


class ItemFields(TypedDict):
    owner_id: UUID | None
    owner_organization_id: UUID | None
    created_by: UUID | None
    created_at: datetime
    updated_by: UUID | None
    updated_at: datetime
    is_restricted: bool
    custom_fields: dict[str, Any]
    version: int


def record_fields(r: SalesRecord) -> RecordFields:
    """A record's shared fields for its own response (``is_restricted``, ``relations`` are the caller's)."""
    return RecordFields(
        owner_id=r.owner_id, owner_organization_id=r.owner_organization_id, created_by=r.created_by,
        created_at=r.created_at, updated_by=r.updated_by, updated_at=r.updated_at, staff=staff_out(r.staff),
        restriction=restriction_out(r.restriction), custom_fields=dict(r.custom_fields), version=r.version,
    )


def item_fields(i: ListedRecord) -> ItemFields:
    """A list row's shared fields."""
    return ItemFields(
        owner_id=i.owner_id, owner_organization_id=i.owner_organization_id, created_by=i.created_by,
        created_at=i.created_at, updated_by=i.updated_by, updated_at=i.updated_at, is_restricted=i.is_restricted,
        custom_fields=dict(i.custom_fields), version=i.version,
    )
