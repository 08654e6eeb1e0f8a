"""予算 screens (S1) over HTTP: the list (filters, count, sort, 一括削除 with select-all), the detail (12
months from the fiscal start month, quarters, total), the forms with the month x amount grid (create,
edit, 422 under the grid cell, 409 with the conflict banner), delete, and what a light user may do."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar.testing import TestClient

from dps.domain.shared.principal import License
from tests.integration.http import conftest as http_fixtures
from tests.integration.http.conftest import PASSWORD, World, log_in
from tests.integration.ui.pages_support import auth as _auth
from tests.integration.ui.pages_support import count_of as _count
from tests.integration.ui.pages_support import form_data as _form
from tests.integration.ui.pages_support import post_json as _post

app_container, client, world = http_fixtures.app_container, http_fixtures.client, http_fixtures.world
"""The HTTP tests' fixtures (a container on SQLite, alice and the light bob, the TestClient)."""


def _row_ids(html: str) -> list[str]:
    return re.findall(r'<tr data-id="([0-9a-f-]{36})">', html)


def _lines(year: int, base: int = 1000) -> list[dict[str, str]]:
    months = [(year, m) for m in range(4, 13)] + [(year + 1, m) for m in (1, 2, 3)]
    return [{"month": f"{y}-{m:02d}", "amount": str(base * m)} for y, m in months]


def _user_id(client: TestClient[Any], world: World, login: str) -> str:
    user_id: str = client.get("/api/v1/me", headers=_auth(world, login)).json()["user_id"]
    return user_id


@pytest.fixture
def budgets(client: TestClient[Any], world: World) -> dict[str, dict[str, Any]]:
    alice = _auth(world, "alice")
    org = str(world.organization.id)
    return {
        "orders": _post(client, alice, "budgets", {"fiscal_year": 2026, "kind_code": "orders",
                                                   "organization_id": org, "lines": _lines(2026)}),
        "sales": _post(client, alice, "budgets", {"fiscal_year": 2026, "kind_code": "sales",
                                                  "organization_id": org, "lines": _lines(2026, 500)}),
        "next": _post(client, alice, "budgets", {"fiscal_year": 2027, "kind_code": "orders",
                                                 "user_id": _user_id(client, world, "alice"),
                                                 "lines": [{"month": "2027-04", "amount": "7000"}]}),
    }


def test_the_list_filters_counts_and_sorts(
    client: TestClient[Any], world: World, budgets: dict[str, dict[str, Any]]
) -> None:
    log_in(client, "alice", PASSWORD)

    html = client.get("/budgets").text

    assert '<table class="grid results">' in html
    assert _count(html) == 3
    assert _row_ids(html)[0] == budgets["next"]["id"]  # default: newest fiscal year first
    assert "2026年度" in html and "2027年度" in html and "受注予算" in html and "営業部" in html  # noqa: PT018
    assert "¥78,000" in html  # 2026 orders: 1000 x (4+...+12+1+2+3)
    assert 'data-select-all="ids"' in html
    assert f'name="ids" value="{budgets["orders"]["id"]}"' in html
    assert 'href="/budgets/new"' in html

    only_2026 = client.get("/budgets", params={"fiscal_year": "2026"}).text
    assert _count(only_2026) == 2
    assert sorted(_row_ids(only_2026)) == sorted([budgets["orders"]["id"], budgets["sales"]["id"]])
    assert _row_ids(client.get("/budgets", params={"kind_code": "sales"}).text) == [budgets["sales"]["id"]]
    by_org = client.get("/budgets", params={"organization_id": str(world.organization.id)}).text
    assert _count(by_org) == 2
    by_user = client.get("/budgets", params={"user_id": _user_id(client, world, "alice")}).text
    assert _row_ids(by_user) == [budgets["next"]["id"]]
    ascending = client.get("/budgets", params={"sort": "fiscal_year"}).text
    assert _row_ids(ascending)[-1] == budgets["next"]["id"]
    bad = client.get("/budgets", params={"fiscal_year": "abc"})
    assert bad.status_code == 200
    assert 'class="field-error"' in bad.text


