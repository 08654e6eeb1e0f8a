"""Turning the shared parts of a sales request into use-case values: ``cf.<key>=<value>`` list filters,
the record parts (owner, staff, 非公開 allow-list, relations, custom fields) of a create or PATCH body,
and msgspec's 'not sent' into the use cases' UNSET."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar, cast
from uuid import UUID

import msgspec
from litestar import Request

from dps.application.sales.accounts.record_parts import UNSET, RecordParts, Unset
from dps.domain.shared.ids import UserId
from dps.entrypoints.http.api.sales_common import (
    RelationIn,
    RestrictionIn,
    StaffIn,
    relations_of,
    restriction_of,
    staff_of,
)

CUSTOM_FIELD_PREFIX = "cf."
T = TypeVar("T")


class RecordPartsIn(Protocol):
    """A create body's record parts (absent lists are empty, no restriction is public)."""

    @property
    def owner_id(self) -> UUID | msgspec.UnsetType | None: ...
    @property
    def staff(self) -> list[StaffIn]: ...
    @property
    def restriction(self) -> RestrictionIn | None: ...
    @property
    def relations(self) -> list[RelationIn]: ...
    @property
    def custom_fields(self) -> dict[str, Any]: ...


class RecordPartsPatchIn(Protocol):
    """A PATCH body's record parts: each may be left out."""

    @property
    def owner_id(self) -> UUID | msgspec.UnsetType | None: ...
    @property
    def staff(self) -> list[StaffIn] | msgspec.UnsetType: ...
    @property
    def restriction(self) -> RestrictionIn | msgspec.UnsetType | None: ...
    @property
    def relations(self) -> list[RelationIn] | msgspec.UnsetType: ...
    @property
    def custom_fields(self) -> dict[str, Any] | msgspec.UnsetType: ...


def given(value: T | msgspec.UnsetType) -> T | Unset:
    """msgspec's 'not sent' becomes the use case's UNSET."""
    return UNSET if isinstance(value, msgspec.UnsetType) else value


def owner_of(value: UUID | msgspec.UnsetType | None) -> UserId | Unset | None:
    return UNSET if isinstance(value, msgspec.UnsetType) else cast(UserId | None, value)


def record_parts(data: RecordPartsIn) -> RecordParts:
    """The parts of a new record."""
    return RecordParts(owner_id=owner_of(data.owner_id), staff=staff_of(data.staff),
                       restriction=restriction_of(data.restriction), relations=relations_of(data.relations),
                       custom_fields=data.custom_fields)


def record_parts_patch(data: RecordPartsPatchIn) -> RecordParts:
    """The parts a PATCH sent; the others stay UNSET (unchanged)."""
    return RecordParts(
        owner_id=owner_of(data.owner_id),
        staff=UNSET if isinstance(data.staff, msgspec.UnsetType) else staff_of(data.staff),
        restriction=UNSET if isinstance(data.restriction, msgspec.UnsetType) else restriction_of(data.restriction),
        relations=UNSET if isinstance(data.relations, msgspec.UnsetType) else relations_of(data.relations),
        custom_fields=given(data.custom_fields),
    )


def custom_field_pairs(request: Request[Any, Any, Any]) -> list[tuple[str, str]]:
    """Every ``cf.<key>=<value>`` query parameter as (key, value), repeats included, in query order."""
    return [
        (key.removeprefix(CUSTOM_FIELD_PREFIX), value) for key, value in request.query_params.multi_items()
        if key.startswith(CUSTOM_FIELD_PREFIX) and len(key) > len(CUSTOM_FIELD_PREFIX)
    ]


def custom_field_filters(request: Request[Any, Any, Any]) -> dict[str, str]:
    """``cf.<key>=<value>`` query parameters (a repeated key: the last value)."""
    return dict(custom_field_pairs(request))
