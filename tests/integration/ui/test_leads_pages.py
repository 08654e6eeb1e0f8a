"""リード screens (S3) over HTTP: the list (count, filters, sort, 自担当, pager), the detail with its actions
and comments, the forms (create, edit, 422 under the field, 409 with the conflict banner), the 変換
(conversion) into an account, a person and an opportunity, and what a light user may do."""

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
    return re.findall(r'<a class="record-link" href="/leads/[0-9a-f-]+">([^<]+)</a>', html)


@pytest.fixture
def leads(client: TestClient[Any], world: World) -> dict[str, dict[str, Any]]:
    """Three public leads by alice (one in a campaign), and carol's restricted one."""
    world.add_user("carol")
    alice = _auth(world, "alice")
    campaign = _post(client, alice, "campaigns", {"name": "秋の展示会", "starts_on": "2026-10-01"})
    made = {
        "campaign": campaign,
        "osaka": _post(client, alice, "leads", {
            "company_name": "大阪物産", "last_name": "山田", "first_name": "花子", "source_code": "exhibition",
            "campaign_id": campaign["id"], "campaign_follow_status_code": "attended", "score": 30}),
        "kobe": _post(client, alice, "leads", {
            "company_name": "神戸製作所", "last_name": "佐藤", "source_code": "web", "status_code": "working",
            "score": 70}),
        "nara": _post(client, alice, "leads", {
            "company_name": "奈良商店", "last_name": "鈴木", "source_code": "web", "score": 50}),
    }
    made["secret"] = _post(client, _auth(world, "carol"), "leads", {
        "company_name": "極秘物産", "last_name": "秘密", "source_code": "other", "restriction": {}})
    return made


def test_the_list_shows_visible_rows_count_filters_and_sort(
    client: TestClient[Any], world: World, leads: dict[str, dict[str, Any]]
) -> None:
    log_in(client, "alice", PASSWORD)

    html = client.get("/leads").text

    assert '<table class="grid results">' in html
    assert _count(html) == 3
    assert "極秘物産" not in html
    assert f'<tr data-id="{leads["osaka"]["id"]}">' in html
    assert "展示会" in html and "Web問合せ" in html and "対応中" in html  # code labels  # noqa: PT018
    assert f'<a href="/campaigns/{leads["campaign"]["id"]}">秋の展示会</a>' in html
    assert 'href="/leads/new"' in html

    assert sorted(_names(client.get("/leads", params={"source_code": "web"}).text)) == ["奈良商店", "神戸製作所"]
    assert _names(client.get("/leads", params={"status_code": "working"}).text) == ["神戸製作所"]
    assert _names(client.get("/leads", params={"q": "大阪"}).text) == ["大阪物産"]
    by_campaign = client.get("/leads", params={"campaign_id": leads["campaign"]["id"]}).text
    assert _names(by_campaign) == ["大阪物産"]
    assert _count(by_campaign) == 1
    by_score = client.get("/leads", params={"sort": "-score"}).text
    assert _names(by_score) == ["神戸製作所", "奈良商店", "大阪物産"]
    assert 'aria-sort="descending"' in by_score
    assert _names(client.get("/leads", params={"sort": "company_name"}).text) == ["大阪物産", "奈良商店", "神戸製作所"]

    mine = client.get("/leads", params={"mine": "true"}).text
    assert 'class="toggle on"' in mine
    assert _count(mine) == 3
    bad = client.get("/leads", params={"campaign_id": "nope"})
    assert bad.status_code == 200
    assert 'class="field-error"' in bad.text


def test_the_pager_walks_forward(client: TestClient[Any], world: World) -> None:
    alice = _auth(world, "alice")
    for i in range(51):
        _post(client, alice, "leads", {"company_name": f"見込{i:02d}", "last_name": "田中", "source_code": "web"})
    log_in(client, "alice", PASSWORD)

    first = client.get("/leads", params={"sort": "company_name"}).text
    assert _count(first) == 51
    assert len(_names(first)) == 50
    link = re.search(r'<a href="([^"]+)" rel="next"', first)
    assert link
    second = client.get("/leads" + link.group(1).replace("&amp;", "&")).text
    assert _names(second) == ["見込50"]