def test_the_detail_shows_twelve_months_from_the_fiscal_start_and_the_total(
    client: TestClient[Any], world: World, budgets: dict[str, dict[str, Any]]
) -> None:
    log_in(client, "alice", PASSWORD)
    budget_id = budgets["orders"]["id"]

    html = client.get(f"/budgets/{budget_id}").text

    assert '<span class="record-name">2026年度 営業部</span>' in html
    months = re.findall(r'<tr class="month[^"]*"><td>(\d{4}/\d{2})</td>', html)
    assert months[0] == "2026/04" and months[-1] == "2027/03" and len(months) == 12  # noqa: PT018
    assert '<td class="num budget-total">¥78,000</td>' in html
    assert "Q1" in html and "¥15,000" in html  # 4000 + 5000 + 6000  # noqa: PT018
    assert f'class="button edit-button" href="/budgets/{budget_id}/edit"' in html
    assert f'data-copy-url="/budgets/{budget_id}"' in html


def test_create_and_edit_with_the_month_grid(
    client: TestClient[Any], world: World, budgets: dict[str, dict[str, Any]]
) -> None:
    log_in(client, "alice", PASSWORD)
    new = client.get("/budgets/new").text
    assert 'name="lines-0-month"' in new and 'name="lines-11-amount"' in new  # noqa: PT018

    grid = {f"lines-{i}-month": f"2028-{m:02d}" if m >= 4 else f"2029-{m:02d}"
            for i, m in enumerate((4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3))}
    created = client.post("/budgets/new", data=_form(
        client, "/budgets/new", fiscal_year="2028", kind_code="gross_profit",
        organization_id=str(world.organization.id), notes="粗利計画", **grid,
        **{"lines-0-amount": "1,000,000", "lines-11-amount": "500000"}), follow_redirects=False)

    assert created.status_code == 303, created.text
    location = created.headers["location"]
    detail = client.get(location).text
    assert "2028年度" in detail and "粗利予算" in detail and "粗利計画" in detail  # noqa: PT018
    assert '<td class="num budget-total">¥1,500,000</td>' in detail

    edit = client.get(location + "/edit").text
    assert 'name="version" value="1"' in edit
    assert 'name="lines-0-amount" id="f-lines-0-amount" value="1000000"' in edit
    saved = client.post(location + "/edit", data=_form(
        client, location + "/edit", version="1", fiscal_year="2028", kind_code="gross_profit",
        organization_id=str(world.organization.id), **grid, **{"lines-0-amount": "2000000"}),
        follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert '<td class="num budget-total">¥2,000,000</td>' in client.get(location).text


def test_a_per_category_budget_has_rows_of_month_category_and_amount(
    client: TestClient[Any], world: World, budgets: dict[str, dict[str, Any]]
) -> None:
    log_in(client, "alice", PASSWORD)
    fields = {"fiscal_year": "2028", "kind_code": "sales", "user_id": _user_id(client, world, "alice"),
              "by_category": "true"}

    missing = client.post("/budgets/new", data=_form(
        client, "/budgets/new", **fields, **{"lines-0-month": "2028-04", "lines-0-amount": "100"}))
    assert missing.status_code == 422
    assert 'id="e-lines-0-category_code"' in missing.text
    assert "data-rows" in missing.text and "<template>" in missing.text  # noqa: PT018

    created = client.post("/budgets/new", data=_form(client, "/budgets/new", **fields, **{
        "lines-0-month": "2028-04", "lines-0-category_code": "software", "lines-0-amount": "300",
        "lines-1-month": "2028-04", "lines-1-category_code": "service", "lines-1-amount": "200"}),
        follow_redirects=False)
    assert created.status_code == 303, created.text
    detail = client.get(created.headers["location"]).text
    assert "ソフトウェア" in detail and "サービス" in detail  # noqa: PT018
    assert '<td class="num budget-total">¥500</td>' in detail


def test_a_bad_amount_is_422_under_its_cell_and_a_stale_version_409(
    client: TestClient[Any], world: World, budgets: dict[str, dict[str, Any]]
) -> None:
    log_in(client, "alice", PASSWORD)
    org = str(world.organization.id)

    bad = client.post("/budgets/new", data=_form(
        client, "/budgets/new", fiscal_year="2029", kind_code="orders", organization_id=org,
        **{"lines-0-month": "2029-04", "lines-0-amount": "100", "lines-3-month": "2029-07",
           "lines-3-amount": "-5"}))
    assert bad.status_code == 422
    assert 'id="e-lines-3-amount"' in bad.text
    assert 'value="-5"' in bad.text
    duplicate = client.post("/budgets/new", data=_form(
        client, "/budgets/new", fiscal_year="2026", kind_code="orders", organization_id=org))
    assert duplicate.status_code == 422
    assert 'id="e-kind_code"' in duplicate.text

    path = f"/budgets/{budgets['sales']['id']}/edit"
    fields = {"fiscal_year": "2026", "kind_code": "sales", "organization_id": org,
              "lines-0-month": "2026-04", "lines-0-amount": "1"}
    assert client.post(path, data=_form(client, path, version="1", **fields),
                       follow_redirects=False).status_code == 303
    stale = client.post(path, data=_form(client, path, version="1", **(fields | {"notes": "古い版"})))
    assert stale.status_code == 409
    assert 'class="alert alert-error conflict"' in stale.text
    assert "古い版" in stale.text


def test_bulk_delete_two_of_three_and_delete_one(
    client: TestClient[Any], world: World, budgets: dict[str, dict[str, Any]]
) -> None:
    log_in(client, "alice", PASSWORD)
    listing = client.get("/budgets").text
    assert 'action="/budgets/bulk-delete"' in listing
    assert "data-confirm=" in listing

    response = client.post("/budgets/bulk-delete", data=_form(
        client, "/budgets", ids=[budgets["orders"]["id"], budgets["sales"]["id"]]), follow_redirects=False)

    assert response.status_code == 303
    after = client.get(response.headers["location"]).text
    assert "2 件の予算を削除しました" in after
    assert _row_ids(after) == [budgets["next"]["id"]]
    assert client.get(f"/budgets/{budgets['orders']['id']}").status_code == 404
    nothing = client.post("/budgets/bulk-delete", data=_form(client, "/budgets", back="/budgets?fiscal_year=2027"),
                          follow_redirects=False)
    assert nothing.status_code == 303
    assert nothing.headers["location"] == "/budgets?fiscal_year=2027&deleted=0"
    assert "削除する予算を選択してください" in client.get(nothing.headers["location"]).text

    deleted = client.post(f"/budgets/{budgets['next']['id']}/delete",
                          data=_form(client, "/budgets", version="1"), follow_redirects=False)
    assert deleted.status_code == 303
    assert _count(client.get("/budgets").text) == 0


def test_a_light_user_sees_no_write_controls_and_is_refused(
    client: TestClient[Any], world: World, budgets: dict[str, dict[str, Any]]
) -> None:
    world.add_user("lena", license=License.LIGHT)
    log_in(client, "lena", PASSWORD)
    budget_id = budgets["orders"]["id"]

    listing = client.get("/budgets").text
    detail = client.get(f"/budgets/{budget_id}").text

    assert _count(listing) == 3
    assert 'href="/budgets/new"' not in listing
    assert "data-select-all" not in listing and 'name="ids"' not in listing  # noqa: PT018
    assert "bulk-delete\"" not in listing.replace('action="/budgets/bulk-delete"', "")
    assert "edit-button" not in detail and "delete-form" not in detail  # noqa: PT018
    assert client.get("/budgets/new").status_code == 403
    assert client.get(f"/budgets/{budget_id}/edit").status_code == 403
    refused = client.post("/budgets/bulk-delete", data=_form(client, "/budgets", ids=[budget_id]))
    assert refused.status_code == 403
    assert client.post(f"/budgets/{budget_id}/delete", data=_form(client, "/budgets")).status_code == 403
    assert client.post("/budgets/new", data=_form(client, "/budgets", fiscal_year="2030",
                                                  kind_code="orders")).status_code == 403
    assert _count(client.get("/budgets").text) == 3
