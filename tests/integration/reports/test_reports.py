"""The reports (活動別, 先行管理) on SQLite and PostgreSQL: the numbers of a seeded data set, rolled up
through the organisation closure, through the acting user's visibility, with the restricted records
left out counted (R7), and a fixed number of statements."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from dps.application.auth.principals import system_principal
from dps.application.reports.queries import (
    ActivityReportQuery,
    PipelineReportQuery,
    RunActivityReport,
    RunPipelineReport,
)
from dps.application.reports.read_models import PipelineRow
from dps.bootstrap.container import Container
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from tests.integration.reports.report_seed import K, seed_reports
from tests.integration.sales.test_opportunities_support import Sales, build_sales

Z = Decimal(0)
APR, MAY, JUN, JUL, AUG = (date(2025, m, 1) for m in (4, 5, 6, 7, 8))


@pytest.fixture
def s(container: Container, engine: sa.Engine, tenant: Tenant, admin: Principal) -> Sales:
    sales = build_sales(container, engine, tenant, admin)
    seed_reports(sales)
    return sales


def _activities(s: Sales, principal: Principal) -> dict[str, dict[tuple[date, str, str], int]]:
    report = RunActivityReport(s.deps)(principal, ActivityReportQuery(
        date(2025, 4, 1), date(2025, 5, 31), s.orgs["hq"]))
    assert report.months == (APR, MAY)
    assert [k.code for k in report.kinds][:3] == ["visit", "call", "mail"]
    assert [r.code for r in report.rows] == ["hq", "dev", "sales"]
    assert report.rows[0].is_self
    return {r.code: dict(r.counts) for r in report.rows} | {"left_out": {(APR, "", ""): report.left_out}}


def test_activity_report_rolls_up_children_and_counts_what_the_admin_sees(s: Sales) -> None:
    got = _activities(s, system_principal(s.tenant.id))
    assert got == {
        "hq": {(APR, "cancelled", "mail"): 1},
        "dev": {(APR, "done", "visit"): 1, (MAY, "done", "call"): 1},
        "sales": {(APR, "done", "visit"): 2, (APR, "planned", "call"): 1, (MAY, "done", "visit"): 2},
        "left_out": {(APR, "", ""): 0},
    }


def test_activity_report_leaves_out_restricted_activities_and_says_so(s: Sales) -> None:
    """dave sees neither alice's restricted visit nor his own call on her restricted opportunity (R6);
    nobody but an administrator sees the operator's restricted activity, which has no owner."""
    got = _activities(s, s.principal("dave"))
    assert got["dev"] == {(APR, "done", "visit"): 1}
    assert got["sales"] == {(APR, "done", "visit"): 1, (APR, "planned", "call"): 1, (MAY, "done", "visit"): 1}
    assert got["left_out"] == {(APR, "", ""): 3}  # with the operator's restricted activity (no owner)
    alice = _activities(s, s.principal("alice"))
    assert alice["left_out"] == {(APR, "", ""): 1}


def _cells(row: PipelineRow, months: tuple[date, ...]) -> dict[date, tuple[Decimal, Decimal, dict[str, Decimal],
                                                                          Decimal]]:
    return {m: (c.budget, c.actual, {k: v for k, v in c.forecast.items() if v}, c.landing)
            for m, c in zip(months, row.months, strict=True) if c.budget or c.actual or c.forecast_total}


def test_pipeline_for_the_top_organisation(s: Sales) -> None:
    report = RunPipelineReport(s.deps)(system_principal(s.tenant.id), PipelineReportQuery(s.orgs["hq"], 2025))
    assert report.months[0] == APR
    assert len(report.months) == 12
    assert [c.code for c in report.certainties][:3] == ["A", "B", "C"]
    assert "" in [c.code for c in report.certainties]
    rows = {r.code: r for r in report.rows}
    assert [(r.kind, r.code) for r in report.rows] == [("organization", "dev"), ("organization", "sales"),
                                                      ("user", "alice")]
    m = report.months
    assert _cells(rows["sales"], m) == {
        APR: (1500 * K, 1000 * K, {}, 1000 * K),
        JUN: (2000 * K, 0, {"A": 4000 * K, "B": 2000 * K, "": 100 * K}, 4200 * K),
    }
    assert _cells(rows["dev"], m) == {MAY: (1000 * K, 300 * K, {}, 300 * K), JUL: (0, 0, {"C": 500 * K}, 100 * K)}
    assert _cells(rows["alice"], m) == {APR: (200 * K, 50 * K, {}, 50 * K), AUG: (0, 0, {"B": 400 * K}, 200 * K)}
    total = report.total
    assert total.months[0].budget == 5000 * K  # hq's own budget, not the rows' sum
    assert total.months[0].actual == 1050 * K
    assert total.months[0].achievement_rate == Decimal("0.21")
    assert total.months[0].gap == 3950 * K
    assert total.year.actual == 1350 * K
    assert total.year.landing == (1350 + 3200 + 1000 + 100 + 200) * K
    assert rows["sales"].year.achievement_rate == Decimal("0.2857")
    assert report.left_out == 0


def test_pipeline_leaves_out_a_restricted_opportunity_for_another_user(s: Sales) -> None:
    report = RunPipelineReport(s.deps)(s.principal("dave"), PipelineReportQuery(s.orgs["hq"], 2025))
    rows = {r.code: r for r in report.rows}
    assert _cells(rows["sales"], report.months)[JUN] == (
        2000 * K, Z, {"A": 1000 * K, "B": 2000 * K, "": 100 * K}, 1800 * K)
    assert report.left_out == 1


def test_pipeline_of_a_child_organisation_has_its_own_users(s: Sales) -> None:
    report = RunPipelineReport(s.deps)(s.principal("alice"), PipelineReportQuery(s.orgs["sales"], 2025))
    assert [(r.kind, r.code) for r in report.rows] == [("organization", "sales1"), ("user", "alice"), ("user", "lucy")]
    rows = {r.code: r for r in report.rows}
    assert rows["sales1"].year.actual == 400 * K
    assert rows["alice"].year.actual == 600 * K
    assert rows["alice"].year.forecast == {"A": 4000 * K, "": 100 * K}
    assert report.total.year.budget == 3500 * K
    assert report.left_out == 0


def test_reports_run_a_fixed_number_of_statements(s: Sales, engine: sa.Engine) -> None:
    statements: list[str] = []

    def listen(*args: object) -> None:
        statements.append(str(args[2]))

    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        RunPipelineReport(s.deps)(system_principal(s.tenant.id), PipelineReportQuery(s.orgs["hq"], 2025))
        pipeline = len(statements)
        RunActivityReport(s.deps)(system_principal(s.tenant.id), ActivityReportQuery(
            date(2025, 4, 1), date(2025, 5, 31), s.orgs["hq"]))
        activity = len(statements) - pipeline
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)
    assert pipeline <= 12
    assert activity <= 8
