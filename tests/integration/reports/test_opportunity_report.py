"""案件別 (the pipeline list) on SQLite and PostgreSQL: the lines of `list_seed` with their labels,
weighted amounts, latest visible activity and competitors; a restricted deal of another user left out
and counted (R7), a hidden account's name masked, another tenant's rows absent, subtotals per group
with their drill-downs, filters, the row limit, bad parameters and a fixed number of statements."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from dps.application.auth.principals import system_principal
from dps.application.reports.catalog import ReportCatalog
from dps.application.reports.tables import Drill, ReportTable
from dps.application.shared.errors import Invalid
from dps.application.shared.time import today_in
from dps.bootstrap.container import Container
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from tests.integration.reports.list_seed import K, seed_lists
from tests.integration.sales.test_opportunities_support import Sales, build_sales

FY2025 = {"expected_order_date_from": "2025-04-01", "expected_order_date_to": "2026-03-31"}
AMOUNTS = ("expected_amount", "weighted_amount", "order_amount")


@pytest.fixture
def s(container: Container, engine: sa.Engine, tenant: Tenant, admin: Principal) -> Sales:
    sales = build_sales(container, engine, tenant, admin)
    seed_lists(sales)
    return sales


def run(s: Sales, principal: Principal, **params: str) -> ReportTable:
    return ReportCatalog(s.deps).get("opportunities").run(principal, {**FY2025, **params})


def line(table: ReportTable, row: tuple[Any, ...]) -> dict[str, Any]:
    return {c.key: v for c, v in zip(table.columns, row, strict=True)}


def lines(table: ReportTable) -> dict[str, dict[str, Any]]:
    return {str(r[0]): line(table, r) for r, level in zip(table.rows, table.levels or [0] * len(table.rows),
                                                          strict=True) if level == 0}


def amounts(table: ReportTable, row: tuple[Any, ...]) -> tuple[Any, ...]:
    got = line(table, row)
    return tuple(got[k] for k in AMOUNTS)


def test_the_open_pipeline_of_the_top_organisation(s: Sales) -> None:
    table = run(s, system_principal(s.tenant.id), organization_id=str(s.orgs["hq"]))
    assert table.kind == "opportunities"
    assert [r[0] for r in table.rows] == ["o1", "secret", "o2", "o3", "o6", "o4", "o5", "o7"]
    got = lines(table)
    o1 = got["o1"]
    days = (today_in(s.deps.clock, "Asia/Tokyo") - date(2025, 6, 1)).days
    assert {k: v for k, v in o1.items() if k != "competitors"} == {
        "name": "o1", "account": "A1 東京商事", "owner": "alice 太郎", "organization": "sales 営業部",
        "stage": "提案", "certainty": "A (80%)", "expected_order_date": date(2025, 6, 10),
        "expected_amount": 1000 * K, "weighted_amount": 800 * K, "order_amount": None, "days_since_created": days,
        "last_activity": date(2025, 7, 15), "next_action": "秘密の次"}
    assert set(str(o1["competitors"]).split("、")) == {"競合X", "競合Y"}  # not the other tenant's
    assert got["secret"]["last_activity"] == date(2025, 8, 1)
    assert (got["o3"]["certainty"], got["o3"]["weighted_amount"]) == ("(なし none)", 0)
    assert got["o7"]["organization"] == "hq 本社"
    assert got["o7"]["weighted_amount"] == Decimal("799200.00")
    assert got["o5"]["last_activity"] is None
    assert got["o5"]["competitors"] == ""
    assert table.totals[0] == "合計 Total (8 件)"
    assert amounts(table, table.totals) == (8899 * K, Decimal("5839200.00"), 0)
    assert table.left_out == 0
    assert table.drills == {(8, 7): _drill(s), (8, 8): _drill(s)}  # the totals' amounts only (nothing ordered)


DRILL_BASE = (("include_sub_orgs", "true"), ("is_open", "true"), ("expected_order_date_from", "2025-04-01"),
              ("expected_order_date_to", "2026-03-31"))


def _drill(s: Sales, *extra: tuple[str, str]) -> Drill:
    return Drill("opportunities", (("organization_id", str(s.orgs["hq"])), *DRILL_BASE, *extra))


def test_a_restricted_deal_of_another_user_is_left_out_and_counted(s: Sales) -> None:
    """dave sees neither alice's restricted deal nor her restricted activity on o1 (its latest), nor
    the name of the restricted account A4 (its deal o6 is not restricted)."""
    table = run(s, s.principal("dave"), organization_id=str(s.orgs["hq"]))
    got = lines(table)
    assert list(got) == ["o1", "o2", "o3", "o6", "o4", "o5", "o7"]
    assert (got["o1"]["last_activity"], got["o1"]["next_action"]) == (date(2025, 7, 1), "2025-07-20 契約")
    assert got["o6"]["account"] == "(非表示 hidden)"
    assert amounts(table, table.totals) == (5899 * K, Decimal("3439200.00"), 0)
    assert table.left_out == 1
    assert "1 restricted records" in table.notes[-1]
    assert "other-tenant deal" not in got


def test_grouped_by_certainty_with_subtotals_and_their_drills(s: Sales) -> None:
    table = run(s, system_principal(s.tenant.id), organization_id=str(s.orgs["hq"]), group_by="certainty")
    assert [r[0] for r in table.rows] == [
        "o3", "小計 Subtotal: (なし none)", "o1", "secret", "o5", "o7", "小計 Subtotal: A (80%)", "o2", "o6",
        "小計 Subtotal: B (50%)", "o4", "小計 Subtotal: C (20%)"]
    assert table.levels == (0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1)
    _subtotals_are_the_sums_of_their_groups(table)
    assert amounts(table, table.rows[6]) == (5299 * K, Decimal("4239200.00"), None)
    amount = table.column_index("expected_amount")
    assert table.drills[(6, amount)] == _drill(s, ("certainty_code", "A"))
    assert (1, amount) not in table.drills  # the list has no filter for "no certainty"
    assert table.drills[(len(table.rows), amount)] == _drill(s)
    assert not any(r < len(table.rows) and table.levels[r] == 0 for r, _ in table.drills)


def test_grouped_by_owner(s: Sales) -> None:
    table = run(s, system_principal(s.tenant.id), organization_id=str(s.orgs["hq"]), group_by="owner")
    subtotals = [(r[0], amounts(table, r)[0]) for r, level in zip(table.rows, table.levels, strict=True) if level]
    assert subtotals == [("小計 Subtotal: alice 太郎", 6099 * K), ("小計 Subtotal: carol 太郎", 2500 * K),
                         ("小計 Subtotal: dave 太郎", 300 * K)]
    _subtotals_are_the_sums_of_their_groups(table)
    assert table.drills[(len(table.rows) - 1, 7)] == _drill(s, ("owner_id", str(s.users["dave"])))


def _subtotals_are_the_sums_of_their_groups(table: ReportTable) -> None:
    run: list[tuple[Any, ...]] = []
    for row, level in zip(table.rows, table.levels, strict=True):
        if level == 0:
            run.append(amounts(table, row))
            continue
        expected = tuple(sum((r[i] for r in run if r[i] is not None), Decimal(0)) for i in range(len(AMOUNTS)))
        assert tuple(v or 0 for v in amounts(table, row)) == expected
        run = []
    assert not run


def test_filters_by_stage_certainty_and_organisation(s: Sales) -> None:
    admin = system_principal(s.tenant.id)
    table = run(s, admin, organization_id=str(s.orgs["hq"]), stage_code="20", certainty_code="B")
    assert [r[0] for r in table.rows] == ["o2", "o6"]
    assert table.drills[(2, 7)] == Drill("opportunities", (
        ("organization_id", str(s.orgs["hq"])), ("include_sub_orgs", "true"), ("is_open", "true"),
        ("stage_code", "20"), ("certainty_code", "B"), ("expected_order_date_from", "2025-04-01"),
        ("expected_order_date_to", "2026-03-31")))
    sales = run(s, admin, organization_id=str(s.orgs["sales"]))
    assert [r[0] for r in sales.rows] == ["o1", "secret", "o2", "o3", "o6", "o4"]


def test_closed_deals(s: Sales) -> None:
    table = run(s, system_principal(s.tenant.id), organization_id=str(s.orgs["hq"]), is_open="false")
    got = lines(table)
    assert list(got) == ["won1", "lost", "won2"]
    assert (got["won2"]["stage"], got["won2"]["order_amount"]) == ("受注", 800 * K)
    assert amounts(table, table.totals)[2] == 1300 * K


def test_the_limit_cuts_rows_and_says_so(s: Sales) -> None:
    table = run(s, system_principal(s.tenant.id), organization_id=str(s.orgs["hq"]), limit="3")
    assert [r[0] for r in table.rows] == ["o1", "secret", "o2"]
    assert any("only the first 3 of 8 rows" in n for n in table.notes)
    assert amounts(table, table.totals)[0] == 8899 * K


def test_the_default_organisation_is_the_users_primary_one(s: Sales) -> None:
    table = run(s, s.principal("carol"))
    assert [r[0] for r in table.rows] == ["o2", "o4"]


@pytest.mark.parametrize(("params", "field"), [
    ({"is_open": "maybe"}, "is_open"), ({"stage_code": "zz"}, "stage_code"),
    ({"certainty_code": "Z"}, "certainty_code"),
    ({"group_by": "account"}, "group_by"), ({"limit": "20001"}, "limit"), ({"limit": "-1"}, "limit"),
    ({"expected_order_date_from": "2025/04/01"}, "expected_order_date_from"),
    ({"expected_order_date_from": "2026-04-01", "expected_order_date_to": "2025-04-01"}, "expected_order_date_from"),
    ({"organization_id": "x"}, "organization_id"),
])
def test_bad_parameters_are_invalid_on_that_parameter(s: Sales, params: dict[str, str], field: str) -> None:
    with pytest.raises(Invalid) as caught:
        run(s, system_principal(s.tenant.id), **params)
    assert field in caught.value.errors


def test_the_opportunity_report_runs_a_fixed_number_of_statements(s: Sales, engine: sa.Engine) -> None:
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
            run(s, dave, **params)
            counts.append(len(statements))
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)
    assert counts[1] == counts[2]
    assert counts[1] <= 7  # tenant, two code lists, organisation, lines, totals (and the transaction)
    assert counts[0] <= counts[1] + 3  # the first run also reads the viewer's directory (memoised after)
    assert sum("FROM opportunities" in st for st in statements) == 2


def test_the_cli_period_names_work_too(s: Sales) -> None:
    """`dps report run opportunities --from .. --to ..` passes date_from / date_to."""
    kind = ReportCatalog(s.deps).get("opportunities")
    table = kind.run(system_principal(s.tenant.id), {"organization_id": str(s.orgs["hq"]),
                                                     "date_from": "2025-06-01", "date_to": "2025-06-30"})
    assert [r[0] for r in table.rows] == ["o1", "secret", "o2"]


def test_grouped_by_the_stage_filtered_on(s: Sales) -> None:
    table = run(s, system_principal(s.tenant.id), organization_id=str(s.orgs["hq"]), stage_code="20",
                group_by="stage")
    assert [r[0] for r in table.rows][-1] == "小計 Subtotal: 提案"
    filters = table.drills[(len(table.rows) - 1, 7)].filters
    assert [name for name, _ in filters].count("stage_code") == 1


def test_the_columns_a_definition_may_choose(s: Sales) -> None:
    keys = [c.key for c in ReportCatalog(s.deps).get("opportunities").columns(system_principal(s.tenant.id))]
    assert keys[:3] == ["name", "account", "owner"]
    assert {"weighted_amount", "days_since_created", "next_action", "competitors"} <= set(keys)
