"""レポート定義 screens over HTTP: the form prefilled from the grid's query (ordered column checkboxes,
parameters, sort), saved and listed with its 開く link to the grid, 422 under the field, 409 with the
conflict banner, copy, delete with confirmation, and 404 for a definition the user may not use."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from litestar.testing import TestClient

from dps.application.directory.affiliations import AssignAffiliationCommand
from tests.integration.http import conftest as http_fixtures
from tests.integration.http.conftest import PASSWORD, World, log_in
from tests.integration.ui.pages_support import auth, form_data

app_container, client, world = http_fixtures.app_container, http_fixtures.client, http_fixtures.world
"""The HTTP tests' fixtures (a container on SQLite, alice and the light bob, the TestClient)."""

BASE = "/reports/definitions"
GRID_QUERY = ("kind=activities&date_from=2025-04-01&date_to=2025-05-31&columns=total,org_code,month"
              "&sort=total&desc=1")


@pytest.fixture
def people(world: World) -> World:
    """erin (営業部, not an administrator) and dave (no organisation)."""
    for login in ("erin", "dave"):
        world.add_user(login)
    erin = next(u for u in world.container.list_users()(world.admin) if u.login_id == "erin")
    world.container.assign_affiliation()(world.admin, AssignAffiliationCommand(erin.id, world.organization.id,
                                                                               date(2000, 4, 1)))
    world.container.refresh_org_closure()(world.admin)
    return world


def _checked_columns(html: str) -> list[str]:
    return re.findall(r'<input type="checkbox" name="columns" value="([^"]+)" id="f-col-\d+" checked>', html)


def _save(client: TestClient[Any], world: World, **fields: Any) -> Any:
    data = form_data(client, f"{BASE}/new?kind=activities", kind="activities", name="月次活動",
                     **{"param.date_from": "2025-04-01", "param.date_to": "2025-05-31"},
                     columns=["month", "total"], **{"order.month": "2", "order.total": "1"},
                     sort_key="total", sort_desc="true", organization_ids=[str(world.organization.id)])
    data.update(fields)
    return client.post(f"{BASE}/new", data=data, follow_redirects=False)


def test_the_form_is_prefilled_from_the_grid(client: TestClient[Any], people: World) -> None:
    log_in(client, "erin", PASSWORD)
    html = client.get(f"{BASE}/new?{GRID_QUERY}").text
    assert _checked_columns(html) == ["total", "org_code", "month"]  # in the grid's order, first
    assert 'name="order.total" value="1"' in html
    assert 'name="order.month" value="3"' in html
    assert 'name="param.date_from" type="date" value="2025-04-01"' in html
    assert re.search(r'<option value="total" selected>', html)
    assert 'id="f-sort_desc" name="sort_desc" value="true" checked' in html
    assert 'name="kind" value="activities"' in html


def test_save_list_open_and_edit_with_a_lock(client: TestClient[Any], people: World) -> None:
    log_in(client, "erin", PASSWORD)
    saved = _save(client, people)
    assert saved.status_code == 303, saved.text
    listing = client.get(BASE).text
    assert "月次活動" in listing
    href = re.search(r'<a class="record-link" href="([^"]+)">月次活動</a>', listing)
    assert href
    url = urlsplit(href.group(1).replace("&amp;", "&"))
    assert url.path == "/reports/run/activities"
    query = parse_qs(url.query)
    assert query["columns"] == ["total,month"]  # the order typed
    assert (query["sort"], query["desc"], query["date_from"]) == (["total"], ["1"], ["2025-04-01"])
    definition_id = query["definition"][0]

    api = client.get(f"/api/v1/report-definitions/{definition_id}", headers=auth(people, "erin")).json()
    assert (api["columns"], api["organization_ids"], api["version"]) == (
        ["total", "month"], [str(people.organization.id)], 1)

    edit = client.get(f"{BASE}/{definition_id}/edit").text
    assert _checked_columns(edit) == ["total", "month"]
    assert 'name="version" value="1"' in edit
    data = form_data(client, f"{BASE}/{definition_id}/edit", kind="activities", name="月次活動 改", version="1",
                     columns=["org_code", "total"], **{"param.date_from": "2025-04-01",
                                                       "param.date_to": "2025-04-30"})
    assert client.post(f"{BASE}/{definition_id}/edit", data=data, follow_redirects=False).status_code == 303
    stale = client.post(f"{BASE}/{definition_id}/edit", data={**data, "name": "古い"}, follow_redirects=False)
    assert stale.status_code == 409
    assert 'class="alert alert-error conflict"' in stale.text
    assert 'value="古い"' in stale.text  # what was typed stays
    api = client.get(f"/api/v1/report-definitions/{definition_id}", headers=auth(people, "erin")).json()
    assert (api["name"], api["version"], api["columns"], api["organization_ids"]) == ("月次活動 改", 2,
                                                                                      ["org_code", "total"], [])


def test_bad_input_is_shown_under_its_field(client: TestClient[Any], people: World) -> None:
    log_in(client, "erin", PASSWORD)
    empty = _save(client, people, name="")
    assert empty.status_code == 422
    assert 'id="e-name"' in empty.text
    bad_date = _save(client, people, **{"param.date_from": "April"})
    assert bad_date.status_code == 422
    assert 'id="e-param.date_from"' in bad_date.text
    assert _checked_columns(bad_date.text) == ["total", "month"]


def test_copy_and_delete(client: TestClient[Any], people: World) -> None:
    log_in(client, "erin", PASSWORD)
    _save(client, people)
    listing = client.get(BASE).text
    definition_id = re.search(r'<tr data-id="([0-9a-f-]{36})">', listing).group(1)  # type: ignore[union-attr]
    assert 'data-confirm="このレポート定義を削除しますか？"' in listing
    copied = client.post(f"{BASE}/{definition_id}/copy", data=form_data(client, BASE), follow_redirects=False)
    assert copied.status_code == 303
    assert copied.headers["location"].endswith("/edit")
    assert "月次活動 のコピー" in client.get(copied.headers["location"]).text
    deleted = client.post(f"{BASE}/{definition_id}/delete", data=form_data(client, BASE, version="1"),
                          follow_redirects=False)
    assert deleted.status_code == 303
    after = client.get(deleted.headers["location"]).text
    assert "レポート定義を削除しました" in after
    assert re.findall(r'<a class="record-link" href="[^"]+">([^<]+)</a>', after) == ["月次活動 のコピー"]


def test_a_definition_the_user_may_not_use_is_404(client: TestClient[Any], people: World) -> None:
    log_in(client, "erin", PASSWORD)
    _save(client, people)
    definition_id = re.search(r'<tr data-id="([0-9a-f-]{36})">', client.get(BASE).text).group(1)  # type: ignore[union-attr]
    client.get("/logout")
    client.cookies.clear()
    log_in(client, "dave", PASSWORD)
    assert "月次活動" not in client.get(BASE).text
    assert client.get(f"{BASE}/{definition_id}/edit").status_code == 404
    assert client.post(f"{BASE}/{definition_id}/copy", data=form_data(client, BASE),
                       follow_redirects=False).status_code == 404
