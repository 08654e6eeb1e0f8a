"""取引先 screens (S5) over HTTP: the list (count, filters, sort, 自担当, pager), the detail with its cards
and related lists, the forms (create, edit, 422 under the field, 409 with the conflict banner), what a
restricted record and a light user see."""

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

VALID_NUMBER = "5010001008846"
BAD_NUMBER = "5010001008847"


def _row_ids(html: str) -> list[str]:
    return re.findall(r'<tr data-id="([0-9a-f-]{36})">', html)


def _names(html: str) -> list[str]:
    return re.findall(r'<a class="record-link" href="/accounts/[0-9a-f-]+">([^<]+)</a>', html)


@pytest.fixture
def accounts(client: TestClient[Any], world: World) -> dict[str, dict[str, Any]]:
    """Three public accounts by alice, one by carol that only carol (and her allow-list) may see."""
    world.add_user("carol")
    alice = auth(world, "alice")
    made = {
        "tokyo": post_json(client, alice, "accounts", {
            "name": "東京商事", "kana": "トウキョウショウジ", "account_type_code": "customer",
            "transaction_status_code": "active", "industry_code": "it", "corporate_number": VALID_NUMBER}),
        "osaka": post_json(client, alice, "accounts", {
            "name": "大阪物産", "kana": "オオサカブッサン", "account_type_code": "prospect"}),
        "aomori": post_json(client, alice, "accounts", {
            "name": "青森工業", "kana": "アオモリコウギョウ", "account_type_code": "customer"}),
    }
    made["secret"] = post_json(client, auth(world, "carol"), "accounts", {"name": "極秘商会", "restriction": {}})
    return made


def test_the_list_shows_visible_rows_with_count_and_links(
    client: TestClient[Any], world: World, accounts: dict[str, dict[str, Any]]
) -> None:
    log_in(client, "alice", PASSWORD)

    page = client.get("/accounts")

    assert page.status_code == 200
    html = page.text
    assert '<table class="grid results">' in html
    assert count_of(html) == 3
    assert "極秘商会" not in html  # carol's restricted account is not alice's to see
    assert _names(html) == ["大阪物産", "東京商事", "青森工業"]  # default sort: name
    assert f'<a class="record-link" href="/accounts/{accounts["tokyo"]["id"]}">東京商事</a>' in html
    assert "顧客" in html and "取引中" in html and "情報通信業" in html  # code labels  # noqa: PT018
    assert 'href="/accounts/new"' in html  # alice is a full user


def test_filters_sort_and_mine(client: TestClient[Any], world: World, accounts: dict[str, dict[str, Any]]) -> None:
    log_in(client, "alice", PASSWORD)

    assert _names(client.get("/accounts", params={"account_type_code": "customer"}).text) == ["東京商事", "青森工業"]
    assert _names(client.get("/accounts", params={"q": "オオサカ"}).text) == ["大阪物産"]
    by_number = client.get("/accounts", params={"corporate_number": "5010-0010-08846"}).text
    assert _names(by_number) == ["東京商事"]
    assert count_of(by_number) == 1
    assert _names(client.get("/accounts", params={"transaction_status_code": "active"}).text) == ["東京商事"]
    assert _names(client.get("/accounts", params={"industry_code": "it"}).text) == ["東京商事"]

    by_kana = client.get("/accounts", params={"sort": "kana"}).text
    assert _names(by_kana) == ["青森工業", "大阪物産", "東京商事"]
    assert 'aria-sort="ascending"' in by_kana
    assert 'href="?sort=-kana"' in by_kana  # clicking again flips the order
    assert _names(client.get("/accounts", params={"sort": "-kana"}).text) == ["東京商事", "大阪物産", "青森工業"]

    mine = client.get("/accounts", params={"mine": "true"}).text
    assert 'class="toggle on"' in mine
    assert count_of(mine) == 3  # alice owns them all
    with TestClient(client.app) as carol:
        log_in(carol, "carol", PASSWORD)
        assert _names(carol.get("/accounts", params={"mine": "true"}).text) == ["極秘商会"]
        assert count_of(carol.get("/accounts").text) == 4


