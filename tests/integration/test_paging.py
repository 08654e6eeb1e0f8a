"""Keyset pagination: walking every page with the cursor yields each row exactly once, in the
requested order with nulls last, on both engines; a forged cursor is a clear 422-style error."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dps.adapters.db.paging import keyset_page, resolve_sort
from dps.application.shared.errors import Invalid
from dps.application.shared.paging import PageRequest

paging_metadata = sa.MetaData()
rows_table = sa.Table(
    "paging_probe",
    paging_metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("due", sa.Date, nullable=True),
    sa.Column("name", sa.String(20), nullable=False),
)
SORTS: dict[str, sa.ColumnElement[Any]] = {"due": rows_table.c.due, "name": rows_table.c.name}


@pytest.fixture
def probe(engine: sa.Engine) -> Iterator[sa.Table]:
    paging_metadata.create_all(engine)
    yield rows_table
    paging_metadata.drop_all(engine)


def _walk(engine: sa.Engine, sort_key: str, limit: int, *, shared: bool = False) -> list[UUID]:
    """Every page; `shared`: one statement object for all pages (as a memoised list statement is), so
    the page statements made from it are reused with other cursor values bound."""
    request = PageRequest(limit=limit, sort=sort_key)
    sort = resolve_sort(request, SORTS, "due")
    seen: list[UUID] = []
    one = sa.select(rows_table)
    with engine.connect() as conn:
        for _ in range(1000):
            page = keyset_page(conn, one if shared else sa.select(rows_table), sort=sort, id_column=rows_table.c.id,
                               request=request, to_item=lambda r: r.id, sort_value=lambda r: getattr(r, sort.key))
            seen.extend(page.items)
            if page.next_cursor is None:
                return seen
            request = PageRequest(limit=limit, sort=sort_key, cursor=page.next_cursor)
    raise AssertionError("paging did not end")


rows_strategy = st.lists(
    st.tuples(st.none() | st.integers(0, 5), st.sampled_from(["あ", "い", "う", "A"])), max_size=25
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows_strategy, limit=st.integers(1, 7), descending=st.booleans(), key=st.sampled_from(["due", "name"]),
       shared=st.booleans())
def test_pages_cover_every_row_once_in_order(
    engine: sa.Engine, probe: sa.Table, rows: list[tuple[int | None, str]], limit: int, descending: bool, key: str,
    shared: bool,
) -> None:
    base = date(2026, 4, 1)
    data = [
        {"id": UUID(int=i + 1), "due": None if d is None else base + timedelta(days=d), "name": n}
        for i, (d, n) in enumerate(rows)
    ]
    with engine.begin() as conn:
        conn.execute(probe.delete())
        if data:
            conn.execute(probe.insert(), data)
    got = _walk(engine, ("-" if descending else "") + key, limit, shared=shared)

    def order(row: dict[str, Any]) -> tuple[Any, ...]:
        value = row[key]
        return (value is None, value if value is not None else "", row["id"])

    present = sorted((r for r in data if r[key] is not None), key=order, reverse=descending)
    absent = sorted((r for r in data if r[key] is None), key=lambda r: r["id"], reverse=descending)
    if key == "name":  # names sort by the engine's collation; compare membership and uniqueness there
        assert sorted(got) == sorted(r["id"] for r in data)
    else:
        assert got == [r["id"] for r in present + absent]


def test_forged_cursor_and_unknown_sort_are_invalid(engine: sa.Engine, probe: sa.Table) -> None:
    with pytest.raises(Invalid) as err:
        resolve_sort(PageRequest(sort="-secret"), SORTS, "due")
    assert "sort" in err.value.errors
    request = PageRequest(limit=2, sort="due", cursor="not-a-cursor")
    sort = resolve_sort(request, SORTS, "due")
    with engine.connect() as conn, pytest.raises(Invalid) as err:
        keyset_page(conn, sa.select(probe), sort=sort, id_column=probe.c.id, request=request,
                    to_item=lambda r: r.id, sort_value=lambda r: r.due)
    assert "cursor" in err.value.errors


@pytest.mark.parametrize("limit", [0, 201])
def test_page_size_is_bounded(limit: int) -> None:
    with pytest.raises(Invalid):
        PageRequest(limit=limit)


def test_a_page_counts_its_matches_up_to_the_cap_on_every_page(engine: sa.Engine, probe: sa.Table) -> None:
    """`count=True`: the exact number below the cap, COUNT_CAP + 1 ("1,000件以上") above it, the same on a
    later page (the count ignores the cursor) and nothing when not asked."""
    import uuid

    from dps.application.shared.paging import COUNT_CAP

    with engine.begin() as conn:
        conn.execute(probe.insert(), [{"id": uuid.uuid4(), "due": None, "name": "あ" if i % 2 else "い"}
                                      for i in range(COUNT_CAP + 5)])
    sort = resolve_sort(PageRequest(sort="name"), SORTS, "due")
    with engine.connect() as conn:
        def page(where: sa.ColumnElement[bool], request: PageRequest) -> Any:
            return keyset_page(conn, sa.select(probe).where(where), sort=sort, id_column=probe.c.id,
                               request=request, to_item=lambda r: r.id, sort_value=lambda r: r.name)

        evens = sum(1 for i in range(COUNT_CAP + 5) if i % 2 == 0)
        assert page(probe.c.name == "い", PageRequest(limit=5, sort="name", count=True)).total == evens
        first = page(sa.true(), PageRequest(limit=5, sort="name", count=True))
        assert first.total == COUNT_CAP + 1
        assert first.total_is_capped
        later = page(sa.true(), PageRequest(limit=5, sort="name", count=True, cursor=first.next_cursor))
        assert later.total == COUNT_CAP + 1
        assert page(sa.true(), PageRequest(limit=5, sort="name")).total is None
