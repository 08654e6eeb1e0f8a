"""キャンペーン screens (S2) over HTTP: the list (count, filters, period, sort, 自担当), the detail with its
effect and related lists, the forms (create, edit, copy; 422 under the field, 409 with the conflict
banner), a restricted campaign for others, and what a light user may do."""

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


def _names(html: str) -> list[str]:
    return re.findall(r'<a class="record-link" href="/campaigns/[0-9a-f-]+">([^<]+)</a>', html)


@pytest.fixture
def campaigns(client: TestClient[Any], world: World) -> dict[str, dict[str, Any]]:
    world.add_user("carol")
    alice = _auth(world, "alice")
    made = {
        "seminar": _post(client, alice, "campaigns", {
            "name": "新製品セミナー", "starts_on": "2026-05-10", "ends_on": "2026-05-10", "kind_code": "seminar",
            "status_code": "done", "budget_amount": "300000", "expected_effect": "リード50件"}),
        "expo": _post(client, alice, "campaigns", {
            "name": "秋の展示会", "starts_on": "2026-10-01", "ends_on": "2026-10-03", "kind_code": "exhibition",
            "status_code": "planned"}),
        "mail": _post(client, alice, "campaigns", {
            "name": "年末メール配信", "starts_on": "2026-12-01", "kind_code": "mailing", "status_code": "planned"}),
    }
    made["secret"] = _post(client, _auth(world, "carol"), "campaigns", {
        "name": "極秘キャンペーン", "starts_on": "2026-06-01", "restriction": {}})
    return made


def test_the_list_shows_rows_count_filters_period_and_sort(
    client: TestClient[Any], world: World, campaigns: dict[str, dict[str, Any]]
) -> None:
    log_in(client, "alice", PASSWORD)

    html = client.get("/campaigns").text

    assert '<table class="grid results">' in html
    assert _count(html) == 3
    assert _names(html) == ["年末メール配信", "秋の展示会", "新製品セミナー"]  # default: newest start first
    assert "極秘キャンペーン" not in html
    assert "セミナー" in html and "終了" in html and "¥300,000" in html  # noqa: PT018
    assert 'href="/campaigns/new"' in html

    assert _names(client.get("/campaigns", params={"status_code": "planned", "sort": "starts_on"}).text) == [
        "秋の展示会", "年末メール配信"]
    assert _names(client.get("/campaigns", params={"kind_code": "seminar"}).text) == ["新製品セミナー"]
    assert _names(client.get("/campaigns", params={"q": "展示"}).text) == ["秋の展示会"]
    period = client.get("/campaigns", params={"period_from": "2026-10-02", "period_to": "2026-11-30"}).text
    assert _names(period) == ["秋の展示会"]
    assert _count(period) == 1
    assert _names(client.get("/campaigns", params={"sort": "name"}).text) == sorted(
        ["年末メール配信", "秋の展示会", "新製品セミナー"])
    inverted = client.get("/campaigns", params={"period_from": "2026-12-01", "period_to": "2026-01-01"})
    assert inverted.status_code == 200
    assert 'class="field-error"' in inverted.text
    mine = client.get("/campaigns", params={"mine": "true"}).text
    assert 'class="toggle on"' in mine
    assert _count(mine) == 3


