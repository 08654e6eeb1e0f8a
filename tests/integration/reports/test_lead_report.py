"""リード別 (the lead funnel) on SQLite and PostgreSQL: leads per source or campaign and status with the
conversion rate, the restricted lead left out and counted, a restricted campaign's name withheld, the
creation period in the tenant's days, the organisation filter through the closure, another tenant's
identical data absent, bad parameters refused on the parameter, drills that list as many leads as
the figure, and a fixed number of statements."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient

from dps.application.auth.principals import system_principal
from dps.application.reports.catalog import ReportCatalog
from dps.application.reports.kinds.leads import NO_CAMPAIGN, RESTRICTED_CAMPAIGN
from dps.application.reports.tables import ReportTable
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
STATUSES = ("status.new", "status.working", "status.qualified", "status.unqualified", "status.converted", "total",
            "conversion_rate")


@pytest.fixture
def s(container: Container, engine: sa.Engine, tenant: Tenant, admin: Principal) -> Sales:
    other = container.create_tenant()(CreateTenantCommand(code="other", name="他社", full_licenses=5,
                                                          light_licenses=3))
    seed_campaigns(build_sales(container, engine, other, system_principal(other.id, actor="test-admin")))
    sales = build_sales(container, engine, tenant, admin)
    seed_campaigns(sales)
    return sales


def _run(s: Sales, principal: Principal, **params: str) -> ReportTable:
    return ReportCatalog(s.deps).get("leads").run(principal, params)


def _rows(table: ReportTable) -> dict[str, tuple[object, ...]]:
    keys = [table.column_index(k) for k in STATUSES]
    out = {str(r[1]): tuple(r[k] for k in keys if k is not None) for r in table.rows}
    out["total"] = tuple(table.totals[k] for k in keys if k is not None)
    return out


def test_leads_per_source_and_status(s: Sales) -> None:
    table = _run(s, system_principal(s.tenant.id))
    assert table.kind == "leads"
    assert [r[0] for r in table.rows] == ["seminar", "exhibition", "web", "referral", "card", "other"]
    rows = _rows(table)
    #                          new working qual unq conv total rate
    assert rows["セミナー Seminar"] == (2, 1, 0, 0, 1, 4, D("0.25"))
    assert rows["展示会 Exhibition"] == (0, 0, 0, 0, 1, 1, D(1))
    assert rows["Web問合せ Web inquiry"] == (1, 0, 0, 0, 0, 1, D(0))
    assert rows["紹介 Referral"] == (0, 0, 0, 0, 0, 0, None)
    assert rows["total"] == (3, 1, 0, 0, 2, 6, D("0.3333"))
    assert table.left_out == 0


def test_a_restricted_lead_is_left_out_and_a_restricted_campaign_keeps_its_name(s: Sales) -> None:
    dave = s.principal("dave")
    table = _run(s, dave)
    assert _rows(table)["セミナー Seminar"] == (1, 1, 0, 0, 1, 3, D("0.3333"))  # not alice's restricted L4
    assert table.left_out == 1
    by_campaign = _run(s, dave, group_by="campaign")
    assert [r[1] for r in by_campaign.rows] == ["c1 春セミナー", "c2 展示会", RESTRICTED_CAMPAIGN]
    assert _rows(by_campaign)[RESTRICTED_CAMPAIGN][5] == 1  # L6 is not restricted, its campaign is
    admin = _run(s, system_principal(s.tenant.id), group_by="campaign")
    assert [r[1] for r in admin.rows] == ["c1 春セミナー", "c2 展示会", "c3 秘密"]
    assert NO_CAMPAIGN not in [r[1] for r in admin.rows]


def test_the_period_counts_creation_days_in_the_tenants_time_zone(s: Sales) -> None:
    table = _run(s, system_principal(s.tenant.id), date_from="2025-05-01", date_to="2025-05-31")
    rows = _rows(table)
    assert rows["セミナー Seminar"][5] == 2  # L1, L4
    assert rows["Web問合せ Web inquiry"][5] == 1  # L2: 30 April in UTC, 1 May in Tokyo
    assert rows["total"][5] == 3
    assert table.drills == {}  # the lead list has no creation-date filter


def test_the_organisation_counts_the_owners_at_or_under_it(s: Sales) -> None:
    table = _run(s, system_principal(s.tenant.id), organization_id=str(s.orgs["sales1"]))
    assert _rows(table)["total"][5] == 2  # carol's L3 and L5
    assert _rows(_run(s, system_principal(s.tenant.id), organization_id=str(s.orgs["sales"])))["total"][5] == 6
    assert _rows(_run(s, system_principal(s.tenant.id), organization_id=str(s.orgs["dev"])))["total"][5] == 0


@pytest.mark.parametrize(("params", "field"), [
    ({"group_by": "owner"}, "group_by"),
    ({"date_from": "2025-04-01"}, "date_to"),
    ({"date_from": "2025-05-01", "date_to": "2025-04-01"}, "date_from"),
    ({"organization_id": "sales"}, "organization_id"),
    ({"organization_id": str(uuid.UUID(int=7))}, "organization_id"),
])
def test_bad_parameters_are_refused_naming_the_parameter(s: Sales, params: dict[str, str], field: str) -> None:
    with pytest.raises(Invalid) as err:
        _run(s, system_principal(s.tenant.id), **params)
    assert field in err.value.errors


def test_the_lead_report_runs_a_fixed_number_of_statements(s: Sales, engine: sa.Engine) -> None:
    statements: list[str] = []
    dave = s.principal("dave")

    def listen(*args: object) -> None:
        statements.append(str(args[2]))

    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        _run(s, dave, group_by="campaign")
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)
    assert len(statements) <= 8, statements


@pytest.fixture
def client(container: Container, s: Sales, admin: Principal) -> Iterator[TestClient[Any]]:
    container.set_user_password()(admin, "dave", PASSWORD)
    with TestClient(create_app(container)) as c:
        yield c


@pytest.mark.parametrize("group_by", ["source", "campaign"])
def test_each_count_links_to_a_lead_list_showing_as_many(client: TestClient[Any], s: Sales, group_by: str) -> None:
    assert log_in(client, "dave", PASSWORD).status_code == 303
    page = client.get("/reports/run/leads", params={"group_by": group_by})
    assert page.status_code == 200, page.text[:2000]
    table = _run(s, s.principal("dave"), group_by=group_by)
    checked = 0
    for (row, col), drill in table.drills.items():
        figure = table.totals[col] if row == len(table.rows) else table.rows[row][col]
        assert count_of(client.get(f"/{drill.resource}?{drill.query()}").text) == figure, drill
        checked += 1
    assert checked >= 6
