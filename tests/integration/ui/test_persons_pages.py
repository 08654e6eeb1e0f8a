"""パーソン screens (S4) over HTTP: the list (count, filters, sort, 自担当, account filter), the detail with
the business-card history, relations and staff, the forms (create under an account, edit, 422, 409),
restricted persons and light users."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar.testing import TestClient

from tests.integration.http import conftest as http_fixtures
from tests.integration.http.conftest import LIGHT_PASSWORD, PASSWORD, World, csrf_token, log_in
from tests.integration.ui.pages_support import auth, count_of, form_data, post_json

app_container, client, world = http_fixtures.app_container, http_fixtures.client, http_fixtures.world
"""The HTTP tests' fixtures (a container on SQLite, alice and the light bob, the TestClient)."""


def _names(html: str) -> list[str]:
    return re.findall(r'<a class="record-link" href="/persons/[0-9a-f-]+">([^<]+)</a>', html)


@pytest.fixture
def made(client: TestClient[Any], world: World) -> dict[str, dict[str, Any]]:
    world.add_user("carol")
    alice = auth(world, "alice")
    tokyo = post_json(client, alice, "accounts", {"name": "東京商事"})
    osaka = post_json(client, alice, "accounts", {"name": "大阪物産"})
    return {
        "tokyo": tokyo, "osaka": osaka,
        "kimura": post_json(client, alice, "persons", {
            "account_id": tokyo["id"], "last_name": "木村", "first_name": "一", "last_name_kana": "キムラ",
            "department": "情報システム部", "title": "部長", "email": "kimura@tokyo.example", "phone": "03-1111-0000"}),
        "sato": post_json(client, alice, "persons", {
            "account_id": tokyo["id"], "last_name": "佐藤", "first_name": "花子", "last_name_kana": "サトウ"}),
        "yamada": post_json(client, alice, "persons", {
            "account_id": osaka["id"], "last_name": "山田", "first_name": "太郎", "last_name_kana": "ヤマダ"}),
        "secret": post_json(client, auth(world, "carol"), "persons", {
            "account_id": osaka["id"], "last_name": "秘密", "first_name": "人", "restriction": {}}),
    }


def test_the_list_with_count_filters_sort_and_mine(
    client: TestClient[Any], world: World, made: dict[str, dict[str, Any]]
) -> None:
    log_in(client, "alice", PASSWORD)

    html = client.get("/persons").text
    assert count_of(html) == 3
    assert _names(html) == ["木村 一", "佐藤 花子", "山田 太郎"]  # default sort: kana
    assert "秘密" not in html
    assert f'<a class="account-link" href="/accounts/{made["tokyo"]["id"]}">東京商事</a>' in html
    assert "情報システム部" in html and "kimura@tokyo.example" in html and "03-1111-0000" in html  # noqa: PT018
    assert '<span class="kana">キムラ</span>' in html

    by_account = client.get("/persons", params={"account_id": made["tokyo"]["id"]}).text
    assert _names(by_account) == ["木村 一", "佐藤 花子"]
    assert 'value="東京商事"' in by_account  # the account filter shows the account's name
    assert f'href="/persons/new?account_id={made["tokyo"]["id"]}"' in by_account
    assert _names(client.get("/persons", params={"q": "ヤマダ"}).text) == ["山田 太郎"]
    assert _names(client.get("/persons", params={"sort": "-kana"}).text) == ["山田 太郎", "佐藤 花子", "木村 一"]
    assert count_of(client.get("/persons", params={"mine": "true"}).text) == 3
    with TestClient(client.app) as carol:
        log_in(carol, "carol", PASSWORD)
        assert _names(carol.get("/persons", params={"mine": "true"}).text) == ["秘密 人"]


def test_the_detail_shows_account_cards_relations_and_staff(
    client: TestClient[Any], world: World, made: dict[str, dict[str, Any]]
) -> None:
    alice = auth(world, "alice")
    kimura = made["kimura"]
    for received_on, title in (("2025-04-01", "課長"), ("2026-04-01", "部長")):
        card = client.post(f"/api/v1/persons/{kimura['id']}/business-cards", headers=alice, json={
            "received_on": received_on, "company_name": "東京商事", "last_name": "木村", "title": title})
        assert card.status_code == 201, card.text
    version = client.get(f"/api/v1/persons/{kimura['id']}", headers=alice).json()["version"]
    related = client.put(f"/api/v1/persons/{kimura['id']}/relations", headers=alice, json={
        "expected_version": version, "relations": [{"person_id": made["sato"]["id"], "role_code": "contact"}]})
    assert related.status_code == 200, related.text
    alice_id = client.get("/api/v1/me", headers=alice).json()["user_id"]
    staffed = client.put(f"/api/v1/persons/{kimura['id']}/staff", headers=alice, json={
        "expected_version": version + 1, "staff": [{"user_id": alice_id, "is_main": True}]})
    assert staffed.status_code == 200, staffed.text
    log_in(client, "alice", PASSWORD)

    html = client.get(f"/persons/{kimura['id']}").text

    assert '<span class="record-name">木村 一</span>' in html
    assert f'<a class="account-link" href="/accounts/{made["tokyo"]["id"]}">東京商事</a>' in html
    assert f'data-copy-url="/persons/{kimura["id"]}"' in html
    cards = html[html.index("business-cards"):]
    assert cards.index("2026/04/01") < cards.index("2025/04/01")  # newest first
    assert 'class="badge current-card"' in cards
    assert f'<a href="/persons/{made["sato"]["id"]}">佐藤 花子</a> <span class="muted">窓口</span>' in html
    assert "main-staff" in html
    assert f'href="/activities?person_id={kimura["id"]}"' in html
    assert "非公開" not in html


