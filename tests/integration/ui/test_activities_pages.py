"""活動 screens (S7) through the browser's HTTP: list with filters, sort and pager; the detail with its
comment / ライク！ stream (normal posts and dps.js's background posts); the forms, an actual activity
moving its opportunity on; light users commenting and liking but not editing; 非公開 records hidden."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from litestar.testing import TestClient

from tests.integration.http import conftest as http_fixtures
from tests.integration.http.conftest import LIGHT_PASSWORD, PASSWORD, World, csrf_token, log_in
from tests.integration.ui.pages_support import auth as _auth
from tests.integration.ui.pages_support import post_json as _api

app_container = http_fixtures.app_container
client = http_fixtures.client
world = http_fixtures.world
"""The HTTP tests' fixtures: a container on SQLite, the app's TestClient, tenant acme with alice and bob."""

TOKYO = ZoneInfo("Asia/Tokyo")
TODAY = datetime.now(TOKYO).date()
PAST = TODAY - timedelta(days=2)
ROW = re.compile(r'<tr data-id="([0-9a-f-]{36})"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
FETCH = {"X-Requested-With": "fetch"}


def _activity(client: TestClient[Any], headers: dict[str, str], **body: Any) -> dict[str, Any]:
    return _api(client, headers, "activities",
                {"kind_code": "visit", "subject": "訪問", "activity_date": PAST.isoformat()} | body)


def _post(client: TestClient[Any], path: str, data: dict[str, Any], *, form_path: str | None = None,
          headers: dict[str, str] | None = None) -> Any:
    token = csrf_token(client, form_path or "/activities")
    return client.post(path, data={**data, "_csrf_token": token}, headers=headers or {}, follow_redirects=False)


def _hidden(html: str) -> dict[str, str]:
    """The hidden inputs of a page's forms (the version read, what the form started from)."""
    return {k: v for k, v in HIDDEN.findall(html) if not k.startswith("_csrf")}


@pytest.fixture
def made(client: TestClient[Any], world: World) -> dict[str, dict[str, Any]]:
    """alice's account 東京商事 with a person and an opportunity (提案, version 1); carol: another full user."""
    world.add_user("carol")
    alice = _auth(world, "alice")
    account = _api(client, alice, "accounts", {"name": "東京商事", "account_type_code": "customer"})
    person = _api(client, alice, "persons", {"account_id": account["id"], "last_name": "木村", "first_name": "一"})
    opportunity = _api(client, alice, "opportunities", {
        "name": "基幹システム更改", "account_id": account["id"], "stage_code": "20", "certainty_code": "C",
        "expected_amount": "1000000"})
    return {"account": account, "person": person, "opportunity": opportunity}


def test_the_list_shows_visible_rows_with_count_filters_sort_and_pager(
    client: TestClient[Any], world: World, made: dict[str, dict[str, Any]]
) -> None:
    alice = _auth(world, "alice")
    account, opportunity = made["account"], made["opportunity"]
    linked = _activity(client, alice, subject="提案訪問", status="done", account_id=account["id"],
                       opportunity_id=opportunity["id"], activity_date=(PAST - timedelta(days=1)).isoformat())
    call = _activity(client, alice, subject="電話フォロー", kind_code="call",
                     activity_date=(TODAY + timedelta(days=3)).isoformat())
    for i in range(50):
        _activity(client, alice, subject=f"定例{i:02d}", activity_date=(PAST - timedelta(days=10 + i)).isoformat())
    log_in(client, "alice", PASSWORD)

    first = client.get("/activities")
    assert first.status_code == 200
    assert '<span class="count" data-count="52">' in first.text
    ids = ROW.findall(first.text)
    assert len(ids) == 50
    assert ids[0] == call["id"]  # newest activity date first
    assert f'<a class="record-link" href="/activities/{linked["id"]}">提案訪問</a>' in first.text
    assert f'<a href="/accounts/{account["id"]}">東京商事</a>' in first.text
    assert f'<a href="/opportunities/{opportunity["id"]}">基幹システム更改</a>' in first.text
    nxt = re.search(r'<a href="([^"]+)" rel="next"', first.text)
    assert nxt
    second = client.get("/activities" + nxt.group(1).replace("&amp;", "&"))
    assert len(ROW.findall(second.text)) == 2
    assert 'rel="prev"' in second.text

    ascending = ROW.findall(client.get("/activities?sort=activity_date").text)
    assert ascending[0] not in (call["id"], linked["id"])

    done = client.get("/activities?status=done").text
    assert ROW.findall(done) == [linked["id"]]
    calls = client.get("/activities?kind_code=call").text
    assert ROW.findall(calls) == [call["id"]]
    assert ROW.findall(client.get("/activities?q=電話").text) == [call["id"]]
    in_range = client.get(f"/activities?date_from={PAST - timedelta(days=1)}&date_to={TODAY + timedelta(days=5)}")
    assert set(ROW.findall(in_range.text)) == {call["id"], linked["id"]}
    of_account = client.get(f"/activities?account_id={account['id']}").text
    assert ROW.findall(of_account) == [linked["id"]]
    assert "filter-chip" in of_account  # the related-list filter is shown and removable
    assert ROW.findall(client.get(f"/activities?opportunity_id={opportunity['id']}").text) == [linked["id"]]
    assert len(ROW.findall(client.get("/activities?mine=true").text)) == 50  # alice's own: mine

    bad = client.get("/activities?date_from=yesterday")
    assert bad.status_code == 200
    assert 'class="field-error" id="e-date_from"' in bad.text


