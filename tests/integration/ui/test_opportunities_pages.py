"""S6 案件 screens through the HTTP app (HTML, no browser): the list with its filters, sort, count and
pager; the detail; the new / edit / copy forms with their 422 and 409 answers; 非公開; light users."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar.testing import TestClient

import tests.integration.http.conftest as http_fixtures
from tests.integration.http.conftest import LIGHT_PASSWORD, PASSWORD, World, csrf_token, log_in
from tests.integration.ui.pages_support import auth as _auth
from tests.integration.ui.screens import created

app_container = http_fixtures.app_container
client = http_fixtures.client
world = http_fixtures.world
"""The HTTP tests' fixtures: a container on SQLite, the app's TestClient, tenant acme with alice and bob."""

ROW_ID = re.compile(r'<tr data-id="([0-9a-f-]{36})"')
COUNT = re.compile(r'<span class="count" data-count="(\d+)">')


def _api(client: TestClient[Any], headers: dict[str, str], path: str, body: dict[str, Any]) -> dict[str, Any]:
    """A record made through the JSON API (so through the use cases)."""
    return created(client.post(f"/api/v1/{path}", headers=headers, json=body))


def _ids(html: str) -> list[str]:
    return ROW_ID.findall(html)


def _count(html: str) -> int:
    match = COUNT.search(html)
    assert match, "no count on the list"
    return int(match.group(1))


def _post_form(client: TestClient[Any], form_path: str, action: str, fields: dict[str, Any]) -> Any:
    token = csrf_token(client, form_path)
    return client.post(action, data={**fields, "_csrf_token": token}, follow_redirects=False)


def _user_id(world: World, login: str) -> str:
    return next(str(u.id) for u in world.container.list_users()(world.admin) if u.login_id == login)


@pytest.fixture
def made(client: TestClient[Any], world: World) -> dict[str, Any]:
    """Alice's account and three opportunities on it (one owned by carol, a second full user)."""
    world.add_user("carol")
    alice = _auth(world, "alice")
    account = _api(client, alice, "accounts", {"name": "東京商事", "account_type_code": "customer"})
    other = _api(client, alice, "accounts", {"name": "大阪物産", "account_type_code": "customer"})
    big = _api(client, alice, "opportunities", {
        "name": "基幹システム更改", "account_id": account["id"], "stage_code": "20", "certainty_code": "A",
        "expected_order_date": "2026-12-10", "expected_amount": "5000000"})
    small = _api(client, alice, "opportunities", {
        "name": "保守契約", "account_id": other["id"], "stage_code": "10", "certainty_code": "C",
        "expected_order_date": "2027-02-01", "expected_amount": "300000"})
    won = _api(client, alice, "opportunities", {
        "name": "端末入替", "account_id": account["id"], "stage_code": "90",
        "expected_order_date": "2026-06-01", "expected_amount": "1200000", "owner_id": _user_id(world, "carol")})
    return {"account": account, "other": other, "big": big, "small": small, "won": won}


def test_the_list_shows_rows_count_links_and_formats(
    client: TestClient[Any], world: World, made: dict[str, Any]
) -> None:
    log_in(client, "alice", PASSWORD)

    html = client.get("/opportunities").text

    assert _count(html) == 3
    # default sort: expected order date, newest first
    assert _ids(html) == [made["small"]["id"], made["big"]["id"], made["won"]["id"]]
    assert f'<a class="record-link" href="/opportunities/{made["big"]["id"]}">基幹システム更改</a>' in html
    assert f'<a href="/accounts/{made["account"]["id"]}">東京商事</a>' in html
    assert "¥5,000,000" in html
    assert "2026/12/10 (木)" in html
    assert "提案" in html  # the stage's label, not its code
    assert "Carol 太郎" in html  # the owner's name
    assert 'href="/opportunities/new"' in html


