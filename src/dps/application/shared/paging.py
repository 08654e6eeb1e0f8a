"""Pagination of list queries: keyset cursors (stable under inserts, flat memory at any depth)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from attrs import field, frozen

from dps.application.shared.errors import Invalid

T = TypeVar("T")

MAX_PAGE_SIZE = 200


def _check_limit(value: int) -> int:
    if not 1 <= value <= MAX_PAGE_SIZE:
        raise Invalid.field("limit", f"must be between 1 and {MAX_PAGE_SIZE}")
    return value


@frozen
class PageRequest:
    """`sort` names a sortable field, '-' in front for descending; `cursor` is the opaque
    `next_cursor` of the previous page."""

    limit: int = field(default=50, converter=_check_limit)
    cursor: str | None = None
    sort: str | None = None


@frozen
class Page(Generic[T]):
    items: Sequence[T]
    next_cursor: str | None = None
