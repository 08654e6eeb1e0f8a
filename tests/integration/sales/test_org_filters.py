"""The activity and opportunity lists filtered by the owner's organisation (`organization_id`, with or
without its subtree through the closure, `include_sub_orgs`), on SQLite and PostgreSQL: the records
behind a report's figure, through the viewer's visibility as always. Every drill-down of the 活動別
report lists exactly its count, and every forecast drill-down of 先行管理 sums to its amount."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient

from dps.application.auth.principals import system_principal
from dps.application.reports.catalog import ActivitiesKind, PipelineKind
from dps.application.reports.tables import ReportTable
from dps.application.sales.activities.commands import SearchActivitiesQuery
from dps.application.sales.activities.ports import ActivitySearch
from dps.application.sales.activities.queries import SearchActivities
from dps.application.sales.opportunities.queries import SearchOpportunities
from dps.application.sales.opportunities.read_models import OpportunitySearch
from dps.application.sales.products.manage import CreateProduct, CreateProductCommand
from dps.application.shared.paging import PageRequest
from dps.bootstrap.container import Container
from dps.domain.sales.activities import ActivityStatus
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from dps.entrypoints.http.app import create_app
from tests.integration.reports.report_seed import K, seed_reports
from tests.integration.sales.test_opportunities_support import Sales, build_sales, line

PAGE = PageRequest(limit=200, count=True)
APRIL_MAY = {"date_from": "2025-04-01", "date_to": "2025-05-31"}


@pytest.fixture
def s(container: Container, engine: sa.Engine, tenant: Tenant, admin: Principal) -> Sales:
    sales = build_sales(container, engine, tenant, admin)
    seed_reports(sales)
    return sales


def _activities(s: Sales, principal: Principal, **filters: Any) -> list[str]:
    search = ActivitySearch(**filters)
    page = SearchActivities(s.deps)(principal, SearchActivitiesQuery(search=search, page=PAGE))
    assert page.total == len(page.items)
    return sorted(i.subject for i in page.items)


def _opportunities(s: Sales, principal: Principal, **filters: Any) -> list[str]:
    page = SearchOpportunities(s.deps)(principal, OpportunitySearch(**filters), PAGE)
    return sorted(i.name for i in page.items)


def test_activities_of_an_organisation_with_or_without_its_subtree(s: Sales) -> None:
    admin = system_principal(s.tenant.id)
    april = {"date_from": date(2025, 4, 1), "date_to": date(2025, 4, 30)}
    subtree = _activities(s, admin, organization_id=s.orgs["sales"], **april)
    assert subtree == ["alice-call-2025-04-20", "alice-visit-2025-04-10", "operator"]
    own = _activities(s, admin, organization_id=s.orgs["sales1"], include_sub_orgs=False)
    assert own == ["carol-visit-2025-05-01"]
    assert _activities(s, admin, organization_id=s.orgs["hq"], include_sub_orgs=False) == ["alice-mail-2025-04-05"]
    everything = _activities(s, admin, organization_id=s.orgs["hq"])
    assert len(everything) == 9  # every seeded activity is owned somewhere under 本社
    assert _activities(s, admin, organization_id=s.orgs["sales"], include_sub_orgs=False,
                       statuses=(ActivityStatus.DONE,), kind_codes=("visit",)) == [
        "alice-visit-2025-04-10", "alice-visit-2025-05-02", "alice-visit-2025-07-01", "operator"]
    # 営業一課 is under 営業部, so its visit is in the subtree but not in 営業部's own records
    assert "carol-visit-2025-05-01" in _activities(s, admin, organization_id=s.orgs["sales"])


def test_the_organisation_filter_keeps_visibility(s: Sales) -> None:
    """dave sees neither alice's restricted visit nor the operator's restricted activity."""
    dave = s.principal("dave")
    assert _activities(s, dave, organization_id=s.orgs["sales"], include_sub_orgs=False,
                       statuses=(ActivityStatus.DONE,), kind_codes=("visit",)) == [
        "alice-visit-2025-04-10", "alice-visit-2025-07-01"]
    # his own call on alice's restricted opportunity is hidden with the opportunity (R6)
    assert _activities(s, dave, organization_id=s.orgs["dev"]) == ["dave-visit-2025-04-15"]


def test_opportunities_of_an_organisation(s: Sales) -> None:
    admin = system_principal(s.tenant.id)
    assert _opportunities(s, admin, organization_id=s.orgs["sales"]) == [
        "closed", "next_year", "o1", "o2", "o7", "secret"]
    assert _opportunities(s, admin, organization_id=s.orgs["sales"], include_sub_orgs=False) == [
        "closed", "next_year", "o1", "o7", "secret"]
    assert _opportunities(s, admin, organization_id=s.orgs["hq"], include_sub_orgs=False) == ["o5"]
    assert _opportunities(s, admin, organization_id=s.orgs["sales"], is_open=True, certainty_codes=("A",),
                          expected_order_date_from=date(2025, 6, 1), expected_order_date_to=date(2025, 6, 30)) == [
        "o1", "secret"]
    assert _opportunities(s, s.principal("dave"), organization_id=s.orgs["sales"], is_open=True,
                          certainty_codes=("A",)) == ["next_year", "o1"]  # not alice's restricted one
    assert _opportunities(s, admin, organization_id=s.orgs["dev"], owner_id=s.users["alice"]) == []


def test_opportunities_with_a_line_of_a_product(s: Sales) -> None:
    alice = s.principal("alice")
    product = CreateProduct(s.deps)(alice, CreateProductCommand(code="LIC-01", name="年間ライセンス",
                                                                standard_price="120000"))
    other = CreateProduct(s.deps)(alice, CreateProductCommand(code="SUP-01", name="導入支援", standard_price="1"))
    account = s.account("大阪物産")
    s.opportunity("alice", "ライセンス案件", account, lines=(line(2, product_id=product.id),))
    s.opportunity("alice", "両方の案件", account, lines=(line(1, product_id=other.id), line(1, product_id=product.id)))
    s.opportunity("alice", "支援だけ", account, lines=(line(1, product_id=other.id),))
    admin = system_principal(s.tenant.id)
    assert _opportunities(s, admin, product_id=product.id) == ["ライセンス案件", "両方の案件"]
    assert _opportunities(s, admin, product_id=other.id, organization_id=s.orgs["sales"]) == ["両方の案件", "支援だけ"]
    assert _opportunities(s, admin, product_id=other.id, organization_id=s.orgs["dev"]) == []


# --- every drill-down lists exactly the records behind its figure --------------------------------------


def _activity_search(filters: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    f = dict(filters)
    out: dict[str, Any] = {"organization_id": UUID(f["organization_id"]),
                           "include_sub_orgs": f["include_sub_orgs"] == "true",
                           "date_from": date.fromisoformat(f["date_from"]), "date_to": date.fromisoformat(f["date_to"])}
    if "status" in f:
        out["statuses"] = (ActivityStatus(f["status"]),)
    if "kind_code" in f:
        out["kind_codes"] = (f["kind_code"],)
    return out


def _check_activity_drills(s: Sales, principal: Principal, table: ReportTable) -> int:
    checked = 0
    for (row, column), drill in table.drills.items():
        assert drill.resource == "activities"
        figure = (table.totals if row == len(table.rows) else table.rows[row])[column]
        assert len(_activities(s, principal, **_activity_search(drill.filters))) == figure, (row, column, drill)
        checked += 1
    return checked


@pytest.mark.parametrize("login", ["admin", "dave", "alice"])
def test_each_activity_report_count_drills_down_to_as_many_activities(s: Sales, login: str) -> None:
    principal = system_principal(s.tenant.id) if login == "admin" else s.principal(login)
    table = ActivitiesKind(s.deps).run(principal, {"organization_id": str(s.orgs["hq"]), **APRIL_MAY})
    assert _check_activity_drills(s, principal, table) > 10
    sales = ActivitiesKind(s.deps).run(principal, {"organization_id": str(s.orgs["sales"]), **APRIL_MAY})
    assert _check_activity_drills(s, principal, sales) > 5


def test_each_pipeline_forecast_drills_down_to_its_opportunities(s: Sales) -> None:
    for principal in (system_principal(s.tenant.id), s.principal("dave")):
        table = PipelineKind(s.deps).run(principal, {"organization_id": str(s.orgs["hq"]), "fiscal_year": "2025"})
        checked = 0
        for (row, column), drill in table.drills.items():
            if drill.resource != "opportunities":
                continue
            f = dict(drill.filters)
            page = SearchOpportunities(s.deps)(principal, OpportunitySearch(
                organization_id=UUID(f["organization_id"]), include_sub_orgs=f["include_sub_orgs"] == "true",
                owner_id=UUID(f["owner_id"]) if "owner_id" in f else None,  # type: ignore[arg-type]
                is_open=True, certainty_codes=(f["certainty_code"],),
                expected_order_date_from=date.fromisoformat(f["expected_order_date_from"]),
                expected_order_date_to=date.fromisoformat(f["expected_order_date_to"])), PAGE)
            figure = (table.totals if row == len(table.rows) else table.rows[row])[column]
            assert sum((i.expected_amount or Decimal(0) for i in page.items), Decimal(0)) == figure, drill
            checked += 1
        assert checked > 5


# --- the JSON API's parameters --------------------------------------------------------------------------


@pytest.fixture
def api(container: Container, s: Sales) -> Iterator[tuple[TestClient[Any], dict[str, str]]]:
    bearer = container.issue_api_token_for_user()(system_principal(s.tenant.id), "dave").bearer
    with TestClient(create_app(container)) as client:
        yield client, {"Authorization": f"Bearer {bearer}"}


def test_the_api_lists_take_the_organisation_filters(s: Sales, api: tuple[TestClient[Any], dict[str, str]]) -> None:
    client, headers = api
    sales = str(s.orgs["sales"])

    def subjects(**params: str) -> list[str]:
        response = client.get("/api/v1/activities", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return sorted(i["subject"] for i in response.json()["items"])

    assert subjects(organization_id=sales, status="done", kind_code="visit", **APRIL_MAY) == [
        "alice-visit-2025-04-10", "carol-visit-2025-05-01"]
    assert subjects(organization_id=sales, include_sub_orgs="false", status="done", kind_code="visit",
                    **APRIL_MAY) == ["alice-visit-2025-04-10"]
    bad = client.get("/api/v1/activities", params={"organization_id": "nope"}, headers=headers)
    assert bad.status_code == 400

    def names(**params: str) -> list[str]:
        response = client.get("/api/v1/opportunities", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return sorted(i["name"] for i in response.json()["items"])

    assert names(organization_id=sales, is_open="true", certainty_code="B") == ["o2"]
    assert names(organization_id=sales, include_sub_orgs="false", is_open="true", certainty_code="B") == []
    assert names(organization_id=str(s.orgs["hq"]), include_sub_orgs="false") == ["o5"]
    assert sum(Decimal(str(i["expected_amount"])) for i in client.get(
        "/api/v1/opportunities", params={"organization_id": sales, "is_open": "true"}, headers=headers,
    ).json()["items"]) == (1000 + 2000 + 100 + 7000) * K
    paths = client.get("/api/schema/openapi.json").json()["paths"]
    for path, extra in (("/api/v1/activities", set()), ("/api/v1/opportunities", {"product_id"})):
        names = {p["name"] for p in paths[path]["get"]["parameters"]}
        assert {"organization_id", "include_sub_orgs"} | extra <= names, path