def test_a_bad_filter_is_shown_not_a_500(client: TestClient[Any], world: World,
                                         accounts: dict[str, dict[str, Any]]) -> None:
    log_in(client, "alice", PASSWORD)

    page = client.get("/accounts", params={"owner_id": "not-a-uuid"})

    assert page.status_code == 200
    assert 'class="field-error"' in page.text
    assert _row_ids(page.text) == []


def test_the_pager_walks_forward_and_back(client: TestClient[Any], world: World) -> None:
    alice = auth(world, "alice")
    for i in range(52):
        post_json(client, alice, "accounts", {"name": f"取引先{i:02d}"})
    log_in(client, "alice", PASSWORD)

    first = client.get("/accounts").text
    assert count_of(first) == 52
    assert len(_row_ids(first)) == 50
    next_link = re.search(r'<a href="([^"]+)" rel="next"', first)
    assert next_link
    second = client.get("/accounts" + next_link.group(1).replace("&amp;", "&")).text
    assert _names(second) == ["取引先50", "取引先51"]
    assert 'rel="next"' not in second
    prev_link = re.search(r'<a href="([^"]+)" rel="prev"', second)
    assert prev_link
    back = client.get("/accounts" + prev_link.group(1).replace("&amp;", "&")).text
    assert _names(back)[0] == "取引先00"


def test_the_detail_shows_cards_and_related_lists(
    client: TestClient[Any], world: World, accounts: dict[str, dict[str, Any]]
) -> None:
    alice = auth(world, "alice")
    tokyo = accounts["tokyo"]["id"]
    person = post_json(client, alice, "persons", {"account_id": tokyo, "last_name": "木村", "first_name": "一"})
    post_json(client, alice, "opportunities", {"name": "基幹システム更改", "account_id": tokyo, "stage_code": "20",
                                           "expected_amount": "1500000"})
    post_json(client, alice, "activities", {"kind_code": "visit", "subject": "初回訪問", "activity_date": "2026-01-05",
                                        "account_id": tokyo})
    alice_id = client.get("/api/v1/me", headers=alice).json()["user_id"]
    staffed = client.put(f"/api/v1/accounts/{tokyo}/staff", headers=alice, json={
        "expected_version": 1, "staff": [{"user_id": alice_id, "is_main": True}]})
    assert staffed.status_code == 200, staffed.text
    related = client.put(f"/api/v1/accounts/{tokyo}/relations", headers=alice, json={
        "expected_version": 2, "relations": [{"person_id": person["id"], "role_code": "decision_maker"}]})
    assert related.status_code == 200, related.text
    log_in(client, "alice", PASSWORD)

    html = client.get(f"/accounts/{tokyo}").text

    assert '<span class="record-name">東京商事</span>' in html
    assert f'data-copy-url="/accounts/{tokyo}"' in html
    assert f'class="button edit-button" href="/accounts/{tokyo}/edit"' in html
    assert VALID_NUMBER in html
    assert "main-staff" in html  # alice is the main staff member
    assert f'<a href="/persons/{person["id"]}">木村 一</a> <span class="muted">決裁者</span>' in html
    assert "基幹システム更改" in html and "¥1,500,000" in html and "提案" in html  # noqa: PT018
    assert "初回訪問" in html
    for path in ("/persons", "/opportunities", "/activities"):
        assert f'href="{path}?account_id={tokyo}">すべて表示' in html
    assert "非公開" not in html


