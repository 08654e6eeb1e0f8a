"""商品別 on SQLite and PostgreSQL: exact figures of a seeded data set per product and category (the
category row rolling up its products), through the acting user's visibility with the restricted
opportunity left out and counted, another tenant's identical data absent, bad parameters refused on
the parameter, and a fixed number of statements."""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
import sqlalchemy as sa
from litestar.testing import TestClient

from dps.application.auth.principals import system_principal
from dps.application.reports.catalog import ReportCatalog
from dps.application.reports.tables import ReportTable
from dps.application.shared.errors import Invalid
from dps.application.tenancy.tenants import CreateTenantCommand
from dps.bootstrap.container import Container
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from dps.entrypoints.http.app import create_app
from tests.integration.http.conftest import PASSWORD, log_in
from tests.integration.reports.product_campaign_seed import seed_products
from tests.integration.sales.test_opportunities_support import Sales, build_sales
from tests.integration.ui.pages_support import record_names

D = Decimal
FIGURES = ("pipeline.a", "pipeline.b", "pipeline.c", "pipeline_total", "won", "actual", "budget",
           "achievement_rate", "gap")


@pytest.fixture
def s(container: Container, engine: sa.Engine, tenant: Tenant, admin: Principal) -> Sales:
    """The seed in our tenant and, with other ids, in a second tenant (whose figures must never show)."""
    other = container.create_tenant()(CreateTenantCommand(code="other", name="他社", full_licenses=5,
                                                          light_licenses=3))
    seed_products(build_sales(container, engine, other, system_principal(other.id, actor="test-admin")))
    sales = build_sales(container, engine, tenant, admin)
    seed_products(sales)
    return sales


def _run(s: Sales, principal: Principal, **params: str) -> ReportTable:
    return ReportCatalog(s.deps).get("products").run(principal, params)


def _lines(table: ReportTable) -> dict[tuple[str, str], tuple[object, ...]]:
    """(category code, product code or level marker) -> the figures."""
    keys = [table.column_index(k) for k in FIGURES]
    out = {}
    for i, row in enumerate(table.rows):
        marker = "=" if table.level(i) == 1 or row[2] is None else str(row[2] or "-")
        out[(str(row[0]), marker)] = tuple(row[k] for k in keys if k is not None)
    out[("total", "=")] = tuple(table.totals[k] for k in keys if k is not None)
    return out


def test_products_of_the_top_organisation_per_category_with_roll_up(s: Sales) -> None:
    table = _run(s, system_principal(s.tenant.id), organization_id=str(s.orgs["hq"]), fiscal_year="2025")
    assert table.kind == "products"
    assert [c.key for c in table.columns][4:8] == ["pipeline.a", "pipeline.b", "pipeline.c", "pipeline.d"]
    z = D(0)
    assert _lines(table) == {
        #                       A        B       C     total     won     actual  budget  rate            gap
        ("hardware", "HW1"): (D(1130), z, z, D(1130), D(300), D(120), None, None, None),
        ("hardware", "HW2"): (z, D(200), z, D(200), z, D(60), None, None, None),
        ("hardware", "="): (D(1130), D(200), z, D(1330), D(300), D(180), D(1500), D("0.12"), D(1320)),
        ("software", "SW1"): (D(50), z, z, D(50), z, D(80), None, None, None),
        ("software", "="): (D(50), z, z, D(50), z, D(80), D(400), D("0.2"), D(320)),
        ("service", "-"): (z, z, z, z, z, D(25), None, None, None),  # a result without a product
        ("service", "="): (z, z, z, z, z, D(25), D(100), D("0.25"), D(75)),  # 営業部's: 本社 has none
        ("maintenance", "="): (z, z, z, z, z, z, z, None, z),  # alice's budget: not affiliated to 本社
        ("other", "="): (z, z, z, z, z, z, z, None, z),
        ("", "PX"): (z, z, D(40), D(40), z, z, None, None, None),
        ("", "-"): (z, z, z, z, D(20), z, None, None, None),  # a won line naming no product
        ("", "="): (z, z, D(40), D(40), D(20), z, D(2000), D(0), D(2000)),
        ("total", "="): (D(1180), D(200), D(40), D(1420), D(320), D(285), D(4000), D("0.0713"), D(3715)),
    }
    assert table.left_out == 0
    assert table.levels.count(1) == 6


