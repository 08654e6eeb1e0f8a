"""List pages: sort headers, keyset pager with a "previous" trail, and the count line.

    pager = Pager.of(request.query_params, sorts=("name", "updated_at"), default_sort="-updated_at")
    page = SearchOpportunities(deps)(principal, search, pager.page_request())
    context = {"pager": pager.with_page(page), ...}

Templates use ``pager.sort_link("name")``, ``pager.sort_state("name")`` ("asc"/"desc"/""),
``pager.next_link``, ``pager.prev_link``, ``pager.first_link`` and ``pager.total`` (see _list.html).
The previous pages' cursors travel in ``trail`` so that 前へ works without offsets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from attrs import evolve, field, frozen

from dps.application.shared.errors import Invalid
from dps.application.shared.paging import COUNT_CAP, Page, PageRequest

T = TypeVar("T")
PAGE_SIZE = 50
TRAIL_LIMIT = 30
PAGER_KEYS = ("cursor", "trail", "sort")


def _params(source: Any) -> list[tuple[str, str]]:
    """All (key, value) pairs of a MultiDict or mapping, in order."""
    items = source.multi_items() if hasattr(source, "multi_items") else source.items()
    return [(str(k), str(v)) for k, v in items if isinstance(v, str)]


@frozen
class Pager(Generic[T]):
    """The list's paging state, built from the query string; links keep every filter."""

    filters: tuple[tuple[str, str], ...]
    sort: str
    default_sort: str
    sorts: tuple[str, ...]
    cursor: str | None = None
    trail: tuple[str, ...] = ()
    limit: int = PAGE_SIZE
    page: Page[T] | None = field(default=None, eq=False)

    @classmethod
    def of(
        cls, query: Any, *, sorts: Sequence[str], default_sort: str, limit: int = PAGE_SIZE,
    ) -> Pager[Any]:
        pairs = _params(query)
        values = dict(pairs)
        sort = values.get("sort") or default_sort
        if sort.lstrip("-") not in sorts:
            sort = default_sort
        trail = tuple(t for t in (values.get("trail") or "").split(",") if t)[-TRAIL_LIMIT:]
        filters = tuple((k, v) for k, v in pairs if k not in PAGER_KEYS and v != "")
        return cls(filters=filters, sort=sort, default_sort=default_sort, sorts=tuple(sorts),
                   cursor=values.get("cursor") or None, trail=trail, limit=limit)

    def page_request(self, *, count: bool = True) -> PageRequest:
        return PageRequest(limit=self.limit, cursor=self.cursor, sort=self.sort, count=count)

    def with_page(self, page: Page[T]) -> Pager[T]:
        return evolve(self, page=page)  # type: ignore[return-value]

    # -- links -----------------------------------------------------------------------------------

    def _link(self, **extra: str) -> str:
        pairs = list(self.filters)
        if self.sort != self.default_sort:
            pairs.append(("sort", self.sort))
        pairs.extend((k, v) for k, v in extra.items() if v)
        return "?" + urlencode(pairs) if pairs else "?"

    def sort_state(self, key: str) -> str:
        if self.sort == key:
            return "asc"
        if self.sort == f"-{key}":
            return "desc"
        return ""

    def sort_link(self, key: str) -> str:
        """Clicking a header sorts by it; clicking again flips the direction; the pager restarts."""
        target = f"-{key}" if self.sort == key else key
        pairs = list(self.filters)
        if target != self.default_sort:
            pairs.append(("sort", target))
        return "?" + urlencode(pairs) if pairs else "?"

    @property
    def next_link(self) -> str | None:
        if self.page is None or not self.page.next_cursor:
            return None
        trail = (*self.trail, self.cursor or "-")[-TRAIL_LIMIT:]
        return self._link(cursor=self.page.next_cursor, trail=",".join(trail))

    @property
    def prev_link(self) -> str | None:
        if not self.cursor:
            return None
        if not self.trail:
            return self.first_link
        previous = self.trail[-1]
        return self._link(cursor="" if previous == "-" else previous, trail=",".join(self.trail[:-1]))

    @property
    def first_link(self) -> str | None:
        return self._link() if self.cursor else None

    @property
    def total(self) -> int | None:
        return None if self.page is None else self.page.total

    @property
    def total_is_capped(self) -> bool:
        return self.total is not None and self.total > COUNT_CAP

    @property
    def shown_total(self) -> int | None:
        return None if self.total is None else min(self.total, COUNT_CAP)

    @property
    def page_number(self) -> int:
        return len(self.trail) + 1 if self.cursor else 1

    @property
    def items(self) -> Sequence[T]:
        return () if self.page is None else self.page.items

    def filter_value(self, key: str) -> str:
        return next((v for k, v in self.filters if k == key), "")

    def filter_values(self, key: str) -> list[str]:
        return [v for k, v in self.filters if k == key]

    def toggle_link(self, key: str, value: str = "true") -> str:
        """The list with `key` set to `value`, or without it when it is set (the 自担当 one-click)."""
        pairs = [(k, v) for k, v in self.filters if k != key]
        if self.filter_value(key) != value:
            pairs.append((key, value))
        if self.sort != self.default_sort:
            pairs.append(("sort", self.sort))
        return "?" + urlencode(pairs) if pairs else "?"


def query_values(query: Any) -> Mapping[str, Any]:
    """The query string as {key: value or [values]} for refilling a search form."""
    merged: dict[str, Any] = {}
    for k, v in _params(query):
        if k in merged:
            current = merged[k]
            merged[k] = [*current, v] if isinstance(current, list) else [current, v]
        else:
            merged[k] = v
    return merged


def searched(
    pager: Pager[Any], reader_errors: Mapping[str, str], search: Callable[[PageRequest], Page[T]],
) -> tuple[Pager[T], dict[str, str]]:
    """The list's page: no search when the filters were bad (`reader_errors`), and a filter the use case
    refuses (Invalid) shown like theirs, next to the field, never a 500.

        pager, errors = searched(pager, form.errors, lambda request: SearchCampaigns(deps)(principal, query, request))
    """
    errors = dict(reader_errors)
    if not errors:
        try:
            return pager.with_page(search(pager.page_request())), errors
        except Invalid as e:
            errors = dict(e.errors)
    return pager, errors
