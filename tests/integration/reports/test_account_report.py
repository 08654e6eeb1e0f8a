"""取引先別 on SQLite and PostgreSQL: the figures of `list_seed` per account, through the acting user's
visibility (restricted deals and activities left out and counted, R7), another tenant's rows absent,
subtotals per group, the row limit, bad parameters and a fixed number of statements."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa

from dps.application.auth.principals import system_principal
from dps.application.reports.catalog import ReportCatalog
from dps.application.reports.tables import Drill, ReportTable
from dps.application.shared.errors import Invalid
from dps.application.shared.time import today_in
from dps.bootstrap.container import Container
from dps.domain.sales.fiscal_years import FiscalYear
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from tests.integration.reports.list_seed import K, seed_lists
from tests.integration.sales.test_opportunities_support import Sales, build_sales

FY2025 = {"date_from": "2025-04-01", "date_to": "2026-03-31"}
FIGURES = ("open.a.count", "open.a.amount", "open.b.count", "open.b.amount", "open.c.count", "open.c.amount",
           "open.none.count", "open.none.amount", "open.count", "open.amount", "weighted", "won.count", "won.amount",
           "sales", "sales.previous_year", "activities", "last_activity")


@pytest.fixture
def seeded(container: Container, engine: sa.Engine, tenant: Tenant, admin: Principal) -> tuple[Sales, dict[str, UUID]]:
    sales = build_sales(container, engine, tenant, admin)
    return sales, seed_lists(sales)


@pytest.fixture
def s(seeded: tuple[Sales, dict[str, UUID]]) -> Sales:
    return seeded[0]


@pytest.fixture
def ids(seeded: tuple[Sales, dict[str, UUID]]) -> dict[str, UUID]:
    return seeded[1]


def run(s: Sales, principal: Principal, **params: str) -> ReportTable:
    return ReportCatalog(s.deps).get("accounts").run(principal, params)


def figures(table: ReportTable, row: tuple[Any, ...]) -> dict[str, Any]:
    """The figures of a row by column key (absent columns: zero), zero counts and amounts dropped."""
    keys = [c.key for c in table.columns]
    out = {k: row[keys.index(k)] for k in FIGURES if k in keys}
    return {k: v for k, v in out.items() if v not in (0, Decimal(0), None)}


def by_name(table: ReportTable) -> dict[str, dict[str, Any]]:
    return {str(r[0]): figures(table, r) for r in table.rows}


A1 = {"open.a.count": 3, "open.a.amount": 11000 * K, "open.b.count": 1, "open.b.amount": 2000 * K,
      "open.none.count": 1, "open.none.amount": 100 * K, "open.count": 5, "open.amount": 13100 * K,
      "weighted": 9800 * K, "won.count": 1, "won.amount": 500 * K, "sales": 1000 * K,
      "sales.previous_year": 300 * K, "activities": 7, "last_activity": date(2026, 2, 1)}
A2 = {"open.c.count": 1, "open.c.amount": 500 * K, "open.count": 1, "open.amount": 500 * K, "weighted": 100 * K,
      "won.count": 1, "won.amount": 800 * K, "sales": 2000 * K, "sales.previous_year": 100 * K, "activities": 1,
      "last_activity": date(2025, 6, 1)}
A3 = {"open.a.count": 1, "open.a.amount": 300 * K, "open.count": 1, "open.amount": 300 * K, "weighted": 240 * K,
      "sales": 50 * K}
A4 = {"open.b.count": 1, "open.b.amount": 1000 * K, "open.count": 1, "open.amount": 1000 * K, "weighted": 500 * K,
      "sales": 10 * K}
A5 = {"open.a.count": 1, "open.a.amount": 999 * K, "open.count": 1, "open.amount": 999 * K,
      "weighted": Decimal("799200.00")}


def test_accounts_for_an_administrator_under_the_top_organisation(s: Sales) -> None:
    table = run(s, system_principal(s.tenant.id), organization_id=str(s.orgs["hq"]), **FY2025)
    assert table.kind == "accounts"
    assert [r[0] for r in table.rows] == ["A2 大阪物産", "A1 東京商事", "A3 名古屋工業", "A4 秘密商会", "A5 札幌"]
    assert by_name(table) == {"A1 東京商事": A1, "A2 大阪物産": A2, "A3 名古屋工業": A3, "A4 秘密商会": A4,
                              "A5 札幌": A5}
    first = table.rows[1]
    keys = [c.key for c in table.columns]
    assert first[keys.index("kana")] == "A1カナ"
    assert first[keys.index("owner")] == "alice 太郎"
    assert first[keys.index("account_type")] == "顧客"
    assert figures(table, table.totals) == {
        "open.a.count": 5, "open.a.amount": 12299 * K, "open.b.count": 2, "open.b.amount": 3000 * K,
        "open.c.count": 1, "open.c.amount": 500 * K, "open.none.count": 1, "open.none.amount": 100 * K,
        "open.count": 9, "open.amount": 15899 * K, "weighted": Decimal("11439200.00"), "won.count": 2,
        "won.amount": 1300 * K, "sales": 3060 * K, "sales.previous_year": 400 * K, "activities": 8,
        "last_activity": date(2026, 2, 1)}
    assert table.left_out == 0
    assert table.levels == ()
    assert table.notes[0].startswith("hq 本社: 2025-04-01 .. 2026-03-31")
    assert "0 restricted records" in table.notes[-1]


def test_accounts_under_a_child_organisation(s: Sales) -> None:
    table = run(s, system_principal(s.tenant.id), organization_id=str(s.orgs["sales"]), **FY2025)
    assert [r[0] for r in table.rows] == ["A2 大阪物産", "A1 東京商事", "A4 秘密商会"]


def test_accounts_leave_out_what_another_user_may_not_see(s: Sales) -> None:
    """dave sees neither the restricted account A4 nor alice's restricted deal, her restricted activity
    or his own activity on that deal (R6): the figures lack them and the three are counted."""
    table = run(s, s.principal("dave"), organization_id=str(s.orgs["hq"]), **FY2025)
    got = by_name(table)
    assert list(got) == ["A2 大阪物産", "A1 東京商事", "A3 名古屋工業", "A5 札幌"]
    assert got["A1 東京商事"] == A1 | {"open.a.count": 2, "open.a.amount": 8000 * K, "open.count": 4,
                                     "open.amount": 10100 * K, "weighted": 7400 * K, "activities": 5}
    assert got["A2 大阪物産"] == A2
    assert table.left_out == 3
    assert "3 restricted records" in table.notes[-1]
    alice = run(s, s.principal("alice"), organization_id=str(s.orgs["hq"]), **FY2025)
    assert alice.left_out == 0
    assert by_name(alice)["A1 東京商事"] == A1


def test_another_tenants_rows_never_count(s: Sales) -> None:
    """The other tenant's account has A1's id, with a deal, an activity and a result in the period."""
    table = run(s, system_principal(s.tenant.id), organization_id=str(s.orgs["hq"]), **FY2025)
    assert by_name(table)["A1 東京商事"] == A1
    assert "other-tenant account" not in {r[0] for r in table.rows}


def test_grouped_by_parent_account_with_subtotals(s: Sales) -> None:
    table = run(s, system_principal(s.tenant.id), organization_id=str(s.orgs["hq"]), group_by="parent_account",
                **FY2025)
    names = [r[0] for r in table.rows]
    assert names == ["A2 大阪物産", "A1 東京商事", "小計 Subtotal: A1 東京商事", "A3 名古屋工業",
                     "小計 Subtotal: A3 名古屋工業", "A4 秘密商会", "小計 Subtotal: A4 秘密商会", "A5 札幌",
                     "小計 Subtotal: A5 札幌"]
    assert table.levels == (0, 0, 1, 0, 1, 0, 1, 0, 1)
    _subtotals_are_the_sums_of_their_groups(table)
    assert figures(table, table.rows[2]) == {k: v for k, v in {
        k: (A1.get(k, 0) + A2.get(k, 0)) if k != "last_activity" else date(2026, 2, 1) for k in FIGURES}.items()
        if v}


def test_grouped_by_owner(s: Sales) -> None:
    table = run(s, system_principal(s.tenant.id), organization_id=str(s.orgs["hq"]), group_by="owner", **FY2025)
    assert [r[0] for r in table.rows] == [
        "A1 東京商事", "A4 秘密商会", "A5 札幌", "小計 Subtotal: alice 太郎", "A2 大阪物産",
        "小計 Subtotal: carol 太郎", "A3 名古屋工業", "小計 Subtotal: dave 太郎"]
    _subtotals_are_the_sums_of_their_groups(table)
    sums = [figures(table, r) for r, level in zip(table.rows, table.levels, strict=True) if level == 1]
    assert figures(table, table.totals) == {
        k: v for k, v in {k: sum((f.get(k, 0) for f in sums), Decimal(0)) for k in FIGURES if k != "last_activity"}
        .items() if v} | {"last_activity": date(2026, 2, 1)}


def _subtotals_are_the_sums_of_their_groups(table: ReportTable) -> None:
    run: list[dict[str, Any]] = []
    for row, level in zip(table.rows, table.levels, strict=True):
        got = figures(table, row)
        if level == 0:
            run.append(got)
            continue
        expected = {k: sum((f.get(k, 0) for f in run), Decimal(0)) for k in FIGURES if k != "last_activity"}
        latest = [f["last_activity"] for f in run if "last_activity" in f]
        if latest:
            expected["last_activity"] = max(latest)
        assert got == {k: v for k, v in expected.items() if v}
        run = []
    assert not run


def test_the_limit_cuts_rows_and_says_so(s: Sales) -> None:
    table = run(s, system_principal(s.tenant.id), organization_id=str(s.orgs["hq"]), limit="2", **FY2025)
    assert [r[0] for r in table.rows] == ["A2 大阪物産", "A1 東京商事"]
    assert any("only the first 2 of 5 rows" in n for n in table.notes)
    assert figures(table, table.totals)["open.count"] == 9  # the totals cover every account
    full = run(s, system_principal(s.tenant.id), organization_id=str(s.orgs["hq"]), **FY2025)
    assert not any("only the first" in n for n in full.notes)


def test_drills_lead_to_the_records_behind_a_figure(s: Sales, ids: dict[str, UUID]) -> None:
    table = run(s, system_principal(s.tenant.id), organization_id=str(s.orgs["hq"]), **FY2025)
    keys = [c.key for c in table.columns]
    a1 = str(ids["A1"])
    row = 1
    assert table.drills[(row, keys.index("open.a.amount"))] == Drill(
        "opportunities", (("account_id", a1), ("is_open", "true"), ("certainty_code", "A")))
    assert table.drills[(row, keys.index("open.count"))] == Drill(
        "opportunities", (("account_id", a1), ("is_open", "true")))
    assert table.drills[(row, keys.index("activities"))] == Drill(
        "activities", (("account_id", a1), ("date_from", "2025-04-01"), ("date_to", "2026-03-31")))
    assert table.drills[(row, keys.index("sales.previous_year"))] == Drill(
        "sales-results", (("account_id", a1), ("date_from", "2024-04-01"), ("date_to", "2025-03-31")))
    assert (row, keys.index("open.none.amount")) not in table.drills  # the list cannot filter "no certainty"
    assert (row, keys.index("open.c.count")) not in table.drills  # zero


def test_the_default_period_is_the_current_fiscal_year(s: Sales) -> None:
    table = run(s, system_principal(s.tenant.id), organization_id=str(s.orgs["hq"]))
    year = FiscalYear.containing(today_in(s.deps.clock, "Asia/Tokyo"), 4)
    assert dict((k, v) for k, _, v in table.params)["period"].startswith(year.start.isoformat())


def test_the_default_organisation_is_the_users_primary_one(s: Sales) -> None:
    table = run(s, s.principal("carol"), **FY2025)
    assert [r[0] for r in table.rows] == ["A2 大阪物産"]


@pytest.mark.parametrize(("params", "field"), [
    ({"group_by": "region"}, "group_by"), ({"limit": "0"}, "limit"), ({"limit": "10001"}, "limit"),
    ({"limit": "many"}, "limit"), ({"date_from": "2025-13-01"}, "date_from"),
    ({"date_from": "2026-04-01", "date_to": "2025-04-01"}, "date_from"), ({"organization_id": "hq"}, "organization_id"),
    ({"organization_id": "00000000-0000-0000-0000-000000000001"}, "organization_id"),
])
def test_bad_parameters_are_invalid_on_that_parameter(s: Sales, params: dict[str, str], field: str) -> None:
    with pytest.raises(Invalid) as caught:
        run(s, system_principal(s.tenant.id), **params)
    assert field in caught.value.errors


def test_the_accounts_report_runs_a_fixed_number_of_statements(s: Sales, engine: sa.Engine) -> None:
    """Whatever the scope, grouping or amount of data: the label reads, the rows and the totals."""
    dave = s.principal("dave")
    statements: list[str] = []

    def listen(*args: object) -> None:
        statements.append(str(args[2]))

    counts = []
    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        for params in ({"organization_id": str(s.orgs["hq"]), "group_by": "owner"},
                       {"organization_id": str(s.orgs["sales1"])}, {"organization_id": str(s.orgs["hq"])}):
            statements.clear()
            run(s, dave, **params, **FY2025)
            counts.append(len(statements))
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)
    assert counts[1] == counts[2]
    assert counts[1] <= 7  # tenant, organisation, two code lists, rows, totals (and the transaction)
    assert counts[0] <= counts[1] + 3  # the first run also reads the viewer's directory (memoised after)
    assert sum("FROM accounts" in st for st in statements) == 2  # the rows, the totals over the same select


def test_the_columns_a_definition_may_choose(s: Sales) -> None:
    keys = [c.key for c in ReportCatalog(s.deps).get("accounts").columns(system_principal(s.tenant.id))]
    assert keys[:4] == ["account_name", "kana", "owner", "account_type"]
    assert {"open.a.count", "open.won.amount", "open.none.amount", "weighted", "sales.previous_year",
            "last_activity"} <= set(keys)