def test_create_and_edit_through_the_form(
    client: TestClient[Any], world: World, leads: dict[str, dict[str, Any]]
) -> None:
    log_in(client, "alice", PASSWORD)
    assert client.get("/leads/new").status_code == 200

    created = client.post("/leads/new", data=_form(
        client, "/leads/new", company_name="札幌システム", last_name="高橋", first_name="一郎",
        source_code="seminar", status_code="new", email="Takahashi@Example.jp", score="40",
        campaign_id=leads["campaign"]["id"], campaign_follow_status_code="registered", next_action_on="2026-12-01",
    ), follow_redirects=False)

    assert created.status_code == 303, created.text
    location = created.headers["location"]
    detail = client.get(location).text
    assert '<span class="record-name">札幌システム 高橋 一郎</span>' in detail
    assert "takahashi@example.jp" in detail and "セミナー" in detail and "申込" in detail  # noqa: PT018
    assert "2026/12/01 (火)" in detail
    assert "秋の展示会" in detail

    edit = client.get(location + "/edit").text
    assert 'name="version" value="1"' in edit
    assert 'value="札幌システム"' in edit
    saved = client.post(location + "/edit", data=_form(
        client, location + "/edit", version="1", company_name="札幌システム株式会社", last_name="高橋",
        source_code="seminar", status_code="qualified", score="80",
    ), follow_redirects=False)
    assert saved.status_code == 303, saved.text
    after = client.get(location).text
    assert "札幌システム株式会社" in after and "見込あり" in after  # noqa: PT018
    assert re.search(r"バージョン <span class=\"en\">/ Version</span></dt><dd>2</dd>", after)


def test_a_mistake_is_422_with_the_typed_values_and_a_stale_version_409(
    client: TestClient[Any], world: World, leads: dict[str, dict[str, Any]]
) -> None:
    log_in(client, "alice", PASSWORD)

    bad = client.post("/leads/new", data=_form(
        client, "/leads/new", company_name="", last_name="高橋", source_code="web", email="not-an-address",
        score="abc"))

    assert bad.status_code == 422
    assert 'id="form-errors"' in bad.text
    assert 'class="field-error" id="e-score"' in bad.text
    assert 'value="高橋"' in bad.text and 'value="not-an-address"' in bad.text  # noqa: PT018
    domain = client.post("/leads/new", data=_form(
        client, "/leads/new", company_name="X社", last_name="高橋", source_code="web", email="not-an-address"))
    assert domain.status_code == 422
    assert 'class="field-error" id="e-email"' in domain.text

    lead = leads["kobe"]
    path = f"/leads/{lead['id']}/edit"
    first = client.post(path, data=_form(client, path, version="1", company_name="神戸製作所A", last_name="佐藤",
                                         source_code="web", status_code="working"), follow_redirects=False)
    assert first.status_code == 303
    stale = client.post(path, data=_form(client, path, version="1", company_name="神戸製作所B", last_name="佐藤",
                                         source_code="web", status_code="working"))
    assert stale.status_code == 409
    assert 'class="alert alert-error conflict"' in stale.text
    assert 'value="神戸製作所B"' in stale.text


def test_actions_and_comments_on_the_detail(
    client: TestClient[Any], world: World, leads: dict[str, dict[str, Any]]
) -> None:
    log_in(client, "alice", PASSWORD)
    lead_id = leads["nara"]["id"]
    path = f"/leads/{lead_id}"

    added = client.post(path + "/actions", data=_form(
        client, path, action_on="2026-12-03", kind_code="call", description="資料送付の確認"), follow_redirects=False)
    assert added.status_code == 303, added.text
    missing = client.post(path + "/actions", data=_form(client, path, description="日付なし"))
    assert missing.status_code == 422
    assert 'id="e-action_on"' in missing.text
    client.post("/api/v1/activities", headers=_auth(world, "alice"), json={
        "kind_code": "call", "subject": "初回電話", "activity_date": "2026-11-20", "lead_id": lead_id})
    commented = client.post(path + "/comments", data=_form(client, path, body="来週電話します"),
                            follow_redirects=False)
    assert commented.status_code == 303

    html = client.get(path).text
    assert "資料送付の確認" in html and "電話" in html and "2026/12/03 (木)" in html  # noqa: PT018
    assert "来週電話します" in html
    assert "初回電話" in html and f'href="/activities?lead_id={lead_id}">すべて表示' in html  # noqa: PT018
    action_id = re.search(r'data-action-id="([0-9a-f-]{36})"', html)
    assert action_id
    done = client.post(f"{path}/actions/{action_id.group(1)}/done", data=_form(client, path, is_done="true"),
                       follow_redirects=False)
    assert done.status_code == 303
    assert "未完了に戻す" in client.get(path).text


def test_convert_into_account_person_and_opportunity(
    client: TestClient[Any], world: World, leads: dict[str, dict[str, Any]]
) -> None:
    log_in(client, "alice", PASSWORD)
    lead = leads["osaka"]
    path = f"/leads/{lead['id']}"
    assert 'action="/leads/' + lead["id"] + '/convert"' in client.get(path).text

    response = client.post(path + "/convert", data=_form(
        client, path, version=str(lead["version"]), create_opportunity="true", opportunity_name="大阪物産 基幹更改",
        stage_code="20"), follow_redirects=False)

    assert response.status_code == 303, response.text
    account = re.fullmatch(r"/accounts/([0-9a-f-]{36})", response.headers["location"])
    assert account
    detail = client.get(path).text
    assert f'href="/accounts/{account.group(1)}"' in detail
    assert 'href="/persons/' in detail
    assert 'class="converted-opportunity" href="/opportunities/' in detail
    assert 'action="/leads/' + lead["id"] + '/convert"' not in detail  # no second conversion
    assert "delete-form" not in detail  # a converted lead stays
    opportunities = client.get("/api/v1/opportunities", headers=_auth(world, "alice")).json()["items"]
    assert [o["name"] for o in opportunities] == ["大阪物産 基幹更改"]

    again = client.post(path + "/convert", data=_form(client, path))
    assert again.status_code == 409  # already converted: reported on the form, nothing made
    assert "商談化済み" in again.text