def test_filters_narrow_the_list(client: TestClient[Any], world: World, made: dict[str, Any]) -> None:
    log_in(client, "alice", PASSWORD)

    def ids(query: str) -> set[str]:
        response = client.get(f"/opportunities?{query}")
        assert response.status_code == 200, response.text
        return set(_ids(response.text))

    big, small, won = made["big"]["id"], made["small"]["id"], made["won"]["id"]
    assert ids("q=保守") == {small}
    assert ids("stage_code=10&stage_code=20") == {big, small}
    assert ids("certainty_code=A") == {big}
    assert ids("is_open=false") == {won}
    assert ids("is_open=true") == {big, small}
    assert ids("expected_order_date_from=2026-07-01&expected_order_date_to=2026-12-31") == {big}
    assert ids("expected_amount_min=1000000&expected_amount_max=2,000,000") == {won}
    assert ids(f"owner_id={_user_id(world, 'carol')}") == {won}

    related = client.get(f"/opportunities?account_id={made['account']['id']}").text
    assert set(_ids(related)) == {big, won}
    assert 'value="東京商事"' in related  # the account filter shows the name, not only the id
    assert f'href="/opportunities/new?account_id={made["account"]["id"]}"' in related

    bad = client.get("/opportunities?expected_order_date_from=2026-13-45")
    assert bad.status_code == 200
    assert 'class="field-error"' in bad.text
    assert 'value="2026-13-45"' in bad.text


def test_sorting_and_the_mine_toggle(client: TestClient[Any], world: World, made: dict[str, Any]) -> None:
    log_in(client, "alice", PASSWORD)
    big, small, won = made["big"]["id"], made["small"]["id"], made["won"]["id"]

    by_amount = client.get("/opportunities?sort=expected_amount").text
    assert _ids(by_amount) == [small, won, big]
    assert 'href="?sort=-expected_amount"' in by_amount  # clicking again flips the direction
    assert _ids(client.get("/opportunities?sort=-expected_amount").text) == [big, won, small]
    assert _ids(client.get("/opportunities?sort=name").text)[0] in (big, small, won)

    listing = client.get("/opportunities").text
    assert 'href="?mine=true"' in listing
    mine = client.get("/opportunities?mine=true").text
    assert set(_ids(mine)) == {big, small}  # alice's own; carol owns the won deal
    assert 'class="toggle on"' in mine


def test_the_pager_walks_forward_and_back(client: TestClient[Any], world: World) -> None:
    alice = _auth(world, "alice")
    account = _api(client, alice, "accounts", {"name": "東京商事"})
    for n in range(52):
        _api(client, alice, "opportunities", {"name": f"案件{n:02d}", "account_id": account["id"], "stage_code": "10"})
    log_in(client, "alice", PASSWORD)

    first = client.get("/opportunities?sort=name").text
    assert _count(first) == 52
    assert len(_ids(first)) == 50
    next_link = re.search(r'<a href="([^"]+)" rel="next"', first)
    assert next_link
    second = client.get("/opportunities" + next_link.group(1).replace("&amp;", "&")).text
    assert len(_ids(second)) == 2
    assert "案件51" in second
    assert "案件00" not in second
    prev_link = re.search(r'<a href="([^"]+)" rel="prev"', second)
    assert prev_link
    back = client.get("/opportunities" + prev_link.group(1).replace("&amp;", "&")).text
    assert _ids(back) == _ids(first)