def test_each_category_row_is_the_sum_of_its_products(s: Sales) -> None:
    table = _run(s, system_principal(s.tenant.id), organization_id=str(s.orgs["hq"]), fiscal_year="2025")
    summed = [table.column_index(k) for k in ("pipeline.a", "pipeline.b", "pipeline.c", "pipeline_total", "won",
                                               "actual")]
    details: list[tuple[object, ...]] = []
    subtotals = []
    for i, row in enumerate(table.rows):
        if table.level(i) == 0:
            details.append(row)
            continue
        for k in summed:
            assert k is not None
            assert row[k] == sum((d[k] for d in details), D(0)), (row[0], table.columns[k].key)
        subtotals.append(row)
        details = []
    for k in summed:
        assert k is not None
        assert table.totals[k] == sum((r[k] for r in subtotals), D(0))


def test_category_level_has_the_category_rows_only(s: Sales) -> None:
    table = _run(s, system_principal(s.tenant.id), organization_id=str(s.orgs["hq"]), fiscal_year="2025",
                 level="category")
    assert [r[0] for r in table.rows] == ["hardware", "software", "service", "maintenance", "other", ""]
    assert set(table.levels) == {0}
    assert table.totals[table.column_index("pipeline_total") or 0] == D(1420)


def test_a_restricted_opportunity_of_another_user_is_left_out_and_counted(s: Sales) -> None:
    table = _run(s, s.principal("dave"), organization_id=str(s.orgs["hq"]), fiscal_year="2025")
    lines = _lines(table)
    assert lines[("hardware", "HW1")][:5] == (D(130), D(0), D(0), D(130), D(300))
    assert lines[("total", "=")][3] == D(420)
    assert table.left_out == 1
    assert "1 restricted records" in table.notes[-1]


def test_a_child_organisation_counts_its_subtree_and_its_own_budgets(s: Sales) -> None:
    table = _run(s, s.principal("alice"), organization_id=str(s.orgs["sales"]), date_from="2025-04-01",
                 date_to="2026-03-31")
    lines = _lines(table)
    assert lines[("hardware", "HW1")][:6] == (D(1100), D(0), D(0), D(1100), D(300), D(120))  # not dave's o3
    assert lines[("hardware", "HW2")][:6] == (D(0), D(200), D(0), D(200), D(0), D(0))  # carol's, under 営業一課
    budgets = {k[0]: v[6] for k, v in lines.items() if k[1] == "="}
    assert budgets == {"hardware": D(700), "software": D(0), "service": D(100), "maintenance": D(30),
                       "other": D(0), "": D(0), "total": D(830)}
    assert table.left_out == 0


def test_a_date_range_narrows_every_figure(s: Sales) -> None:
    table = _run(s, system_principal(s.tenant.id), organization_id=str(s.orgs["hq"]), date_from="2025-06-01",
                 date_to="2025-06-30")
    total = _lines(table)[("total", "=")]
    assert total[:6] == (D(1150), D(0), D(0), D(1150), D(0), D(80))  # o1, secret; s2
    assert total[6] == D(0)  # the budget lines are all in April and May


def test_drills_name_the_product_certainty_and_period(s: Sales) -> None:
    table = _run(s, system_principal(s.tenant.id), organization_id=str(s.orgs["hq"]), fiscal_year="2025")
    rows = {(str(r[0]), str(r[2])): i for i, r in enumerate(table.rows)}
    hw1 = rows[("hardware", "HW1")]
    ids = {str(r[2]): r for r in table.rows}
    assert ids["HW1"][3] == "商品HW1"
    drill = table.drills[(hw1, table.column_index("pipeline.a") or 0)]
    assert drill.resource == "opportunities"
    filters = dict(drill.filters)
    assert filters["certainty_code"] == "A"
    assert filters["is_open"] == "true"
    assert filters["organization_id"] == str(s.orgs["hq"])
    assert filters["include_sub_orgs"] == "true"
    assert (filters["expected_order_date_from"], filters["expected_order_date_to"]) == ("2025-04-01", "2026-03-31")
    assert "product_id" in filters
    won = dict(table.drills[(hw1, table.column_index("won") or 0)].filters)
    assert won["stage_code"] == "90"
    assert won["product_id"] == filters["product_id"]
    service = next(i for i, r in enumerate(table.rows) if r[0] == "service" and table.level(i) == 1)
    actual = table.drills[(service, table.column_index("actual") or 0)]
    assert actual.resource == "sales-results"
    assert dict(actual.filters)["category_code"] == "service"
    hardware = next(i for i, r in enumerate(table.rows) if r[0] == "hardware" and table.level(i) == 1)
    assert table.rows[hardware][table.column_index("pipeline_total") or 0] == D(1330)
    assert (hardware, table.column_index("pipeline_total") or 0) not in table.drills  # no category filter
    totals = table.drills[(len(table.rows), table.column_index("actual") or 0)]
    assert dict(totals.filters) == {"organization_id": str(s.orgs["hq"]), "include_sub_orgs": "true",
                                    "date_from": "2025-04-01", "date_to": "2026-03-31"}