def test_an_actual_activity_moves_its_opportunity_on_in_one_save(
    client: TestClient[Any], world: World, made: dict[str, dict[str, Any]]
) -> None:
    account, opportunity = made["account"], made["opportunity"]
    log_in(client, "alice", PASSWORD)
    form = client.get(f"/activities/new?opportunity_id={opportunity['id']}")
    assert form.status_code == 200
    assert f'name="account_id" value="{account["id"]}"' in form.text  # the opportunity's account
    assert 'value="基幹システム更改"' in form.text
    assert 'name="opportunity_update.expected_version" value="1"' in form.text

    started = _hidden(form.text)
    assert started["opportunity_update.initial"] == "20|C||1000000"
    response = _post(client, "/activities/new", started | {
        "status": "done", "kind_code": "visit", "activity_date": PAST.isoformat(), "starts_at": "10:00",
        "ends_at": "11:30", "subject": "見積説明", "account_id": account["id"], "opportunity_id": opportunity["id"],
        "person_ids": [made["person"]["id"]], "content": "見積を説明した", "result_code": "forward",
        "opportunity_update.expected_version": "1", "opportunity_update.stage_code": "40",
        "opportunity_update.certainty_code": "A", "opportunity_update.expected_amount": "2,500,000",
        "opportunity_update.expected_order_date": (TODAY + timedelta(days=30)).isoformat(),
    }, form_path="/activities/new")

    assert response.status_code == 303, response.text
    location = response.headers["location"]
    detail = client.get(location).text
    assert '<span class="record-name">見積説明</span>' in detail
    assert "10:00–11:30" in detail
    assert ">木村 一</a>" in detail
    assert f'<a href="/opportunities/{opportunity["id"]}">基幹システム更改</a>' in detail
    saved = client.get(f"/api/v1/opportunities/{opportunity['id']}", headers=_auth(world, "alice")).json()
    assert (saved["stage_code"], saved["certainty_code"], saved["version"]) == ("40", "A", 2)
    assert saved["expected_amount"] in ("2500000", "2500000.00", 2500000)

    edit_path = f"{location}/edit"
    edit = client.get(edit_path).text
    assert 'name="opportunity_update.expected_version" value="2"' in edit
    unchanged = _post(client, edit_path, _hidden(edit) | {
        "status": "done", "kind_code": "visit", "activity_date": PAST.isoformat(), "subject": "見積説明（追記）",
        "opportunity_id": opportunity["id"], "opportunity_update.stage_code": "40",
        "opportunity_update.certainty_code": "A", "opportunity_update.expected_amount": "2500000",
        "opportunity_update.expected_order_date": (TODAY + timedelta(days=30)).isoformat()}, form_path=edit_path)
    assert unchanged.status_code == 303, unchanged.text
    again = client.get(f"/api/v1/opportunities/{opportunity['id']}", headers=_auth(world, "alice")).json()
    assert again["version"] == 2  # the opportunity was left alone: nothing in its fieldset changed

    stale = _post(client, "/activities/new", started | {
        "status": "done", "kind_code": "visit", "activity_date": PAST.isoformat(), "subject": "再訪問",
        "opportunity_id": opportunity["id"], "opportunity_update.stage_code": "50"}, form_path="/activities/new")
    assert stale.status_code == 409
    assert 'class="alert alert-error conflict"' in stale.text
    assert 'value="再訪問"' in stale.text  # what was typed stays