def test_create_under_an_account_and_edit(client: TestClient[Any], world: World,
                                         made: dict[str, dict[str, Any]]) -> None:
    tokyo = made["tokyo"]["id"]
    log_in(client, "alice", PASSWORD)
    form = client.get(f"/persons/new?account_id={tokyo}").text
    assert f'name="account_id" value="{tokyo}"' in form
    assert 'value="東京商事"' in form

    created = client.post("/persons/new", data=form_data(
        client, "/persons/new", account_id=tokyo, account_id_label="東京商事", last_name="高橋", first_name="健",
        last_name_kana="タカハシ", title="主任", email="takahashi@tokyo.example", dm_opt_out="true",
    ), follow_redirects=False)
    assert created.status_code == 303, created.text
    location = created.headers["location"]
    detail = client.get(location).text
    assert '<span class="record-name">高橋 健</span>' in detail
    assert "主任" in detail and "takahashi@tokyo.example" in detail  # noqa: PT018
    person_id = location.rsplit("/", 1)[1]

    edit = client.get(f"/persons/{person_id}/edit").text
    assert 'name="version" value="1"' in edit and 'value="高橋"' in edit  # noqa: PT018
    assert 'name="dm_opt_out" value="true" checked' in edit
    moved = client.post(f"/persons/{person_id}/edit", data=form_data(
        client, f"/persons/{person_id}/edit", version="1", account_id=made["osaka"]["id"], last_name="高橋",
        first_name="健", title="課長",
    ), follow_redirects=False)
    assert moved.status_code == 303, moved.text
    after = client.get(location).text
    assert "課長" in after
    assert f'href="/accounts/{made["osaka"]["id"]}">大阪物産</a>' in after

    stale = client.post(f"/persons/{person_id}/edit", data=form_data(
        client, f"/persons/{person_id}/edit", version="1", account_id=tokyo, last_name="古い版",
    ), follow_redirects=False)
    assert stale.status_code == 409
    assert 'class="alert alert-error conflict"' in stale.text
    assert 'value="古い版"' in stale.text


def test_validation_errors_re_render_with_the_typed_values(
    client: TestClient[Any], world: World, made: dict[str, dict[str, Any]]
) -> None:
    log_in(client, "alice", PASSWORD)

    no_account = client.post("/persons/new", data=form_data(client, "/persons/new", last_name="無所属", title="顧問"))
    assert no_account.status_code == 422
    assert 'id="e-account_id"' in no_account.text
    assert 'value="無所属"' in no_account.text and 'value="顧問"' in no_account.text  # noqa: PT018

    bad_email = client.post("/persons/new", data=form_data(
        client, "/persons/new", account_id=made["tokyo"]["id"], last_name="誤記", email="not-an-address"))
    assert bad_email.status_code == 422
    assert 'id="e-email"' in bad_email.text
    assert 'value="not-an-address"' in bad_email.text
    assert count_of(client.get("/persons").text) == 3


def test_restricted_persons_are_404_for_others(client: TestClient[Any], world: World,
                                              made: dict[str, dict[str, Any]]) -> None:
    secret = made["secret"]["id"]
    log_in(client, "alice", PASSWORD)

    assert client.get(f"/persons/{secret}").status_code == 404
    assert client.get(f"/persons/{secret}/edit").status_code == 404
    with TestClient(client.app) as carol:
        log_in(carol, "carol", PASSWORD)
        own = carol.get(f"/persons/{secret}")
        assert own.status_code == 200
        assert 'class="badge restricted"' in own.text


def test_a_light_user_reads_but_may_not_write(client: TestClient[Any], world: World,
                                             made: dict[str, dict[str, Any]]) -> None:
    kimura = made["kimura"]["id"]
    log_in(client, "bob", LIGHT_PASSWORD)

    listing = client.get("/persons").text
    assert count_of(listing) == 3
    assert 'href="/persons/new' not in listing
    assert "edit-button" not in client.get(f"/persons/{kimura}").text
    assert client.get("/persons/new").status_code == 403
    assert client.get(f"/persons/{kimura}/edit").status_code == 403
    token = csrf_token(client, "/persons")
    refused = client.post("/persons/new", data={"_csrf_token": token, "account_id": made["tokyo"]["id"],
                                                "last_name": "ライト"}, follow_redirects=False)
    assert refused.status_code == 403
    changed = client.post(f"/persons/{kimura}/edit", data={
        "_csrf_token": token, "version": "1", "account_id": made["tokyo"]["id"], "last_name": "改名"})
    assert changed.status_code == 403
    assert count_of(client.get("/persons").text) == 3
