"""Pagination of list queries: keyset cursors (stable under inserts, flat memory at any depth)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from attrs import field, frozen

from dps.application.shared.errors import Invalid

T = TypeVar("T")

MAX_PAGE_SIZE = 200
COUNT_CAP = 1_000
"""Counts stop here ("1,000件以上"): counting further through the visibility filter costs more than it
tells (10,000 自担当 activities of a manager at 3M rows: ~90 ms; 1,000: a few ms)."""


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
    count: bool = False
    """Also count the matching rows (up to COUNT_CAP), for "123件" above a list."""


@frozen
class Page(Generic[T]):
    items: Sequence[T]
    next_cursor: str | None = None
    total: int | None = None
    """How many rows match, when the request asked to count; COUNT_CAP + 1 means "more than COUNT_CAP"."""

    @property
    def total_is_capped(self) -> bool:
        return self.total is not None and self.total > COUNT_CAP