def _line_fields(rows: dict[int, tuple[str, str, str]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for i, (name, quantity, price) in rows.items():
        fields |= {f"lines-{i}-product_id": "", f"lines-{i}-product_name": name, f"lines-{i}-quantity": quantity,
                   f"lines-{i}-unit_price": price, f"lines-{i}-discount": "", f"lines-{i}-notes": ""}
    return fields


def test_create_with_two_lines_then_the_detail_shows_them_and_the_total(
    client: TestClient[Any], world: World, made: dict[str, Any]
) -> None:
    log_in(client, "alice", PASSWORD)
    account_id = made["account"]["id"]
    form = client.get(f"/opportunities/new?account_id={account_id}")
    assert form.status_code == 200
    assert 'value="東京商事"' in form.text  # the account is prefilled from the related-list link
    assert "data-rows" in form.text

    response = _post_form(client, "/opportunities/new", "/opportunities/new", {
        "name": "新規導入", "account_id": account_id, "account_id_label": "東京商事", "stage_code": "30",
        "certainty_code": "B", "expected_order_date": "2027-03-15", "description": "第一期",
        **_line_fields({0: ("年間ライセンス", "2", "1,500,000"), 1: ("導入支援", "1.5", "800000")}),
    })

    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert re.fullmatch(r"/opportunities/[0-9a-f-]{36}", location)
    detail = client.get(location).text
    assert '<span class="record-name">新規導入</span>' in detail
    assert "年間ライセンス" in detail
    assert "導入支援" in detail
    assert "¥3,000,000" in detail  # 2 x 1,500,000
    assert "¥1,200,000" in detail  # 1.5 x 800,000
    assert '<td class="num lines-total">¥4,200,000</td>' in detail
    assert '<dd class="expected-amount">¥4,200,000</dd>' in detail  # no amount given: the lines' total
    assert "見積提出" in detail
    assert "2027/03/15 (月)" in detail
    assert f'href="/accounts/{account_id}">東京商事</a>' in detail
    assert 'class="button edit-button"' in detail
    assert 'class="button copy-button"' in detail
    assert f'data-copy-url="{location}"' in detail


def test_edit_saves_and_shows_the_new_values(client: TestClient[Any], world: World, made: dict[str, Any]) -> None:
    log_in(client, "alice", PASSWORD)
    big = made["big"]
    path = f"/opportunities/{big['id']}/edit"
    form = client.get(path).text
    assert 'value="基幹システム更改"' in form
    assert 'name="version" value="1"' in form
    assert 'value="5000000"' in form

    response = _post_form(client, path, path, {
        "name": "基幹システム全面更改", "account_id": made["account"]["id"], "stage_code": "40",
        "certainty_code": "A", "expected_order_date": "2027-01-20", "expected_amount": "6000000", "version": "1",
        **_line_fields({0: ("サーバ", "3", "400000")}),
    })

    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/opportunities/{big['id']}"
    detail = client.get(response.headers["location"]).text
    assert "基幹システム全面更改" in detail
    assert "交渉" in detail
    assert '<dd class="expected-amount">¥6,000,000</dd>' in detail  # the given amount wins over the lines
    assert '<td class="num lines-total">¥1,200,000</td>' in detail
    assert re.search(r"バージョン <span class=\"en\">/ Version</span></dt><dd>2</dd>", detail)


def test_a_bad_quantity_in_one_row_is_a_422_under_that_field_keeping_every_row(
    client: TestClient[Any], world: World, made: dict[str, Any]
) -> None:
    log_in(client, "alice", PASSWORD)

    response = _post_form(client, "/opportunities/new", "/opportunities/new", {
        "name": "保留中の案件", "account_id": made["account"]["id"], "account_id_label": "東京商事",
        "stage_code": "20",
        **_line_fields({0: ("商品A", "1", "1000"), 1: ("商品B", "2", "2000"), 2: ("商品C", "abc", "3000")}),
    })

    assert response.status_code == 422
    html = response.text
    assert 'id="form-errors"' in html
    assert re.search(r'name="lines-2-quantity"[^>]*value="abc"[^>]*aria-invalid="true"', html)
    assert re.search(r'<p class="field-error" id="e-lines-2-quantity">[^<]*not a number', html)
    for i, name in enumerate(("商品A", "商品B", "商品C")):
        assert re.search(rf'name="lines-{i}-product_name"[^>]*value="{name}"', html)
    assert 'value="保留中の案件"' in html
    assert 'value="東京商事"' in html
    assert _ids(client.get("/opportunities?q=保留中").text) == []  # nothing was saved

    # rows posted with gaps (rows removed in the browser) come back numbered 0..n-1, errors following them
    gapped = _post_form(client, "/opportunities/new", "/opportunities/new", {
        "name": "保留中の案件", "account_id": made["account"]["id"], "stage_code": "20",
        **_line_fields({0: ("商品A", "1", "1000"), 5: ("商品F", "-1", "3000")}),
    })
    assert gapped.status_code == 422
    assert 'id="e-lines-1-quantity"' in gapped.text
    assert re.search(r'name="lines-1-product_name"[^>]*value="商品F"', gapped.text)

    missing = _post_form(client, "/opportunities/new", "/opportunities/new", {
        "name": "", "account_id": "", "stage_code": ""})
    assert missing.status_code == 422
    assert 'id="e-account_id"' in missing.text


def test_a_stale_version_is_a_409_with_the_banner_and_the_typed_values(
    client: TestClient[Any], world: World, made: dict[str, Any]
) -> None:
    big = made["big"]
    changed = client.patch(f"/api/v1/opportunities/{big['id']}", headers=_auth(world, "alice"),
                           json={"expected_version": 1, "name": "他の人の変更"})
    assert changed.status_code == 200, changed.text
    log_in(client, "alice", PASSWORD)
    path = f"/opportunities/{big['id']}/edit"

    response = _post_form(client, path, path, {
        "name": "私の変更", "account_id": made["account"]["id"], "stage_code": "20", "version": "1",
        **_line_fields({0: ("私の商品", "1", "100")}),
    })

    assert response.status_code == 409
    assert 'class="alert alert-error conflict"' in response.text
    assert 'value="私の変更"' in response.text
    assert 'value="私の商品"' in response.text
    assert "他の人の変更" in client.get(f"/opportunities/{big['id']}").text


def test_copy_prefills_the_new_form_and_saves_a_fresh_record(
    client: TestClient[Any], world: World, made: dict[str, Any]
) -> None:
    carol = _user_id(world, "carol")
    source = _api(client, _auth(world, "alice"), "opportunities", {
        "name": "元案件", "account_id": made["account"]["id"], "stage_code": "20",
        "lines": [{"product_name": "年間ライセンス", "quantity": 2, "unit_price": "1500000"}],
        "competitors": [{"name": "競合商事", "product": "他社製品"}],
        "staff": [{"user_id": carol, "is_main": True}]})
    client.post(f"/api/v1/opportunities/{source['id']}/comments", headers=_auth(world, "alice"),
                json={"body": "元のコメント"})
    log_in(client, "alice", PASSWORD)
    path = f"/opportunities/{source['id']}/copy"

    form = client.get(path)
    assert form.status_code == 200
    assert 'action="/opportunities/new"' in form.text
    assert f'name="copy_of" value="{source["id"]}"' in form.text
    assert 'value="元案件"' in form.text
    assert 'value="年間ライセンス"' in form.text
    assert 'name="version"' not in form.text

    response = _post_form(client, path, "/opportunities/new", {
        "copy_of": source["id"], "name": "元案件 (コピー)", "account_id": made["account"]["id"], "stage_code": "20",
        **_line_fields({0: ("年間ライセンス", "2", "1500000")}),
    })

    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location != f"/opportunities/{source['id']}"
    copy = client.get(location).text
    assert "元案件 (コピー)" in copy
    assert '<td class="num lines-total">¥3,000,000</td>' in copy
    assert "競合商事" in copy  # what the form does not show comes along
    assert "Carol 太郎" in copy
    assert "元のコメント" not in copy  # history stays with the original
    assert re.search(r"バージョン <span class=\"en\">/ Version</span></dt><dd>1</dd>", copy)


def test_a_restricted_opportunity_is_absent_for_others_and_its_url_is_404(
    client: TestClient[Any], world: World, made: dict[str, Any]
) -> None:
    log_in(client, "alice", PASSWORD)
    response = _post_form(client, "/opportunities/new", "/opportunities/new", {
        "name": "極秘案件", "account_id": made["account"]["id"], "stage_code": "10", "is_restricted": "true"})
    assert response.status_code == 303, response.text
    secret = response.headers["location"]
    secret_id = secret.rsplit("/", 1)[1]
    own_list = client.get("/opportunities").text
    assert secret_id in _ids(own_list)
    assert 'class="badge restricted"' in own_list
    assert 'class="badge restricted"' in client.get(secret).text

    with TestClient(client.app) as other:
        log_in(other, "carol", PASSWORD)
        listing = other.get("/opportunities").text
        assert secret_id not in _ids(listing)
        assert "極秘案件" not in listing
        assert _count(listing) == 3
        for path in (secret, f"{secret}/edit", f"{secret}/copy"):
            hidden = other.get(path)
            assert hidden.status_code == 404, path
            assert "極秘案件" not in hidden.text


def test_the_detail_lists_activities_and_comments(
    client: TestClient[Any], world: World, made: dict[str, Any]
) -> None:
    alice = _auth(world, "alice")
    big = made["big"]
    for n in range(6):
        _api(client, alice, "activities", {"kind_code": "visit", "subject": f"訪問{n}",
                                           "activity_date": f"2026-01-{n + 10:02d}", "opportunity_id": big["id"]})
    client.post(f"/api/v1/opportunities/{big['id']}/comments", headers=alice, json={"body": "<b>よろしく</b>"})
    log_in(client, "alice", PASSWORD)

    html = client.get(f"/opportunities/{big['id']}").text

    assert html.count('<a href="/activities/') == 5  # five rows and a link to all of them
    assert f'href="/activities?opportunity_id={big["id"]}"' in html
    assert "訪問5" in html
    assert "訪問0" not in html
    assert "&lt;b&gt;よろしく&lt;/b&gt;" in html


def test_a_light_user_reads_but_gets_no_write_controls_and_posts_are_refused(
    client: TestClient[Any], world: World, made: dict[str, Any]
) -> None:
    log_in(client, "bob", LIGHT_PASSWORD)
    big = made["big"]

    listing = client.get("/opportunities").text
    assert _count(listing) == 3
    assert 'href="/opportunities/new"' not in listing
    detail = client.get(f"/opportunities/{big['id']}").text
    assert "基幹システム更改" in detail
    assert "edit-button" not in detail
    assert "copy-button" not in detail
    assert "copy-url" in detail  # URL取得 stays
    assert client.get("/opportunities/new").status_code == 403
    assert client.get(f"/opportunities/{big['id']}/edit").status_code == 403
    assert client.get(f"/opportunities/{big['id']}/copy").status_code == 403

    token = csrf_token(client, "/opportunities")
    created = client.post("/opportunities/new", data={
        "name": "ライトの案件", "account_id": made["account"]["id"], "stage_code": "10", "_csrf_token": token},
        follow_redirects=False)
    assert created.status_code == 403
    edited = client.post(f"/opportunities/{big['id']}/edit", data={
        "name": "書き換え", "account_id": made["account"]["id"], "stage_code": "10", "version": "1",
        "_csrf_token": token}, follow_redirects=False)
    assert edited.status_code == 403
    assert "書き換え" not in client.get(f"/opportunities/{big['id']}").text


def test_custom_fields_and_the_allow_list_are_form_fields(
    client: TestClient[Any], world: World, made: dict[str, Any]
) -> None:
    defined = client.post("/api/v1/custom-fields", headers=_auth(world, "alice"), json={
        "entity": "opportunity", "key": "budget_owner", "label_ja": "予算責任者", "kind": "text", "required": True})
    assert defined.status_code == 201, defined.text
    number = client.post("/api/v1/custom-fields", headers=_auth(world, "alice"), json={
        "entity": "opportunity", "key": "seats", "label_ja": "席数", "kind": "number"})
    assert number.status_code == 201, number.text
    log_in(client, "alice", PASSWORD)
    form = client.get("/opportunities/new").text
    assert 'name="cf.budget_owner"' in form
    assert "予算責任者" in form

    fields = {"name": "共有案件", "account_id": made["account"]["id"], "stage_code": "10", "is_restricted": "true",
              "allowed_user_ids": _user_id(world, "carol"), "cf.seats": "many"}
    refused = _post_form(client, "/opportunities/new", "/opportunities/new", fields)
    assert refused.status_code == 422
    assert 'id="e-cf.seats"' in refused.text or 'id="e-cf.budget_owner"' in refused.text
    assert 'value="many"' in refused.text
    assert "Carol 太郎" in refused.text  # the chosen allowed user is shown by name

    saved = _post_form(client, "/opportunities/new", "/opportunities/new",
                       {**fields, "cf.seats": "120", "cf.budget_owner": "情報システム部長"})
    assert saved.status_code == 303, saved.text
    detail = client.get(saved.headers["location"]).text
    assert "情報システム部長" in detail
    assert 'class="badge restricted"' in detail
    with TestClient(client.app) as other:
        log_in(other, "carol", PASSWORD)
        assert other.get(saved.headers["location"]).status_code == 200  # on the allow-list