def test_create_through_the_form(client: TestClient[Any], world: World) -> None:
    log_in(client, "alice", PASSWORD)
    form = client.get("/accounts/new")
    assert form.status_code == 200
    assert 'data-guard=' in form.text

    response = client.post("/accounts/new", data=form_data(
        client, "/accounts/new", name="新潟電機", kana="ニイガタデンキ", corporate_number=VALID_NUMBER,
        account_type_code="partner", website="https://niigata.example", employees="120", phone="025-000-0000",
    ), follow_redirects=False)

    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert re.fullmatch(r"/accounts/[0-9a-f-]{36}", location)
    detail = client.get(location).text
    assert '<span class="record-name">新潟電機</span>' in detail
    assert "パートナー" in detail and VALID_NUMBER in detail and "025-000-0000" in detail  # noqa: PT018
    assert 'href="https://niigata.example"' in detail


def test_a_bad_corporate_number_re_renders_with_the_error_under_the_field(
    client: TestClient[Any], world: World
) -> None:
    log_in(client, "alice", PASSWORD)

    response = client.post("/accounts/new", data=form_data(
        client, "/accounts/new", name="誤番号商事", corporate_number=BAD_NUMBER, phone="03-1111-2222",
    ), follow_redirects=False)

    assert response.status_code == 422
    html = response.text
    assert 'id="form-errors"' in html
    assert re.search(r'name="corporate_number"[^>]*value="' + BAD_NUMBER, html)
    assert re.search(r'id="f-corporate_number".*?<p class="field-error" id="e-corporate_number">', html, re.S)
    assert 'value="誤番号商事"' in html and 'value="03-1111-2222"' in html  # noqa: PT018
    assert count_of(client.get("/accounts").text) == 0


def test_a_missing_name_is_422(client: TestClient[Any], world: World) -> None:
    log_in(client, "alice", PASSWORD)

    response = client.post("/accounts/new", data=form_data(client, "/accounts/new", name="", kana="ナナシ"))

    assert response.status_code == 422
    assert 'id="e-name"' in response.text
    assert 'value="ナナシ"' in response.text


def test_edit_saves_and_a_stale_version_is_409_keeping_the_input(
    client: TestClient[Any], world: World, accounts: dict[str, dict[str, Any]]
) -> None:
    tokyo = accounts["tokyo"]
    log_in(client, "alice", PASSWORD)
    edit = client.get(f"/accounts/{tokyo['id']}/edit").text
    assert 'name="version" value="1"' in edit
    assert 'value="東京商事"' in edit and 'value="customer" selected' in edit  # noqa: PT018

    saved = client.post(f"/accounts/{tokyo['id']}/edit", data=form_data(
        client, f"/accounts/{tokyo['id']}/edit", version="1", name="東京商事ホールディングス",
        account_type_code="customer", corporate_number=VALID_NUMBER, phone="03-9999-0000",
        parent_account_id=accounts["osaka"]["id"], parent_account_id_label="大阪物産",
    ), follow_redirects=False)
    assert saved.status_code == 303, saved.text
    detail = client.get(saved.headers["location"]).text
    assert "東京商事ホールディングス" in detail and "03-9999-0000" in detail  # noqa: PT018
    assert f'<a href="/accounts/{accounts["osaka"]["id"]}">大阪物産</a>' in detail  # the parent account
    assert 'value="大阪物産"' in client.get(f"/accounts/{tokyo['id']}/edit").text
    assert re.search(r"バージョン <span class=\"en\">/ Version</span></dt><dd>2</dd>", detail)

    stale = client.post(f"/accounts/{tokyo['id']}/edit", data=form_data(
        client, f"/accounts/{tokyo['id']}/edit", version="1", name="古い版からの変更", phone="03-0000-1111",
    ), follow_redirects=False)
    assert stale.status_code == 409
    assert 'class="alert alert-error conflict"' in stale.text
    assert 'value="古い版からの変更"' in stale.text and 'value="03-0000-1111"' in stale.text  # noqa: PT018
    assert "東京商事ホールディングス" in client.get(f"/accounts/{tokyo['id']}").text