def test_the_detail_shows_period_effect_and_related_lists(
    client: TestClient[Any], world: World, campaigns: dict[str, dict[str, Any]]
) -> None:
    alice = _auth(world, "alice")
    expo = campaigns["expo"]["id"]
    for i in range(6):
        _post(client, alice, "leads", {"company_name": f"見込{i}", "last_name": "田中", "source_code": "exhibition",
                                       "campaign_id": expo})
    account = _post(client, alice, "accounts", {"name": "東京商事"})
    _post(client, alice, "opportunities", {"name": "展示会案件", "account_id": account["id"], "stage_code": "20",
                                           "campaign_id": expo, "expected_amount": "1200000"})
    _post(client, alice, "activities", {"kind_code": "visit", "subject": "展示会ブース訪問",
                                        "activity_date": "2026-10-02", "campaign_id": expo})
    log_in(client, "alice", PASSWORD)

    html = client.get(f"/campaigns/{expo}").text

    assert '<span class="record-name">秋の展示会</span>' in html
    assert "2026/10/01 (木) 〜 2026/10/03 (土)" in html
    assert f'class="button edit-button" href="/campaigns/{expo}/edit"' in html
    assert f'class="button copy-button" href="/campaigns/{expo}/copy"' in html
    assert f'data-copy-url="/campaigns/{expo}"' in html
    assert len(re.findall(r'<tr data-id="[^"]+"><td><a href="/leads/', html)) == 5  # 5 rows of 6
    assert f'href="/leads?campaign_id={expo}">すべて表示' in html
    assert f'href="/leads/new?campaign_id={expo}"' in html
    prefilled = client.get(f"/leads/new?campaign_id={expo}").text
    assert f'name="campaign_id" value="{expo}"' in prefilled and 'value="秋の展示会"' in prefilled  # noqa: PT018
    assert '<span class="related-count">6 件</span>' in html
    assert "展示会案件" in html and "¥1,200,000" in html and "東京商事" in html  # noqa: PT018
    assert f'href="/opportunities?campaign_id={expo}">すべて表示' in html
    assert "展示会ブース訪問" in html
    assert f'href="/activities?campaign_id={expo}">すべて表示' in html
    assert "非公開" not in html

    # a comment: with dps.js the card comes back as a fragment swapped in place
    fragment = client.post(f"/campaigns/{expo}/comments", data=_form(client, f"/campaigns/{expo}", body="資料ください"),
                           headers={"X-Requested-With": "fetch"})
    assert fragment.status_code == 200, fragment.text
    assert '<section class="card stream" id="comments">' in fragment.text
    assert "資料ください" in fragment.text and "<html" not in fragment.text  # noqa: PT018
    assert "資料ください" in client.get(f"/campaigns/{expo}").text


def test_create_edit_and_copy_through_the_form(
    client: TestClient[Any], world: World, campaigns: dict[str, dict[str, Any]]
) -> None:
    log_in(client, "alice", PASSWORD)
    assert client.get("/campaigns/new").status_code == 200

    created = client.post("/campaigns/new", data=_form(
        client, "/campaigns/new", name="春のWebセミナー", starts_on="2027-04-10", ends_on="2027-04-11",
        kind_code="seminar", status_code="planned", budget_amount="150,000", target_leads="40",
        expected_effect="新規リード40件"), follow_redirects=False)

    assert created.status_code == 303, created.text
    location = created.headers["location"]
    detail = client.get(location).text
    assert '<span class="record-name">春のWebセミナー</span>' in detail
    assert "¥150,000" in detail and "新規リード40件" in detail and "計画中" in detail  # noqa: PT018

    saved = client.post(location + "/edit", data=_form(
        client, location + "/edit", version="1", name="春のWebセミナー2027", starts_on="2027-04-10",
        status_code="running"), follow_redirects=False)
    assert saved.status_code == 303, saved.text
    after = client.get(location).text
    assert "春のWebセミナー2027" in after and "実施中" in after  # noqa: PT018

    copy = client.get(location + "/copy")
    assert copy.status_code == 200
    assert 'action="/campaigns/new"' in copy.text
    assert 'value="春のWebセミナー2027のコピー"' in copy.text
    assert 'value="2027-04-10"' in copy.text
    copied = client.post("/campaigns/new", data=_form(
        client, location + "/copy", name="秋のWebセミナー", starts_on="2027-10-10", kind_code="seminar",
        status_code="planned"), follow_redirects=False)
    assert copied.status_code == 303
    assert copied.headers["location"] != location
    assert "秋のWebセミナー" in client.get(copied.headers["location"]).text
    assert _count(client.get("/campaigns").text) == 5


