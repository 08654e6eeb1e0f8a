"""キャンペーン別 on SQLite and PostgreSQL: exact figures per campaign of a seeded data set (members,
leads and conversions, opportunities and wins, cost, cost per lead, ROI, targets), the period and kind
filters, the restricted campaign, lead and opportunity left out and counted, another tenant's
identical data absent, bad parameters refused on the parameter, and one statement for the body."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient

from dps.adapters.db.tables.sales_campaigns import campaigns
from dps.application.auth.principals import system_principal
from dps.application.reports.catalog import ReportCatalog
from dps.application.reports.tables import CellKind, ReportTable
from dps.application.shared.errors import Invalid
from dps.application.tenancy.tenants import CreateTenantCommand
from dps.bootstrap.container import Container
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from dps.entrypoints.http.app import create_app
from tests.integration.http.conftest import PASSWORD, log_in
from tests.integration.reports.product_campaign_seed import seed_campaigns
from tests.integration.sales.test_opportunities_support import Sales, build_sales
from tests.integration.ui.pages_support import count_of

D = Decimal
FY2025 = {"date_from": "2025-04-01", "date_to": "2026-03-31"}


@pytest.fixture
def s(container: Container, engine: sa.Engine, tenant: Tenant, admin: Principal) -> Sales:
    other = container.create_tenant()(CreateTenantCommand(code="other", name="他社", full_licenses=5,
                                                          light_licenses=3))
    seed_campaigns(build_sales(container, engine, other, system_principal(other.id, actor="test-admin")))
    sales = build_sales(container, engine, tenant, admin)
    seed_campaigns(sales)
    return sales


def _run(s: Sales, principal: Principal, **params: str) -> ReportTable:
    return ReportCatalog(s.deps).get("campaigns").run(principal, params)


def _by_name(table: ReportTable) -> dict[str, dict[str, object]]:
    keys = [c.key for c in table.columns]
    out = {str(r[0]): dict(zip(keys, r, strict=True)) for r in table.rows}
    out["total"] = dict(zip(keys, table.totals, strict=True))
    return out


def test_campaigns_of_the_fiscal_year_with_their_figures(s: Sales) -> None:
    table = _run(s, system_principal(s.tenant.id), **FY2025)
    assert table.kind == "campaigns"
    assert [r[0] for r in table.rows] == ["c1 春セミナー", "c3 秘密", "c5 メール", "c2 展示会"]  # by start date
    got = _by_name(table)
    assert got["c1 春セミナー"] == {
        "name": "c1 春セミナー", "kind": "セミナー Seminar", "starts_on": got["c1 春セミナー"]["starts_on"],
        "ends_on": got["c1 春セミナー"]["ends_on"], "invited": 5, "attended": 3, "attendance_rate": D("0.6"),
        "leads": 4, "converted": 1, "conversion_rate": D("0.25"), "opportunities": 3, "won": 2,
        "won_amount": D(1300), "budget": D(500), "cost": D(400), "cost_per_lead": D(100), "roi": D("2.25"),
        "target_leads": 4, "leads_rate": D(1), "target_opportunities": 2, "opportunities_rate": D("1.5"),
        "target_amount": D(1000), "amount_rate": D("1.3"),
    }
    assert str(got["c1 春セミナー"]["starts_on"]) == "2025-05-01"
    c2 = got["c2 展示会"]
    assert (c2["invited"], c2["attended"], c2["attendance_rate"], c2["leads"], c2["converted"]) == (1, 0, D(0), 1, 1)
    assert (c2["won"], c2["won_amount"], c2["cost"], c2["cost_per_lead"], c2["roi"]) == (1, D(300), None, None, None)
    assert c2["ends_on"] is None
    c5 = got["c5 メール"]
    assert (c5["leads"], c5["cost"], c5["cost_per_lead"], c5["roi"]) == (0, D(100), None, D(-1))
    total = got["total"]
    assert (total["invited"], total["attended"], total["leads"], total["converted"], total["opportunities"],
            total["won"], total["won_amount"], total["cost"]) == (6, 3, 6, 2, 4, 3, D(1600), D(500))
    assert total["roi"] == D("2.2")
    assert table.left_out == 0


def test_restricted_campaigns_leads_and_opportunities_are_left_out_and_counted(s: Sales) -> None:
    table = _run(s, s.principal("dave"), **FY2025)
    got = _by_name(table)
    assert "c3 秘密" not in got
    c1 = got["c1 春セミナー"]
    assert (c1["leads"], c1["converted"], c1["conversion_rate"], c1["opportunities"], c1["won"], c1["won_amount"],
            c1["cost_per_lead"], c1["roi"]) == (3, 1, D("0.3333"), 2, 1, D(800), D("133.33"), D(1))
    assert c1["invited"] == 5  # members count once the campaign is visible
    assert table.left_out == 3  # the campaign, L4 and c1-secret
    assert "3 restricted records" in table.notes[-1]


def test_the_period_and_kind_choose_the_campaigns(s: Sales) -> None:
    admin = system_principal(s.tenant.id)
    seminars = _run(s, admin, **FY2025, campaign_kind="seminar")
    assert [r[0] for r in seminars.rows] == ["c1 春セミナー", "c3 秘密"]
    last_year = _run(s, admin, date_from="2024-04-01", date_to="2024-12-31")
    assert [r[0] for r in last_year.rows] == ["c4 前年"]
    running = _run(s, admin, date_from="2030-01-01", date_to="2030-01-31")
    assert [r[0] for r in running.rows] == ["c2 展示会"]  # no end: still running


def test_drills_go_to_the_campaigns_leads_and_opportunities(s: Sales) -> None:
    table = _run(s, system_principal(s.tenant.id), **FY2025)
    row = 0  # c1
    campaign = ("campaign_id", _campaign_id(s, "c1 春セミナー"))
    col = {c.key: i for i, c in enumerate(table.columns)}
    assert table.drills[(row, col["leads"])].resource == "leads"
    assert table.drills[(row, col["leads"])].filters == (campaign,)
    assert table.drills[(row, col["converted"])].filters == (campaign, ("status_code", "converted"))
    assert table.drills[(row, col["opportunities"])].resource == "opportunities"
    assert table.drills[(row, col["won_amount"])].filters == (campaign, ("stage_code", "90"))
    assert (row, col["cost"]) not in table.drills


def _campaign_id(s: Sales, name: str) -> str:
    with s.engine.connect() as conn:
        return str(conn.execute(sa.select(campaigns.c.id).where(
            campaigns.c.tenant_id == s.tenant.id, campaigns.c.name == name)).scalar_one())


@pytest.mark.parametrize(("params", "field"), [
    ({"date_from": "2025-04-01"}, "date_to"),
    ({"date_to": "2025-04-01"}, "date_from"),
    ({"date_from": "2025/04/01", "date_to": "2025-05-01"}, "date_from"),
    ({"date_from": "2025-05-01", "date_to": "2025-04-01"}, "date_from"),
    ({"campaign_kind": "zzz"}, "campaign_kind"),
])
def test_bad_parameters_are_refused_naming_the_parameter(s: Sales, params: dict[str, str], field: str) -> None:
    with pytest.raises(Invalid) as err:
        _run(s, system_principal(s.tenant.id), **params)
    assert field in err.value.errors


def test_the_campaign_report_runs_a_fixed_number_of_statements(s: Sales, engine: sa.Engine) -> None:
    statements: list[str] = []
    dave = s.principal("dave")

    def listen(*args: object) -> None:
        statements.append(str(args[2]))

    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        _run(s, dave, **FY2025)
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)
    body = [x for x in statements if "campaigns" in x and "GROUP BY" in x]
    assert len(body) == 1  # the campaigns with their pre-grouped figures
    assert len(statements) <= 6, statements


# --- over HTTP: the grid page and the lists its figures drill down to ----------------------------


@pytest.fixture
def client(container: Container, s: Sales, admin: Principal) -> Iterator[TestClient[Any]]:
    container.set_user_password()(admin, "dave", PASSWORD)
    with TestClient(create_app(container)) as c:
        yield c


def test_the_grid_page_shows_the_campaigns_and_each_count_lists_as_many_records(
    client: TestClient[Any], s: Sales,
) -> None:
    assert log_in(client, "dave", PASSWORD).status_code == 303
    page = client.get("/reports/run/campaigns", params=FY2025)
    assert page.status_code == 200, page.text[:2000]
    assert "c1 春セミナー" in page.text
    assert "c3 秘密" not in page.text
    assert "3 restricted records you may not see were left out" in page.text
    table = _run(s, s.principal("dave"), **FY2025)
    checked = 0
    for (row, col), drill in table.drills.items():
        figure = table.rows[row][col]
        if table.columns[col].kind is CellKind.COUNT:
            assert count_of(client.get(f"/{drill.resource}?{drill.query()}").text) == figure, drill
            checked += 1
    assert checked >= 8
    assert client.get("/reports/run/campaigns", params={"campaign_kind": "zzz"}).status_code == 422