def test_restricting_through_the_form_hides_the_account_from_others(client: TestClient[Any], world: World) -> None:
    world.add_user("carol")
    log_in(client, "alice", PASSWORD)
    response = client.post("/accounts/new", data=form_data(
        client, "/accounts/new", name="秘密工業", is_restricted="true"), follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    assert 'class="badge restricted"' in client.get(location).text
    assert 'class="badge restricted"' in client.get("/accounts").text

    with TestClient(client.app) as carol:
        log_in(carol, "carol", PASSWORD)
        assert "秘密工業" not in carol.get("/accounts").text
        hidden = carol.get(location)
        assert hidden.status_code == 404
        assert "秘密工業" not in hidden.text
        assert carol.get(location + "/edit").status_code == 404

    world.add_user("dave")
    users = client.get("/api/v1/users", headers=auth(world, "alice")).json()
    dave_id = next(u["id"] for u in users if u["login_id"] == "dave")
    shared = client.post("/accounts/new", data=form_data(
        client, "/accounts/new", name="共有工業", is_restricted="true", allowed_user_ids=dave_id),
        follow_redirects=False)
    assert shared.status_code == 303, shared.text
    edit = client.get(shared.headers["location"] + "/edit").text
    assert f'name="allowed_user_ids" value="{dave_id}"' in edit  # the allow-list chip, by name
    assert "Dave 太郎" in edit
    with TestClient(client.app) as dave:
        log_in(dave, "dave", PASSWORD)
        assert dave.get(shared.headers["location"]).status_code == 200
        assert dave.get(location).status_code == 404


def test_a_light_user_reads_but_has_no_write_controls(
    client: TestClient[Any], world: World, accounts: dict[str, dict[str, Any]]
) -> None:
    tokyo = accounts["tokyo"]["id"]
    log_in(client, "bob", LIGHT_PASSWORD)

    listing = client.get("/accounts").text
    assert count_of(listing) == 3
    assert 'href="/accounts/new"' not in listing
    detail = client.get(f"/accounts/{tokyo}").text
    assert "edit-button" not in detail
    assert "copy-url" in detail  # URL取得 stays
    assert 'href="/persons/new' not in detail

    assert client.get("/accounts/new").status_code == 403
    token = csrf_token(client, "/accounts")
    created = client.post("/accounts/new", data={"_csrf_token": token, "name": "ライト商事"}, follow_redirects=False)
    assert created.status_code == 403
    changed = client.post(f"/accounts/{tokyo}/edit", data={"_csrf_token": token, "version": "1", "name": "改名"},
                          follow_redirects=False)
    assert changed.status_code == 403
    assert "改名" not in client.get(f"/accounts/{tokyo}").text


def test_custom_fields_are_shown_saved_checked_and_searchable(client: TestClient[Any], world: World) -> None:
    alice = auth(world, "alice")
    for body in ({"entity": "account", "key": "capital", "label_ja": "資本金", "kind": "number"},
                 {"entity": "account", "key": "segment", "label_ja": "セグメント", "kind": "choice",
                  "code_list_key": "industry"}):
        assert client.post("/api/v1/custom-fields", headers=alice, json=body).status_code == 201
    log_in(client, "alice", PASSWORD)
    form = client.get("/accounts/new").text
    assert 'name="cf.capital"' in form and "資本金" in form  # noqa: PT018

    bad = client.post("/accounts/new", data=form_data(client, "/accounts/new", name="拡張商事",
                                                       **{"cf.capital": "たくさん", "cf.segment": "retail"}))
    assert bad.status_code == 422
    assert 'id="e-cf.capital"' in bad.text
    assert 'value="たくさん"' in bad.text

    saved = client.post("/accounts/new", data=form_data(client, "/accounts/new", name="拡張商事",
                                                         **{"cf.capital": "1,000,000", "cf.segment": "retail"}),
                        follow_redirects=False)
    assert saved.status_code == 303, saved.text
    detail = client.get(saved.headers["location"]).text
    assert "資本金" in detail and "1000000" in detail  # noqa: PT018
    assert _names(client.get("/accounts", params={"cf.segment": "retail"}).text) == ["拡張商事"]
    assert _names(client.get("/accounts", params={"cf.segment": "it"}).text) == []


CLOSED_NUMBER = "7000012050002"


def test_the_form_shows_and_saves_the_registry_status_and_lists_mark_closed_accounts(
    client: TestClient[Any], world: World
) -> None:
    successor = post_json(client, auth(world, "alice"), "accounts",
                          {"name": "新サンプル", "corporate_number": VALID_NUMBER})
    log_in(client, "alice", PASSWORD)
    form = client.get("/accounts/new").text
    for name in ("en_name", "closed_on", "close_cause", "successor_corporate_number"):
        assert f'name="{name}"' in form, name
    for label in ("英語名", "閉鎖日", "閉鎖事由", "承継法人番号"):
        assert label in form, label
    assert '<option value="11">11 合併による解散等 / dissolved by merger</option>' in form
    assert 'data-check-for="f-successor_corporate_number"' in form

    bad = client.post("/accounts/new", data=form_data(
        client, "/accounts/new", name="旧サンプル", en_name="Old Sample", successor_corporate_number="1000012050002",
    ), follow_redirects=False)
    assert bad.status_code == 422
    assert 'id="e-successor_corporate_number"' in bad.text and 'value="Old Sample"' in bad.text  # noqa: PT018

    saved = client.post("/accounts/new", data=form_data(
        client, "/accounts/new", name="旧サンプル", corporate_number=CLOSED_NUMBER, en_name="Old Sample Co., Ltd.",
        closed_on="2023-03-31", close_cause="11", successor_corporate_number=VALID_NUMBER,
    ), follow_redirects=False)
    assert saved.status_code == 303, saved.text
    detail = client.get(saved.headers["location"]).text
    assert '<span class="badge closed"' in detail
    assert "Old Sample Co., Ltd." in detail and "2023" in detail  # noqa: PT018
    assert "合併による解散等" in detail
    assert f'<a href="/accounts/{successor["id"]}">新サンプル</a>' in detail  # the successor account, linked

    listing = client.get("/accounts").text
    closed_cell = re.search(r'>旧サンプル</a>(.*?)</td>', listing, re.S)
    open_cell = re.search(r'>新サンプル</a>(.*?)</td>', listing, re.S)
    assert closed_cell is not None and 'class="badge closed"' in closed_cell.group(1)  # noqa: PT018
    assert open_cell is not None and "badge closed" not in open_cell.group(1)  # noqa: PT018

    account_id = saved.headers["location"].rsplit("/", 1)[1]
    assert '<span class="badge closed"' in client.get("/m/accounts").text  # the mobile list and page too
    assert '<span class="badge closed"' in client.get(f"/m/accounts/{account_id}").text
    edit = client.get(f"/accounts/{account_id}/edit").text
    assert 'value="2023-03-31"' in edit and '<option value="11" selected>' in edit  # noqa: PT018
    assert f'value="{VALID_NUMBER}"' in edit
    reopened = client.post(f"/accounts/{account_id}/edit", data=form_data(
        client, f"/accounts/{account_id}/edit", version="1", name="旧サンプル", corporate_number=CLOSED_NUMBER,
        en_name="Old Sample Co., Ltd.", closed_on="", close_cause="", successor_corporate_number="",
    ), follow_redirects=False)
    assert reopened.status_code == 303, reopened.text
    stored = client.get(f"/api/v1/accounts/{account_id}", headers=auth(world, "alice")).json()
    assert (stored["en_name"], stored["closed_on"], stored["close_cause"], stored["successor_corporate_number"]) == (
        "Old Sample Co., Ltd.", None, None, None)
    assert '<span class="badge closed"' not in client.get(f"/accounts/{account_id}").text