def test_form_errors_are_422_under_the_field_and_a_stale_edit_is_409(
    client: TestClient[Any], world: World, made: dict[str, dict[str, Any]]
) -> None:
    activity = _activity(client, _auth(world, "alice"), subject="初回訪問", content="挨拶")
    log_in(client, "alice", PASSWORD)

    missing = _post(client, "/activities/new", {"status": "planned", "kind_code": "visit", "subject": "",
                                                 "activity_date": PAST.isoformat(), "starts_at": "25:99",
                                                 "content": "残す内容"}, form_path="/activities/new")
    assert missing.status_code == 422
    assert 'id="form-errors"' in missing.text
    assert 'class="field-error" id="e-starts_at"' in missing.text
    assert "残す内容" in missing.text

    no_subject = _post(client, "/activities/new", {"status": "planned", "kind_code": "visit", "subject": "",
                                                    "activity_date": PAST.isoformat()}, form_path="/activities/new")
    assert no_subject.status_code == 422
    assert 'class="field-error" id="e-subject"' in no_subject.text

    edit_path = f"/activities/{activity['id']}/edit"
    edit = client.get(edit_path)
    assert 'name="version" value="1"' in edit.text
    assert 'value="初回訪問"' in edit.text
    base = {"status": "planned", "kind_code": "visit", "activity_date": PAST.isoformat(), "content": "挨拶"}
    saved = _post(client, edit_path, base | {"subject": "初回訪問（改）", "version": "1"}, form_path=edit_path)
    assert saved.status_code == 303, saved.text
    assert "初回訪問（改）" in client.get(f"/activities/{activity['id']}").text

    stale = _post(client, edit_path, base | {"subject": "古い版からの変更", "version": "1"}, form_path=edit_path)
    assert stale.status_code == 409
    assert 'class="alert alert-error conflict"' in stale.text
    assert 'value="古い版からの変更"' in stale.text

    copy = client.get(f"/activities/{activity['id']}/copy")
    assert copy.status_code == 200
    assert 'action="/activities/new"' in copy.text
    assert 'value="初回訪問（改）"' in copy.text
    assert 'name="version"' not in copy.text
    copied = _post(client, "/activities/new", _hidden(copy.text) | base | {"subject": "初回訪問（改）"},
                   form_path="/activities/new")
    assert copied.status_code == 303
    assert copied.headers["location"] != f"/activities/{activity['id']}"

    cancelled = _post(client, edit_path, base | {"status": "cancelled", "subject": "初回訪問（改）", "version": "2"},
                      form_path=edit_path)
    assert cancelled.status_code == 303
    assert "中止 / Cancelled" in client.get(f"/activities/{activity['id']}").text
    deleted = _post(client, f"/activities/{activity['id']}/delete", {"version": "3"},
                    form_path=f"/activities/{activity['id']}")
    assert deleted.status_code == 303
    assert deleted.headers["location"] == "/activities"
    assert client.get(f"/activities/{activity['id']}").status_code == 404