def test_a_mistake_is_422_and_a_stale_version_409(
    client: TestClient[Any], world: World, campaigns: dict[str, dict[str, Any]]
) -> None:
    log_in(client, "alice", PASSWORD)

    bad = client.post("/campaigns/new", data=_form(
        client, "/campaigns/new", name="逆転期間", starts_on="2026-05-10", ends_on="2026-05-01", target_leads="x"))
    assert bad.status_code == 422
    assert 'class="field-error" id="e-target_leads"' in bad.text
    assert 'value="逆転期間"' in bad.text
    domain = client.post("/campaigns/new", data=_form(
        client, "/campaigns/new", name="逆転期間", starts_on="2026-05-10", ends_on="2026-05-01"))
    assert domain.status_code == 422
    assert 'class="field-error" id="e-ends_on"' in domain.text

    path = f"/campaigns/{campaigns['mail']['id']}/edit"
    ok = client.post(path, data=_form(client, path, version="1", name="年末メール配信A", starts_on="2026-12-01"),
                     follow_redirects=False)
    assert ok.status_code == 303
    stale = client.post(path, data=_form(client, path, version="1", name="年末メール配信B", starts_on="2026-12-01"))
    assert stale.status_code == 409
    assert 'class="alert alert-error conflict"' in stale.text
    assert 'value="年末メール配信B"' in stale.text


def test_a_restricted_campaign_is_absent_and_404_for_another_user(
    client: TestClient[Any], world: World, campaigns: dict[str, dict[str, Any]]
) -> None:
    secret = campaigns["secret"]["id"]
    log_in(client, "alice", PASSWORD)

    assert "極秘キャンペーン" not in client.get("/campaigns").text
    hidden = client.get(f"/campaigns/{secret}")
    assert hidden.status_code == 404
    assert "極秘キャンペーン" not in hidden.text
    assert client.get(f"/campaigns/{secret}/edit").status_code == 404
    assert client.get(f"/campaigns/{secret}/copy").status_code == 404
    with TestClient(client.app) as carol:
        log_in(carol, "carol", PASSWORD)
        assert "極秘キャンペーン" in carol.get("/campaigns").text
        assert 'class="badge restricted"' in carol.get(f"/campaigns/{secret}").text


def test_a_light_user_sees_no_write_controls_and_is_refused(
    client: TestClient[Any], world: World, campaigns: dict[str, dict[str, Any]]
) -> None:
    world.add_user("lena", license=License.LIGHT)
    log_in(client, "lena", PASSWORD)
    campaign = campaigns["expo"]
    path = f"/campaigns/{campaign['id']}"

    listing = client.get("/campaigns").text
    detail = client.get(path).text

    assert "秋の展示会" in listing
    assert 'href="/campaigns/new"' not in listing
    assert "edit-button" not in detail and "copy-button" not in detail  # noqa: PT018
    assert "delete-form" not in detail
    assert 'data-copy-url="' + path + '"' in detail  # URL取得 stays
    assert client.get("/campaigns/new").status_code == 403
    assert client.get(path + "/copy").status_code == 403
    assert client.post("/campaigns/new", data=_form(client, path, name="X",
                                                    starts_on="2026-01-01")).status_code == 403
    assert client.post(path + "/edit", data=_form(client, path, version="1", name="X",
                                                  starts_on="2026-01-01")).status_code == 403
    assert client.post(path + "/delete", data=_form(client, path, version="1")).status_code == 403

    assert "comment-form" not in detail  # light users comment on activities only
    assert client.post(path + "/comments", data=_form(client, path, body="x")).status_code == 403


def test_delete_from_the_detail(
    client: TestClient[Any], world: World, campaigns: dict[str, dict[str, Any]]
) -> None:
    log_in(client, "alice", PASSWORD)
    path = f"/campaigns/{campaigns['mail']['id']}"

    deleted = client.post(path + "/delete", data=_form(client, path, version="1"), follow_redirects=False)

    assert deleted.status_code == 303
    assert client.get(path).status_code == 404
    assert _count(client.get("/campaigns").text) == 2
