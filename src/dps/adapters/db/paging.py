"""Keyset pagination for list queries: one sort column (nulls last) plus the id as tie-breaker.

The cursor is the last row's (sort value, id), opaque to clients (urlsafe base64 JSON). A page
costs the same at any depth, and memory stays flat while a client pages through everything.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import weakref
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

import sqlalchemy as sa
from attrs import frozen

from dps.application.shared.errors import Invalid
from dps.application.shared.paging import COUNT_CAP, Page, PageRequest

T = TypeVar("T")


@frozen
class Sort:
    """A resolved sort: the column expression and its direction."""

    key: str
    column: sa.ColumnElement[Any]
    descending: bool


def resolve_sort(request: PageRequest, allowed: Mapping[str, sa.ColumnElement[Any]], default: str) -> Sort:
    """`request.sort` ('name' or '-name') checked against the `allowed` sort keys."""
    raw = request.sort or default
    descending = raw.startswith("-")
    key = raw.lstrip("-")
    if key not in allowed:
        raise Invalid.field("sort", f"'{key}' is not sortable; use one of {', '.join(sorted(allowed))}")
    return Sort(key=key, column=allowed[key], descending=descending)


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"n": str(value)}
    if isinstance(value, UUID):
        return {"u": str(value)}
    raise TypeError(f"cannot put {type(value).__name__} in a cursor")


_DECODERS: dict[str, Callable[[str], Any]] = {
    "dt": datetime.fromisoformat, "d": date.fromisoformat, "n": Decimal, "u": UUID,
}


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        (tag, raw), = value.items()
        return _DECODERS[tag](raw)
    return value


def encode_cursor(sort: Sort, value: Any, row_id: UUID) -> str:
    payload = json.dumps([sort.key, sort.descending, _encode(value), str(row_id)], separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(sort: Sort, cursor: str) -> tuple[Any, UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key, descending, value, row_id = json.loads(raw)
        if key != sort.key or descending != sort.descending:
            raise ValueError("cursor of another sort order")
        return _decode(value), UUID(row_id)
    except (ValueError, KeyError, TypeError, binascii.Error) as e:
        raise Invalid.field("cursor", "is not a cursor of this list in this sort order") from e


_AFTER_ID = sa.bindparam("keyset_id", type_=sa.Uuid())
_DERIVED: weakref.WeakKeyDictionary[sa.Select[Any], dict[tuple[Any, ...], sa.Select[Any]]] = weakref.WeakKeyDictionary()
_DERIVED_LOCK = threading.Lock()


def _derived(query: sa.Select[Any], key: tuple[Any, ...], build: Callable[[], sa.Select[Any]]) -> sa.Select[Any]:
    """The page statement made from `query` (ordered, limited, after a cursor), kept while `query`
    lives: a query kept by `statement_memo` then reuses its page statements and their SQLAlchemy cache
    keys too. The cursor's values are bound at execution (`keyset_value`, `keyset_id`)."""
    with _DERIVED_LOCK:
        found = _DERIVED.get(query, {}).get(key)
    if found is None:
        found = build()
        with _DERIVED_LOCK:
            _DERIVED.setdefault(query, {})[key] = found
    return found


def keyset_page(
    conn: sa.Connection,
    query: sa.Select[Any],
    *,
    sort: Sort,
    id_column: sa.ColumnElement[UUID],
    request: PageRequest,
    to_item: Callable[[sa.Row[Any]], T],
    sort_value: Callable[[sa.Row[Any]], Any],
) -> Page[T]:
    """One page of `query` (already filtered) in `sort` order, nulls last, ties broken by id.

    `sort_value(row)` returns the row's value of the sort column (for the next cursor). After a
    cursor the rows with a value are fetched with a row-value comparison `(col, id) < (v, i)`, which
    an index on (..., col, id) answers with a range scan from the cursor on; the rows without a value
    follow in a second query only when the first runs out.

    A NOT NULL sort column is ordered without NULLS LAST (same order, same cursors): PostgreSQL does
    not know such a column has no nulls to place and would sort every matching row instead of
    walking its index and stopping after the page."""
    col, desc = sort.column, sort.descending
    want = request.limit + 1
    nullable = not isinstance(col, sa.Column) or bool(col.nullable)

    # The ordering and cursor expressions are built only when a page statement is first made (`_derived`
    # keeps it): building them costs more than looking the statement up.
    def order_col() -> sa.UnaryExpression[Any]:
        ordered = col.desc() if desc else col.asc()
        return ordered.nulls_last() if nullable else ordered

    def order_id() -> sa.UnaryExpression[Any]:
        return id_column.desc() if desc else id_column.asc()

    def after_id() -> sa.ColumnElement[bool]:
        return id_column < _AFTER_ID if desc else id_column > _AFTER_ID

    def after_key() -> sa.ColumnElement[bool]:
        key = sa.tuple_(col, id_column)
        bound = sa.tuple_(sa.bindparam("keyset_value", type_=col.type), _AFTER_ID)
        return key < bound if desc else key > bound

    def fetch(kind: str, limit: int, build: Callable[[], sa.Select[Any]], **params: Any) -> list[sa.Row[Any]]:
        stmt = _derived(query, (kind, sort.key, desc, limit), lambda: build().limit(limit))
        return list(conn.execute(stmt, params))

    if not request.cursor:
        rows = fetch("first", want, lambda: query.order_by(order_col(), order_id()))
    else:
        value, last_id = decode_cursor(sort, request.cursor)
        if value is None:
            rows = fetch("nulls-after", want, lambda: query.where(col.is_(None), after_id()).order_by(order_id()),
                         keyset_id=last_id)
        else:
            rows = fetch("after", want, lambda: query.where(after_key()).order_by(order_col(), order_id()),
                         keyset_value=value, keyset_id=last_id)
            if len(rows) < want and nullable:
                rows += fetch("nulls", want - len(rows), lambda: query.where(col.is_(None)).order_by(order_id()))
    more = len(rows) > request.limit
    rows = rows[: request.limit]
    items = [to_item(r) for r in rows]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        next_cursor = encode_cursor(sort, sort_value(last), last.id)
    total = count_capped(conn, query) if request.count else None
    return Page(items=items, next_cursor=next_cursor, total=total)


def count_capped(conn: sa.Connection, query: sa.Select[Any]) -> int:
    """How many rows `query` matches, stopping at COUNT_CAP + 1 (the caller shows "more than")."""
    # maintain_column_froms: the FROM of the original columns stays even when no WHERE names the table
    capped = (query.with_only_columns(sa.literal(1), maintain_column_froms=True)
              .order_by(None).limit(COUNT_CAP + 1).subquery())
    return int(conn.execute(sa.select(sa.func.count()).select_from(capped)).scalar_one())
