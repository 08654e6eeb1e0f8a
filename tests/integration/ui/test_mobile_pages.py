"""モバイル screens (M1-M5) over HTTP: 活動報告 (an actual activity that moves its opportunity on in one
save), 422 and 409 keeping what was typed, comments and likes, notifications that open the activity,
what a light user and an outsider of a restricted opportunity see, and the phone layout on every page."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest
from litestar.testing import TestClient

from tests.integration.http import conftest as http_fixtures
from tests.integration.http.conftest import LIGHT_PASSWORD, PASSWORD, World, csrf_token, log_in
from tests.integration.ui.pages_support import auth as _auth
from tests.integration.ui.pages_support import post_json as _post

app_container, client, world = http_fixtures.app_container, http_fixtures.client, http_fixtures.world
"""The HTTP tests' fixtures (a container on SQLite, alice and the light bob, the TestClient)."""

FETCH = {"X-Requested-With": "fetch"}


def _api(client: TestClient[Any], headers: dict[str, str], path: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/{path}", headers=headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


@pytest.fixture
def sales(client: TestClient[Any], world: World) -> dict[str, dict[str, Any]]:
    """alice's account (with a person), an opportunity at stage 20 and an actual visit on it; carol is a
    second full user on no allow-list."""
    world.add_user("carol")
    alice = _auth(world, "alice")
    account = _post(client, alice, "accounts", {
        "name": "東京商事", "kana": "トウキョウショウジ", "phone": "03-1234-5678"})
    person = _post(client, alice, "persons", {
        "account_id": account["id"], "last_name": "木村", "first_name": "一", "mobile": "090-1111-2222",
        "email": "kimura@example.com"})
    opportunity = _post(client, alice, "opportunities", {
        "name": "基幹システム更改", "account_id": account["id"], "stage_code": "20", "certainty_code": "C",
        "expected_amount": "1000000", "expected_order_date": "2027-01-31"})
    activity = _post(client, alice, "activities", {
        "status": "done", "kind_code": "visit", "subject": "初回訪問", "activity_date": _yesterday(),
        "opportunity_id": opportunity["id"], "content": "挨拶と課題のヒアリング"})
    return {"account": account, "person": person, "opportunity": opportunity, "activity": activity}


def _yesterday() -> str:
    return (date.today() - timedelta(days=1)).isoformat()


def _entry(sales: dict[str, dict[str, Any]], token: str, **changes: str) -> dict[str, str]:
    """The 活動報告 form as a phone posts it."""
    o = sales["opportunity"]
    form = {
        "_csrf_token": token, "account_id": sales["account"]["id"], "account_id_label": "東京商事",
        "opportunity_id": o["id"], "opportunity_id_label": o["name"], "status": "done", "kind_code": "visit",
        "activity_date": _yesterday(), "starts_at": "10:00", "ends_at": "11:30", "subject": "見積提出の訪問",
        "content": "見積書を提出した。\n次回は決裁者と面談。",
        "opportunity_update.stage_code": "30", "opportunity_update.certainty_code": "B",
        "opportunity_update.expected_order_date": "2027-02-28", "opportunity_update.expected_amount": "1,500,000",
        "opportunity_update.expected_version": str(o["version"]),
    }
    return form | changes


def _activity_subjects(client: TestClient[Any], world: World) -> list[str]:
    return [i["subject"] for i in _api(client, _auth(world, "alice"), "activities")["items"]]


def test_an_actual_activity_from_the_phone_moves_its_opportunity_on(
    client: TestClient[Any], world: World, sales: dict[str, dict[str, Any]]
) -> None:
    o = sales["opportunity"]
    log_in(client, "alice", PASSWORD)
    form = client.get(f"/m/activities/new?opportunity_id={o['id']}")
    assert form.status_code == 200
    # started from the opportunity: its current values and version are filled in, 実績 chosen
    assert f'name="opportunity_update.expected_version" value="{o["version"]}"' in form.text
    assert 'value="東京商事"' in form.text
    assert re.search(r'<option value="done" selected>', form.text)
    assert re.search(r'<option value="20" selected>', form.text)

    saved = client.post("/m/activities/new", data=_entry(sales, csrf_token(client, "/m/activities/new")),
                        follow_redirects=False)

    assert saved.status_code == 303, saved.text
    location = saved.headers["location"]
    assert re.fullmatch(r"/m/activities/[0-9a-f-]{36}", location)
    moved = _api(client, _auth(world, "alice"), f"opportunities/{o['id']}")
    assert (moved["stage_code"], moved["certainty_code"]) == ("30", "B")
    assert moved["expected_order_date"] == "2027-02-28"
    assert float(moved["expected_amount"]) == 1500000
    assert moved["version"] == o["version"] + 1
    page = client.get(location)
    assert page.status_code == 200
    assert '<span class="record-name">見積提出の訪問</span>' in page.text
    assert "実績" in page.text
    assert "10:00–11:30" in page.text
    assert f'href="/m/opportunities/{o["id"]}">基幹システム更改</a>' in page.text
    assert "見積書を提出した。\n次回は決裁者と面談。" in page.text
    opportunity_page = client.get(f"/m/opportunities/{o['id']}").text
    assert "見積提出" in opportunity_page
    assert "¥1,500,000" in opportunity_page
    assert "見積提出の訪問" in opportunity_page  # its activities


def test_without_the_version_the_form_comes_back_to_confirm_and_a_plan_leaves_the_opportunity(
    client: TestClient[Any], world: World, sales: dict[str, dict[str, Any]]
) -> None:
    """No silent overwrite: an update sent without the version it was made against is not applied;
    the form returns (422) with the opportunity's current version, and saving again applies it."""
    o = sales["opportunity"]
    log_in(client, "alice", PASSWORD)
    token = csrf_token(client, "/m/activities/new")
    later = (date.today() + timedelta(days=3)).isoformat()
    plan = client.post("/m/activities/new", data=_entry(
        sales, token, status="planned", subject="次回訪問の予定", activity_date=later,
        **{"opportunity_update.expected_version": ""}), follow_redirects=False)
    assert plan.status_code == 303, plan.text
    assert _api(client, _auth(world, "alice"), f"opportunities/{o['id']}")["stage_code"] == "20"

    blind = client.post("/m/activities/new", data=_entry(sales, token, **{"opportunity_update.expected_version": ""}),
                        follow_redirects=False)
    assert blind.status_code == 422, blind.text
    current = _api(client, _auth(world, "alice"), f"opportunities/{o['id']}")
    assert current["stage_code"] == "20"
    assert f'name="opportunity_update.expected_version" value="{current["version"]}"' in blind.text

    confirmed = client.post("/m/activities/new", data=_entry(
        sales, token, **{"opportunity_update.expected_version": str(current["version"])}), follow_redirects=False)
    assert confirmed.status_code == 303, confirmed.text
    assert _api(client, _auth(world, "alice"), f"opportunities/{o['id']}")["stage_code"] == "30"


def test_a_bad_entry_is_422_with_the_message_under_the_field_and_the_values_kept(
    client: TestClient[Any], world: World, sales: dict[str, dict[str, Any]]
) -> None:
    log_in(client, "alice", PASSWORD)
    token = csrf_token(client, "/m/activities/new")

    response = client.post("/m/activities/new", data=_entry(sales, token, subject=""))

    assert response.status_code == 422
    html = response.text
    assert 'id="form-errors"' in html
    assert re.search(r'id="f-subject"[^>]*aria-invalid="true"', html)
    assert 'class="field-error" id="e-subject"' in html
    assert "見積書を提出した。\n次回は決裁者と面談。</textarea>" in html
    assert 'value="1,500,000"' in html
    assert 'value="東京商事"' in html
    assert '<option value="30" selected>' in html
    assert 'class="mobile-tabs"' in html
    assert _activity_subjects(client, world) == ["初回訪問"]

    bad_time = client.post("/m/activities/new", data=_entry(sales, token, starts_at="25:99"))
    assert bad_time.status_code == 422
    assert 'class="field-error" id="e-starts_at"' in bad_time.text
    assert 'value="25:99"' in bad_time.text

    # a bad value of the opportunity's part is named under its field too
    bad = client.post("/m/activities/new", data=_entry(sales, token, **{"opportunity_update.stage_code": "77"}))
    assert bad.status_code == 422
    assert 'id="e-opportunity_update.stage_code"' in bad.text
    assert _activity_subjects(client, world) == ["初回訪問"]


def test_a_stale_opportunity_is_409_with_the_banner_and_nothing_saved(
    client: TestClient[Any], world: World, sales: dict[str, dict[str, Any]]
) -> None:
    o = sales["opportunity"]
    alice = _auth(world, "alice")
    changed = client.patch(f"/api/v1/opportunities/{o['id']}", headers=alice,
                           json={"expected_version": o["version"], "stage_code": "40"})
    assert changed.status_code == 200, changed.text
    log_in(client, "alice", PASSWORD)

    response = client.post("/m/activities/new", data=_entry(sales, csrf_token(client, "/m/activities/new")))

    assert response.status_code == 409
    assert 'class="alert alert-error conflict"' in response.text
    assert f'href="/m/opportunities/{o["id"]}"' in response.text
    assert 'value="見積提出の訪問"' in response.text
    assert '<option value="30" selected>' in response.text
    assert _api(client, alice, f"opportunities/{o['id']}")["stage_code"] == "40"
    assert _activity_subjects(client, world) == ["初回訪問"]


def test_the_activity_list_searches_toggles_mine_and_pages_on(
    client: TestClient[Any], world: World, sales: dict[str, dict[str, Any]]
) -> None:
    carol = _auth(world, "carol")
    for i in range(20):
        _post(client, carol, "activities", {"kind_code": "call", "subject": f"電話フォロー{i:02d}",
                                             "activity_date": "2026-01-05"})
    log_in(client, "alice", PASSWORD)

    first = client.get("/m/activities")
    assert first.status_code == 200
    assert first.text.count('class="list-item"') == 20
    assert 'data-count="21"' in first.text
    more = re.search(r'<a class="button more" rel="next" href="([^"]+)"', first.text)
    assert more
    second = client.get("/m/activities" + more.group(1).replace("&amp;", "&"))
    assert second.text.count('class="list-item"') == 1
    assert 'rel="next"' not in second.text

    mine = client.get("/m/activities?mine=true")
    assert f'href="/m/activities/{sales["activity"]["id"]}"' in mine.text
    assert mine.text.count('class="list-item"') == 1
    assert 'aria-checked="true"' in mine.text

    found = client.get("/m/activities?q=フォロー07")
    assert found.text.count('class="list-item"') == 1
    assert "電話フォロー07" in found.text
    assert 'value="フォロー07"' in found.text


def test_comments_and_likes_from_the_phone(
    client: TestClient[Any], world: World, sales: dict[str, dict[str, Any]]
) -> None:
    activity_id = sales["activity"]["id"]
    log_in(client, "bob", LIGHT_PASSWORD)  # a light user may comment and like
    assert client.get(f"/m/activities/{activity_id}").status_code == 200
    token = csrf_token(client, f"/m/activities/{activity_id}")

    commented = client.post(f"/m/activities/{activity_id}/comments",
                            data={"_csrf_token": token, "body": "ナイス訪問！"}, follow_redirects=False)
    assert commented.status_code == 303
    assert commented.headers["location"] == f"/m/activities/{activity_id}#comments"
    liked = client.post(f"/m/activities/{activity_id}/like", data={"_csrf_token": token, "action": "like"},
                        follow_redirects=False)
    assert liked.status_code == 303

    page = client.get(f"/m/activities/{activity_id}").text
    assert "ナイス訪問！" in page
    assert 'aria-pressed="true"' in page
    assert re.search(r'class="like-count"[^>]*>1</span>', page)

    # in the background (dps.js): the answer is the fresh stream only
    fragment = client.post(f"/m/activities/{activity_id}/comments", headers=FETCH,
                           data={"_csrf_token": token, "body": "次は見積ですね"})
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<section class="card stream" id="activity-stream">')
    assert "次は見積ですね" in fragment.text
    assert "mobile-tabs" not in fragment.text
    empty = client.post(f"/m/activities/{activity_id}/comments", headers=FETCH, data={"_csrf_token": token, "body": ""})
    assert empty.status_code == 422
    assert 'class="field-error" id="e-body"' in empty.text
    unliked = client.post(f"/m/activities/{activity_id}/like", headers=FETCH,
                          data={"_csrf_token": token, "action": "unlike"})
    assert unliked.status_code == 200
    assert 'aria-pressed="false"' in unliked.text

    assert client.post(f"/m/activities/{uuid4()}/like", data={"_csrf_token": token}).status_code == 404


def test_a_notification_opens_the_activity_and_becomes_read(
    client: TestClient[Any], world: World, sales: dict[str, dict[str, Any]]
) -> None:
    activity_id = sales["activity"]["id"]
    comment = client.post(f"/api/v1/activities/{activity_id}/comments", headers=_auth(world, "carol"),
                          json={"body": "いいですね"})
    assert comment.status_code == 201, comment.text
    log_in(client, "alice", PASSWORD)

    listed = client.get("/m/notifications")
    assert listed.status_code == 200
    opened = re.search(r'action="/m/notifications/([0-9a-f-]{36})/open"', listed.text)
    assert opened
    assert 'class="list-item notice unread"' in listed.text
    tab = r'href="/m/notifications"[^>]*>\s*<span class="tab-label">通知</span>\s*<span class="unread-count"'
    assert re.search(tab, listed.text)

    response = client.post(f"/m/notifications/{opened.group(1)}/open",
                           data={"_csrf_token": csrf_token(client, "/m/notifications")}, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == f"/m/activities/{activity_id}"
    after = client.get("/m/notifications").text
    assert "notice unread" not in after
    assert "unread-count" not in after
    assert client.get("/m/notifications?unread=true").text.count('class="list-item notice') == 0
    assert client.post(f"/m/notifications/{uuid4()}/open",
                       data={"_csrf_token": csrf_token(client, "/m/notifications")}).status_code == 404


def test_a_light_user_has_no_register_buttons_and_a_register_post_is_refused(
    client: TestClient[Any], world: World, sales: dict[str, dict[str, Any]]
) -> None:
    log_in(client, "bob", LIGHT_PASSWORD)
    pages = ("/m/activities", "/m/opportunities", f"/m/opportunities/{sales['opportunity']['id']}",
             f"/m/accounts/{sales['account']['id']}", f"/m/persons/{sales['person']['id']}")
    for path in pages:
        html = client.get(path).text
        assert "/new" not in html, path
        assert "new-button" not in html, path
    assert client.get("/m/activities/new").status_code == 403
    assert client.get("/m/opportunities/new").status_code == 403
    token = csrf_token(client, f"/m/activities/{sales['activity']['id']}")

    refused = client.post("/m/activities/new", data=_entry(sales, token))
    assert refused.status_code == 403
    opportunity = client.post("/m/opportunities/new", data={
        "_csrf_token": token, "account_id": sales["account"]["id"], "name": "ライトの案件", "stage_code": "10"})
    assert opportunity.status_code == 403
    assert _activity_subjects(client, world) == ["初回訪問"]
    assert _api(client, _auth(world, "alice"), f"opportunities/{sales['opportunity']['id']}")["stage_code"] == "20"


def test_a_restricted_opportunity_is_absent_from_another_users_list_and_404(
    client: TestClient[Any], world: World, sales: dict[str, dict[str, Any]]
) -> None:
    secret = _post(client, _auth(world, "alice"), "opportunities", {
        "name": "極秘案件", "account_id": sales["account"]["id"], "stage_code": "10", "restriction": {}})
    log_in(client, "alice", PASSWORD)
    own = client.get("/m/opportunities").text
    assert f'href="/m/opportunities/{secret["id"]}"' in own
    assert "badge restricted" in own

    with TestClient(client.app) as other:
        log_in(other, "carol", PASSWORD)
        listed = other.get("/m/opportunities")
        assert f'href="/m/opportunities/{sales["opportunity"]["id"]}"' in listed.text
        assert "極秘案件" not in listed.text
        hidden = other.get(f"/m/opportunities/{secret['id']}")
        assert hidden.status_code == 404
        assert "極秘案件" not in hidden.text
        assert other.get(f"/m/activities/new?opportunity_id={secret['id']}").text.count("極秘案件") == 0
        assert "極秘案件" not in other.get(f"/m/accounts/{sales['account']['id']}").text


def test_register_an_opportunity_from_the_phone(
    client: TestClient[Any], world: World, sales: dict[str, dict[str, Any]]
) -> None:
    log_in(client, "alice", PASSWORD)
    form = client.get(f"/m/opportunities/new?account_id={sales['account']['id']}")
    assert form.status_code == 200
    assert 'value="東京商事"' in form.text
    token = csrf_token(client, "/m/opportunities/new")
    body = {"_csrf_token": token, "account_id": sales["account"]["id"], "account_id_label": "東京商事",
            "name": "物流センター新設", "stage_code": "10", "certainty_code": "C",
            "expected_order_date": "2027-03-31", "expected_amount": "¥2,000,000"}

    missing = client.post("/m/opportunities/new", data=body | {"name": "", "account_id": ""})
    assert missing.status_code == 422
    assert 'id="e-account_id"' in missing.text
    assert 'value="¥2,000,000"' in missing.text

    saved = client.post("/m/opportunities/new", data=body, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    page = client.get(saved.headers["location"]).text
    assert '<span class="record-name">物流センター新設</span>' in page
    assert "¥2,000,000" in page
    assert "2027/03/31 (水)" in page
    assert "物流センター新設" in client.get(f"/m/opportunities?account_id={sales['account']['id']}").text


def test_accounts_and_persons_search_and_view_with_phone_links(
    client: TestClient[Any], world: World, sales: dict[str, dict[str, Any]]
) -> None:
    log_in(client, "alice", PASSWORD)
    accounts = client.get("/m/accounts?q=東京").text
    assert f'href="/m/accounts/{sales["account"]["id"]}"' in accounts
    assert client.get("/m/accounts?q=大阪").text.count('class="list-item"') == 0

    account = client.get(f"/m/accounts/{sales['account']['id']}").text
    assert 'href="tel:03-1234-5678"' in account
    assert f'href="/m/persons/{sales["person"]["id"]}"' in account
    assert f'href="/m/opportunities/{sales["opportunity"]["id"]}"' in account
    assert f'href="/m/activities/new?account_id={sales["account"]["id"]}"' in account

    persons = client.get("/m/persons?q=木村").text
    assert f'href="/m/persons/{sales["person"]["id"]}"' in persons
    person = client.get(f"/m/persons/{sales['person']['id']}").text
    assert 'href="tel:090-1111-2222"' in person
    assert 'href="mailto:kimura@example.com"' in person
    assert f'href="/m/accounts/{sales["account"]["id"]}">東京商事</a>' in person

    for path in ("/m/accounts/not-a-uuid", f"/m/persons/{uuid4()}", f"/m/activities/{uuid4()}", "/m/opportunities/1"):
        assert client.get(path).status_code == 404, path


def test_every_mobile_page_has_the_viewport_and_the_tab_bar(
    client: TestClient[Any], world: World, sales: dict[str, dict[str, Any]]
) -> None:
    log_in(client, "alice", PASSWORD)
    home = client.get("/m", follow_redirects=False)
    assert home.status_code == 303
    assert home.headers["location"] == "/m/activities"
    paths = {
        "/m/activities": "/m/activities", "/m/activities/new": "/m/activities",
        f"/m/activities/{sales['activity']['id']}": "/m/activities",
        "/m/opportunities": "/m/opportunities", "/m/opportunities/new": "/m/opportunities",
        f"/m/opportunities/{sales['opportunity']['id']}": "/m/opportunities",
        "/m/accounts": "/m/accounts", f"/m/accounts/{sales['account']['id']}": "/m/accounts",
        "/m/persons": "/m/persons", f"/m/persons/{sales['person']['id']}": "/m/persons",
        "/m/notifications": "/m/notifications",
    }
    for path, tab in paths.items():
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.text
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html, path
        assert '<body class="mobile">' in html, path
        assert '<nav class="mobile-tabs"' in html, path
        for href in ("/m/activities", "/m/opportunities", "/m/accounts", "/m/persons", "/m/notifications"):
            assert f'<a href="{href}"' in html, (path, href)
        assert f'<a href="{tab}" aria-current="page">' in html, path
        assert 'class="sidenav"' not in html, path


def _add_rows(client: TestClient[Any], world: World, sales: dict[str, dict[str, Any]], start: int, stop: int) -> None:
    alice, carol = _auth(world, "alice"), _auth(world, "carol")
    account_id, opportunity_id = sales["account"]["id"], sales["opportunity"]["id"]
    for i in range(start, stop):
        _post(client, alice, "accounts", {"name": f"取引先{i:02d}"})
        person = _post(client, alice, "persons", {"account_id": account_id, "last_name": f"山本{i:02d}"})
        _post(client, alice if i % 2 else carol, "opportunities", {
            "name": f"案件{i:02d}", "account_id": account_id, "stage_code": "20", "expected_amount": "1000"})
        _post(client, alice if i % 2 else carol, "activities", {
            "kind_code": "visit", "subject": f"訪問{i:02d}", "status": "done", "activity_date": "2026-11-10",
            "account_id": account_id, "opportunity_id": opportunity_id, "person_ids": [person["id"]]})
        _post(client, carol, f"activities/{sales['activity']['id']}/comments", {"body": f"コメント{i:02d}"})


def test_the_mobile_pages_send_a_fixed_number_of_statements(
    client: TestClient[Any], world: World, sales: dict[str, dict[str, Any]]
) -> None:
    """No N+1: the same statements with 2 rows of everything as with 6, within the PC pages' bounds (25 for
    a list, 50 for a detail page: each card is its own use case)."""
    from tests.integration.ui.screens import StatementCounter

    counter = StatementCounter(world.container.engine())
    pages = ("/m/activities", "/m/opportunities", "/m/accounts", "/m/persons", "/m/notifications",
             f"/m/activities/{sales['activity']['id']}", f"/m/opportunities/{sales['opportunity']['id']}",
             f"/m/accounts/{sales['account']['id']}", f"/m/persons/{sales['person']['id']}")
    log_in(client, "alice", PASSWORD)
    counts: dict[str, list[int]] = {}
    for start, stop in ((0, 2), (2, 6)):
        _add_rows(client, world, sales, start, stop)
        for path in pages:
            client.get(path)
            with counter.counting() as found:
                assert client.get(path).status_code == 200, path
            counts.setdefault(path, []).append(len(found))
    for path, (few, many) in counts.items():
        assert few == many, (path, few, many)
        assert many <= (25 if path.count("/") == 2 else 50), (path, many)