@pytest.mark.parametrize(("params", "field"), [
    ({"fiscal_year": "abc"}, "fiscal_year"),
    ({"fiscal_year": "1800"}, "fiscal_year"),
    ({"level": "sku"}, "level"),
    ({"organization_id": "hq"}, "organization_id"),
    ({"date_from": "2025-04-01"}, "date_to"),
    ({"date_from": "2025-13-01", "date_to": "2025-12-01"}, "date_from"),
    ({"date_from": "2025-05-01", "date_to": "2025-04-01"}, "date_from"),
    ({"fiscal_year": "2025", "date_from": "2025-04-01", "date_to": "2025-05-01"}, "fiscal_year"),
])
def test_bad_parameters_are_refused_naming_the_parameter(s: Sales, params: dict[str, str], field: str) -> None:
    with pytest.raises(Invalid) as err:
        _run(s, system_principal(s.tenant.id), **params)
    assert field in err.value.errors


def test_the_product_report_runs_a_fixed_number_of_statements(s: Sales, engine: sa.Engine) -> None:
    statements: list[str] = []

    def listen(*args: object) -> None:
        statements.append(str(args[2]))

    dave = s.principal("dave")
    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        _run(s, dave, organization_id=str(s.orgs["hq"]), fiscal_year="2025")
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)
    assert len(statements) <= 13, statements  # labels, closure, 3 figures + the left-out count, 2 code lists


# --- over HTTP: the grid page and the lists its figures drill down to ----------------------------


@pytest.fixture
def client(container: Container, s: Sales, admin: Principal) -> Iterator[TestClient[Any]]:
    for login in ("alice", "dave"):
        container.set_user_password()(admin, login, PASSWORD)
    with TestClient(create_app(container)) as c:
        yield c


def test_the_grid_page_shows_the_products_and_the_drills_list_the_opportunities(
    client: TestClient[Any], s: Sales,
) -> None:
    assert log_in(client, "dave", PASSWORD).status_code == 303
    params = {"organization_id": str(s.orgs["hq"]), "fiscal_year": "2025"}
    page = client.get("/reports/run/products", params=params)
    assert page.status_code == 200, page.text[:2000]
    assert "商品HW1" in page.text
    assert "1 restricted records you may not see were left out" in page.text
    table = _run(s, s.principal("dave"), **params)
    hw1 = next(i for i, r in enumerate(table.rows) if r[2] == "HW1")
    pipeline = table.drills[(hw1, table.column_index("pipeline.a") or 0)]
    listed = client.get(f"/{pipeline.resource}?{pipeline.query()}").text
    assert sorted(record_names(listed, "opportunities")) == ["o1", "o3"]  # 130: not alice's restricted one
    won = table.drills[(hw1, table.column_index("won") or 0)]
    assert "won" in record_names(client.get(f"/{won.resource}?{won.query()}").text, "opportunities")
    assert client.get("/reports/run/products", params={"level": "sku"}).status_code == 422


def test_the_download_is_a_workbook_with_every_row_and_the_totals(client: TestClient[Any], s: Sales) -> None:
    assert log_in(client, "alice", PASSWORD).status_code == 303
    response = client.get("/reports/run/products/download", params={
        "organization_id": str(s.orgs["hq"]), "fiscal_year": "2025", "format": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    header = values.index(next(r for r in values if r and r[0] == "カテゴリコード Category code"))
    assert len(values) - header - 1 == 12 + 1  # the body and the totals row
    assert values[-1][0] == "合計 Total"
    assert values[-1][values[header].index("見込計 Pipeline total")] == 1420  # alice sees her restricted deal