def test_comments_and_likes_post_normally_and_in_the_background(
    client: TestClient[Any], world: World, made: dict[str, dict[str, Any]]
) -> None:
    activity = _activity(client, _auth(world, "alice"), subject="定例会議")
    path = f"/activities/{activity['id']}"
    log_in(client, "alice", PASSWORD)

    plain = _post(client, f"{path}/comments", {"body": "資料を送付済み"}, form_path=path)
    assert plain.status_code == 303
    assert plain.headers["location"].startswith(path)
    assert "資料を送付済み" in client.get(path).text

    fragment = _post(client, f"{path}/comments", {"body": "<b>次回</b>は来週"}, form_path=path, headers=FETCH)
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<section id="stream" class="card stream"')
    assert "&lt;b&gt;次回&lt;/b&gt;は来週" in fragment.text
    assert "<html" not in fragment.text
    assert 'name="_csrf_token"' in fragment.text  # the swapped-in forms still post

    empty = _post(client, f"{path}/comments", {"body": "  "}, form_path=path, headers=FETCH)
    assert empty.status_code == 422
    assert 'class="field-error" id="e-body"' in empty.text

    liked = _post(client, f"{path}/like", {"action": "like"}, form_path=path, headers=FETCH)
    assert liked.status_code == 200
    assert 'aria-pressed="true"' in liked.text
    assert 'data-count="1">1</span>' in liked.text
    again = _post(client, f"{path}/like", {"action": "like"}, form_path=path)  # idempotent, no JS
    assert again.status_code == 303
    assert 'data-count="1">1</span>' in client.get(path).text
    toggled = _post(client, f"{path}/like", {}, form_path=path, headers=FETCH)  # no action: toggles
    assert 'aria-pressed="false"' in toggled.text
    assert 'data-count="0">0</span>' in toggled.text


def test_a_light_user_comments_and_likes_but_cannot_edit(
    client: TestClient[Any], world: World, made: dict[str, dict[str, Any]]
) -> None:
    activity = _activity(client, _auth(world, "alice"), subject="月次訪問")
    path = f"/activities/{activity['id']}"
    log_in(client, "bob", LIGHT_PASSWORD)

    detail = client.get(path)
    assert detail.status_code == 200
    for hook in ("edit-button", "copy-button", "delete-form"):
        assert hook not in detail.text
    assert "copy-url" in detail.text
    assert 'href="/activities/new"' not in client.get("/activities").text

    assert _post(client, f"{path}/comments", {"body": "ライトユーザのコメント"}, form_path=path).status_code == 303
    assert _post(client, f"{path}/like", {"action": "like"}, form_path=path).status_code == 303
    page = client.get(path).text
    assert "ライトユーザのコメント" in page
    assert 'aria-pressed="true"' in page

    assert client.get(f"{path}/edit").status_code == 403
    assert client.get("/activities/new").status_code == 403
    refused = _post(client, f"{path}/edit", {"status": "planned", "kind_code": "visit", "subject": "改ざん",
                                              "activity_date": PAST.isoformat(), "version": "1"}, form_path=path)
    assert refused.status_code == 403
    refused_new = _post(client, "/activities/new", {"status": "planned", "kind_code": "visit", "subject": "x",
                                                    "activity_date": PAST.isoformat()}, form_path=path)
    assert refused_new.status_code == 403
    assert "改ざん" not in client.get(path).text


def test_restricted_activities_are_absent_and_404_for_others(
    client: TestClient[Any], world: World, made: dict[str, dict[str, Any]]
) -> None:
    alice = _auth(world, "alice")
    secret = _activity(client, alice, subject="極秘の訪問", restriction={})
    secret_deal = _api(client, alice, "opportunities", {"name": "極秘案件", "account_id": made["account"]["id"],
                                                         "stage_code": "10", "restriction": {}})
    on_secret_deal = _activity(client, alice, subject="極秘案件の打合せ", opportunity_id=secret_deal["id"])
    public = _activity(client, alice, subject="公開の訪問")

    log_in(client, "alice", PASSWORD)
    own = client.get(f"/activities/{secret['id']}").text
    assert 'class="badge restricted"' in own

    with TestClient(client.app) as other:
        log_in(other, "carol", PASSWORD)
        listed = other.get("/activities").text
        assert ROW.findall(listed) == [public["id"]]
        for hidden in (secret, on_secret_deal):
            for suffix in ("", "/edit", "/copy"):
                response = other.get(f"/activities/{hidden['id']}{suffix}")
                assert response.status_code == 404, suffix
                assert hidden["subject"] not in response.text
            path = f"/activities/{public['id']}"
            assert _post(other, f"/activities/{hidden['id']}/comments", {"body": "x"},
                         form_path=path).status_code == 404
            assert _post(other, f"/activities/{hidden['id']}/like", {}, form_path=path).status_code == 404
        assert other.get("/activities/not-a-uuid").status_code == 404