def test_a_restricted_lead_is_absent_and_404_for_others(
    client: TestClient[Any], world: World, leads: dict[str, dict[str, Any]]
) -> None:
    log_in(client, "alice", PASSWORD)
    secret = leads["secret"]["id"]
    assert client.get(f"/leads/{secret}").status_code == 404
    assert client.get(f"/leads/{secret}/edit").status_code == 404
    with TestClient(client.app) as carol:
        log_in(carol, "carol", PASSWORD)
        own = carol.get(f"/leads/{secret}").text
        assert 'class="badge restricted"' in own
        assert "極秘物産" in carol.get("/leads").text


def test_a_light_user_sees_no_write_controls_and_is_refused(
    client: TestClient[Any], world: World, leads: dict[str, dict[str, Any]]
) -> None:
    world.add_user("lena", license=License.LIGHT)
    log_in(client, "lena", PASSWORD)
    lead = leads["nara"]
    path = f"/leads/{lead['id']}"

    listing = client.get("/leads").text
    detail = client.get(path).text

    assert "奈良商店" in listing
    assert 'href="/leads/new"' not in listing
    assert "edit-button" not in detail and "delete-form" not in detail  # noqa: PT018
    assert "/convert" not in detail and 'action="' + path + '/actions"' not in detail  # noqa: PT018
    assert 'action="' + path + '/comments"' not in detail  # light users comment on activities only
    assert client.get("/leads/new").status_code == 403
    assert client.post("/leads/new", data=_form(client, path, company_name="X", last_name="Y",
                                                source_code="web")).status_code == 403
    assert client.post(path + "/edit", data=_form(client, path, version="1", company_name="X", last_name="Y",
                                                  source_code="web")).status_code == 403
    assert client.post(path + "/convert", data=_form(client, path)).status_code == 403


def test_custom_fields_and_the_allow_list_through_the_form(
    client: TestClient[Any], world: World, leads: dict[str, dict[str, Any]]
) -> None:
    alice = _auth(world, "alice")
    for body in ({"entity": "lead", "key": "budget_yen", "label_ja": "想定予算", "kind": "number"},
                 {"entity": "lead", "key": "interest", "label_ja": "関心分野", "kind": "multi_choice",
                  "code_list_key": "industry"}):
        assert client.post("/api/v1/custom-fields", headers=alice, json=body).status_code == 201, body
    world.add_user("dave")
    carol_id = client.get("/api/v1/me", headers=_auth(world, "carol")).json()["user_id"]
    log_in(client, "alice", PASSWORD)
    form = client.get("/leads/new").text
    assert 'name="cf.budget_yen"' in form and "想定予算" in form  # noqa: PT018

    fields = {"company_name": "福岡テック", "last_name": "中村", "source_code": "web", "cf.interest": ["it", "retail"],
              "is_restricted": "true", "allowed_user_ids": [carol_id]}
    bad = client.post("/leads/new", data=_form(client, "/leads/new", **fields, **{"cf.budget_yen": "たくさん"}))
    assert bad.status_code == 422
    assert 'id="e-cf.budget_yen"' in bad.text
    assert 'value="たくさん"' in bad.text

    created = client.post("/leads/new", data=_form(client, "/leads/new", **fields, **{"cf.budget_yen": "500000"}),
                          follow_redirects=False)
    assert created.status_code == 303, created.text
    location = created.headers["location"]
    detail = client.get(location).text
    assert "想定予算" in detail and "500000" in detail and "関心分野" in detail  # noqa: PT018
    assert 'class="badge restricted"' in detail
    assert "Carol 太郎" in detail  # on the allow-list
    with TestClient(client.app) as carol:
        log_in(carol, "carol", PASSWORD)
        assert carol.get(location).status_code == 200
    with TestClient(client.app) as dave:
        log_in(dave, "dave", PASSWORD)
        assert dave.get(location).status_code == 404
        assert "福岡テック" not in dave.get("/leads").text


def test_delete_from_the_detail(client: TestClient[Any], world: World, leads: dict[str, dict[str, Any]]) -> None:
    log_in(client, "alice", PASSWORD)
    path = f"/leads/{leads['kobe']['id']}"
    assert 'class="delete-form inline"' in client.get(path).text

    deleted = client.post(path + "/delete", data=_form(client, path, version="1"), follow_redirects=False)

    assert deleted.status_code == 303
    assert deleted.headers["location"] == "/leads"
    assert client.get(path).status_code == 404
    assert _count(client.get("/leads").text) == 2
