"""No N+1 on the screens: every list and detail page sends the same number of SQL statements with 3 rows
as with 30 (its rows, related lists, comments, notifications), and stays under a fixed bound.

The app runs in-process (litestar TestClient) on its own SQLite file; the records are made through the
JSON API (so through the use cases). Each page is fetched once to warm up, then counted twice (the
smaller count is kept: a session touch may add a write now and then)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from attrs import define, field
from litestar.testing import TestClient

from dps.entrypoints.http.app import create_app
from tests.integration.conftest import _migrated, make_container
from tests.integration.http.conftest import csrf_token
from tests.integration.ui.screens import (
    HTML,
    PASSWORDS,
    TENANT,
    People,
    Sales,
    StatementCounter,
    created,
    make_people,
    seed_sales,
)

BOUND = 25
"""Statements of a list page or the portal (session, tenant, principal, the search and its count, names)."""
DETAIL_BOUND = 50
"""Statements of a detail page: each card (lines, related lists, comments, likes, attachments) is its
own use case with its own transaction and visibility check, so a detail page sends more than a list."""
SMALL, LARGE = 3, 30
LISTS = ("/accounts", "/persons", "/opportunities", "/activities", "/leads", "/campaigns", "/budgets",
         "/notifications", "/")
MOBILE = ("/m/activities", "/m/opportunities", "/m/accounts", "/m/persons", "/m/notifications")
SEARCH = ("/search?q=取引先", "/search?q=山本", "/search?q=案件")
"""The global search: its account, person and opportunity sections each find the N new rows."""
DETAILS = ("opportunity", "account", "activity")


@define
class Measured:
    counts: dict[str, dict[int, int]] = field(factory=dict)
    """page -> N -> statements."""
    statuses: dict[str, dict[int, int]] = field(factory=dict)
    statements: dict[str, dict[int, list[str]]] = field(factory=dict)
    rows: dict[str, dict[int, int]] = field(factory=dict)
    content_types: dict[str, str] = field(factory=dict)
    """page -> N -> rows shown (`data-id="` in the HTML): the page did show more with more data."""


def _add_rows(client: TestClient[Any], people: People, sales: Sales, start: int, stop: int) -> None:
    """Rows start..stop-1 of every kind, hanging off the seeded account, opportunity and activity."""
    alice, bob, carol = people.auth("alice"), people.auth("bob"), people.auth("carol")
    account_id, opportunity_id = sales.account["id"], sales.opportunity["id"]
    for i in range(start, stop):
        created(client.post("/api/v1/accounts", headers=alice, json={
            "name": f"取引先{i:02d}", "account_type_code": "prospect"}))
        created(client.post("/api/v1/persons", headers=alice, json={
            "account_id": account_id, "last_name": f"山本{i:02d}", "first_name": "太郎"}))
        created(client.post("/api/v1/opportunities", headers=alice if i % 2 else bob, json={
            "name": f"案件{i:02d}", "account_id": account_id, "stage_code": "20",
            "lines": [{"product_id": sales.products[i % 2]["id"], "quantity": i + 1}]}))
        created(client.post("/api/v1/activities", headers=alice if i % 2 else bob, json={
            "kind_code": "visit", "subject": f"訪問{i:02d}", "status": "done", "activity_date": "2026-11-10",
            "opportunity_id": opportunity_id, "person_ids": [sales.persons[i % 2]["id"]]}))
        created(client.post("/api/v1/leads", headers=alice, json={
            "company_name": f"見込{i:02d}", "last_name": "田中", "source_code": "web"}))
        created(client.post("/api/v1/campaigns", headers=alice, json={
            "name": f"キャンペーン{i:02d}", "starts_on": "2026-06-01"}))
        created(client.post("/api/v1/budgets", headers=alice, json={
            "fiscal_year": 2030 + i, "kind_code": "orders", "user_id": str(people.ids["alice"]),
            "lines": [{"month": f"{2030 + i}-04", "amount": "1000"}]}))
        commenter = bob if i % 2 else carol
        for kind, record_id in (("activities", sales.activity["id"]), ("opportunities", opportunity_id),
                                ("accounts", account_id)):
            created(client.post(f"/api/v1/{kind}/{record_id}/comments", headers=commenter, json={
                "body": f"コメント{i:02d}"}))
    for login in ("bob", "carol", "lena"):
        client.put(f"/api/v1/activities/{sales.activity['id']}/like", headers=people.auth(login))


def _log_in(client: TestClient[Any], login: str) -> None:
    response = client.post("/login", data={
        "tenant": TENANT, "login_id": login, "password": PASSWORDS[login], "next": "/",
        "_csrf_token": csrf_token(client)}, follow_redirects=False)
    assert response.status_code == 303, response.text


def _pages(sales: Sales) -> dict[str, str]:
    return {**{path: path for path in (*LISTS, *MOBILE, *SEARCH)},
            "opportunity": f"/opportunities/{sales.opportunity['id']}",
            "account": f"/accounts/{sales.account['id']}",
            "activity": f"/activities/{sales.activity['id']}"}


def _measure(client: TestClient[Any], counter: StatementCounter, path: str) -> tuple[int, int, list[str], int, str]:
    first = client.get(path)
    rows = first.text.count('data-id="')
    best: list[str] | None = None
    status = 0
    for _ in range(2):
        with counter.counting() as found:
            status = client.get(path).status_code
        if best is None or len(found) < len(best):
            best = list(found)
    assert best is not None
    return status, len(best), best, rows, first.headers.get("content-type", "")


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Measured]:
    directory: Path = tmp_path_factory.mktemp("query-counts")
    engine = _migrated(f"sqlite:///{directory / 'dps.sqlite3'}")
    container = make_container(directory, engine)
    people = make_people(container)
    result = Measured()
    try:
        with TestClient(create_app(container)) as client:
            sales = seed_sales(client, people)
            counter = StatementCounter(container.engine())
            _log_in(client, "alice")
            for n, start in ((SMALL, 0), (LARGE, SMALL)):
                _add_rows(client, people, sales, start, n)
                for key, path in _pages(sales).items():
                    status, count, statements, rows, content_type = _measure(client, counter, path)
                    result.content_types[key] = content_type
                    result.rows.setdefault(key, {})[n] = rows
                    result.statuses.setdefault(key, {})[n] = status
                    result.counts.setdefault(key, {})[n] = count
                    result.statements.setdefault(key, {})[n] = statements
        yield result
    finally:
        container.engine.reset_override()
        engine.dispose()


def _show(statements: list[str]) -> str:
    return "\n".join(f"  {s.split(chr(10))[0][:160]}" for s in statements)


@pytest.mark.parametrize("key", [*LISTS, *MOBILE, *SEARCH, *DETAILS])
def test_the_page_sends_a_fixed_number_of_statements(measured: Measured, key: str) -> None:
    statuses = measured.statuses[key]
    assert statuses == {SMALL: 200, LARGE: 200}, f"{key}: {statuses}"
    assert measured.content_types[key] == HTML
    small, large = measured.counts[key][SMALL], measured.counts[key][LARGE]
    assert small == large, (
        f"{key}: {small} statements with {SMALL} rows, {large} with {LARGE} (N+1?)\n"
        f"with {LARGE}:\n{_show(measured.statements[key][LARGE])}")
    if key in LISTS[:-1]:  # the PC lists show the new rows (the portal and details show a few)
        assert measured.rows[key][LARGE] > measured.rows[key][SMALL], (key, measured.rows[key])
    bound = DETAIL_BOUND if key in DETAILS else BOUND
    assert large <= bound, f"{key}: {large} statements (bound {bound})\n{_show(measured.statements[key][LARGE])}"
