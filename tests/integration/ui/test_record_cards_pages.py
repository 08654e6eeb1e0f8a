"""The people and collaboration cards of the record detail pages (HTML, no browser): comments on any
record (inline fragment for dps.js, plain 303, 422 keeping the text), 自社担当者 with its 主担当 and
関係者 with their role replaced through the staff page (303, 422, stale version 409 with the conflict
banner and the typed values kept), light users without controls and refused."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar.testing import TestClient

import tests.integration.http.conftest as http_fixtures
from tests.integration.http.conftest import LIGHT_PASSWORD, PASSWORD, World, csrf_token, log_in
from tests.integration.ui.screens import created

app_container = http_fixtures.app_container
client = http_fixtures.client
world = http_fixtures.world

FETCH = {"X-Requested-With": "fetch"}
VERSION = re.compile(r'<input type="hidden" name="version" value="(\d+)">')


def _auth(world: World, login: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.bearer(login)}"}


def _user_id(world: World, login: str) -> str:
    return next(str(u.id) for u in world.container.list_users()(world.admin) if u.login_id == login)


def _post(client: TestClient[Any], path: str, fields: dict[str, Any], *, form_path: str,
          headers: dict[str, str] | None = None) -> Any:
    token = csrf_token(client, form_path)
    return client.post(path, data={**fields, "_csrf_token": token}, headers=headers, follow_redirects=False)


@pytest.fixture
def made(client: TestClient[Any], world: World) -> dict[str, Any]:
    """Alice's account with a person, an opportunity and an activity on it; carol is a second full user."""
    world.add_user("carol")
    alice = _auth(world, "alice")
    account = created(client.post("/api/v1/accounts", headers=alice, json={"name": "東京商事"}))
    kimura = created(client.post("/api/v1/persons", headers=alice, json={
        "account_id": account["id"], "last_name": "木村", "first_name": "一"}))
    deal = created(client.post("/api/v1/opportunities", headers=alice, json={
        "name": "基幹システム更改", "account_id": account["id"], "stage_code": "10"}))
    visit = created(client.post("/api/v1/activities", headers=alice, json={
        "kind_code": "visit", "subject": "初回訪問", "activity_date": "2026-01-05", "account_id": account["id"]}))
    return {"account": account, "kimura": kimura, "deal": deal, "visit": visit,
            "alice": _user_id(world, "alice"), "carol": _user_id(world, "carol")}


# --- comments -----------------------------------------------------------------------------------


def test_a_comment_on_an_opportunity_inline_and_plain(
    client: TestClient[Any], world: World, made: dict[str, Any]
) -> None:
    log_in(client, "alice", PASSWORD)
    path = f"/opportunities/{made['deal']['id']}"
    detail = client.get(path).text
    assert f'action="{path}/comments" class="comment-form" data-inline data-target="#comments"' in detail

    fragment = _post(client, f"{path}/comments", {"body": "<b>次回</b>は来週"}, form_path=path, headers=FETCH)
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<section class="card comments stream" id="comments"')
    assert "&lt;b&gt;次回&lt;/b&gt;は来週" in fragment.text
    assert "<html" not in fragment.text

    plain = _post(client, f"{path}/comments", {"body": "資料を送付済み"}, form_path=path)
    assert plain.status_code == 303
    assert plain.headers["location"] == f"{path}#comments"
    html = client.get(path).text
    assert html.index("次回") < html.index("資料を送付済み")  # oldest first
    assert 'data-count="2"' in html

    empty = _post(client, f"{path}/comments", {"body": "  "}, form_path=path, headers=FETCH)
    assert empty.status_code == 422
    assert 'class="field-error"' in empty.text
    refused = _post(client, f"{path}/comments", {"body": "x" * 20000}, form_path=path)
    assert refused.status_code == 422  # the whole page, the typed text kept
    assert "<html" in refused.text
    assert "x" * 20000 in refused.text
    assert f'href="{path}"' in refused.text


@pytest.mark.parametrize("kind", ["accounts", "persons"])
def test_comments_on_accounts_and_persons(
    client: TestClient[Any], world: World, made: dict[str, Any], kind: str
) -> None:
    record = made["account"] if kind == "accounts" else made["kimura"]
    log_in(client, "alice", PASSWORD)
    path = f"/{kind}/{record['id']}"

    assert _post(client, f"{path}/comments", {"body": "よろしくお願いします"}, form_path=path).status_code == 303

    html = client.get(path).text
    card = html[html.index('id="comments"'):]
    assert "よろしくお願いします" in card
    assert "Alice 太郎" in card


# --- staff and relations ------------------------------------------------------------------------


def test_staff_replaced_with_a_main_one(client: TestClient[Any], world: World, made: dict[str, Any]) -> None:
    log_in(client, "alice", PASSWORD)
    path = f"/opportunities/{made['deal']['id']}"
    assert f'href="{path}/staff"' in client.get(path).text
    form = client.get(f"{path}/staff")
    assert form.status_code == 200
    version = VERSION.search(form.text)
    assert version
    assert 'data-lookup="/lookup/users"' in form.text
    assert 'data-lookup="/lookup/persons"' in form.text

    saved = _post(client, f"{path}/staff", {
        "staff_user_ids": [made["alice"], made["carol"]], "main_user_id": made["carol"],
        "version": version.group(1)}, form_path=f"{path}/staff")

    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == path
    staff = client.get(f"/api/v1/opportunities/{made['deal']['id']}/staff", headers=_auth(world, "alice")).json()
    assert {(s["user_id"], s["is_main"]) for s in staff["staff"]} == {(made["alice"], False), (made["carol"], True)}
    html = client.get(path).text
    card = html[html.index('class="card staff"'):]
    assert re.search(r"Carol 太郎</li>|Carol 太郎 <span class=\"badge main-staff\">", card)
    assert card.index("Carol 太郎") < card.index("main-staff") < card.index("Alice 太郎")  # the main one first

    stale = _post(client, f"{path}/staff", {"staff_user_ids": [made["carol"]], "main_user_id": "",
                                            "version": version.group(1)}, form_path=f"{path}/staff")
    assert stale.status_code == 409
    assert 'class="alert alert-error conflict"' in stale.text
    assert f'<input type="hidden" name="staff_user_ids" value="{made["carol"]}">' in stale.text  # typed kept
    assert f'<input type="hidden" name="staff_user_ids" value="{made["alice"]}">' not in stale.text


def test_a_bad_staff_member_is_422_under_the_field(
    client: TestClient[Any], world: World, made: dict[str, Any]
) -> None:
    log_in(client, "alice", PASSWORD)
    path = f"/accounts/{made['account']['id']}"
    version = VERSION.search(client.get(f"{path}/staff").text)
    assert version

    unknown = "00000000-0000-0000-0000-000000000001"
    answer = _post(client, f"{path}/staff", {"staff_user_ids": [unknown], "version": version.group(1)},
                   form_path=f"{path}/staff")

    assert answer.status_code == 422
    assert 'id="form-errors"' in answer.text
    assert re.search(r'data-name="staff_user_ids".*?class="field-error"', answer.text, re.S)
    assert f'value="{unknown}"' in answer.text


def test_relations_replaced_with_a_role_and_a_role_without_person_refused(
    client: TestClient[Any], world: World, made: dict[str, Any]
) -> None:
    log_in(client, "alice", PASSWORD)
    path = f"/opportunities/{made['deal']['id']}"
    form = client.get(f"{path}/staff").text
    version = VERSION.findall(form)[-1]
    assert '<option value="decision_maker">' in form  # the relation_role code list

    missing = _post(client, f"{path}/relations", {
        "relations-0-person_id": "", "relations-0-role_code": "decision_maker", "version": version},
        form_path=f"{path}/staff")
    assert missing.status_code == 422
    assert 'id="e-relations-0-person_id"' in missing.text

    saved = _post(client, f"{path}/relations", {
        "relations-0-person_id": made["kimura"]["id"], "relations-0-person_id_label": "木村 一",
        "relations-0-role_code": "decision_maker", "relations-3-person_id": "", "relations-3-role_code": "",
        "version": version}, form_path=f"{path}/staff")
    assert saved.status_code == 303, saved.text
    html = client.get(path).text
    assert f'<a href="/persons/{made["kimura"]["id"]}">木村 一</a> <span class="muted">決裁者</span>' in html
    again = client.get(f"{path}/staff").text  # the form shows the saved rows by name
    assert 'value="木村 一"' in again

    stale = _post(client, f"{path}/relations", {"relations-0-person_id": "", "version": version},
                  form_path=f"{path}/staff")
    assert stale.status_code == 409
    assert 'class="alert alert-error conflict"' in stale.text


def test_every_family_has_the_staff_page(client: TestClient[Any], world: World, made: dict[str, Any]) -> None:
    log_in(client, "alice", PASSWORD)
    for kind, record in (("accounts", made["account"]), ("persons", made["kimura"]), ("activities", made["visit"])):
        path = f"/{kind}/{record['id']}"
        detail = client.get(path).text
        assert f'href="{path}/staff"' in detail, kind
        form = client.get(f"{path}/staff").text
        version = VERSION.search(form)
        assert version, kind
        assert (f'action="{path}/relations"' in form) == (kind != "activities")  # an activity has its 面談者
        saved = _post(client, f"{path}/staff", {"staff_user_ids": [made["carol"]], "main_user_id": made["carol"],
                                                "version": version.group(1)}, form_path=f"{path}/staff")
        assert saved.status_code == 303, (kind, saved.text)
        assert "main-staff" in client.get(path).text, kind
    assert client.get(f"/opportunities/{made['deal']['id']}/staff/x").status_code == 404
    assert client.get("/opportunities/not-a-uuid/staff").status_code == 404


# --- light users and other users ----------------------------------------------------------------


def test_a_light_user_gets_no_controls_and_is_refused(
    client: TestClient[Any], world: World, made: dict[str, Any]
) -> None:
    path = f"/opportunities/{made['deal']['id']}"
    log_in(client, "bob", LIGHT_PASSWORD)

    html = client.get(path).text
    assert f'href="{path}/staff"' not in html
    assert "comment-form" not in html
    assert client.get(f"{path}/staff").status_code == 403
    assert _post(client, f"{path}/staff", {"staff_user_ids": [made["carol"]], "version": "1"},
                 form_path=path).status_code == 403
    assert _post(client, f"{path}/relations", {"version": "1"}, form_path=path).status_code == 403
    assert _post(client, f"{path}/comments", {"body": "x"}, form_path=path).status_code == 403
    staff = client.get(f"/api/v1/opportunities/{made['deal']['id']}/staff", headers=_auth(world, "alice")).json()
    assert staff["staff"] == [] or all(s["user_id"] != made["carol"] for s in staff["staff"])


def test_a_restricted_record_is_404_for_others(client: TestClient[Any], world: World, made: dict[str, Any]) -> None:
    secret = created(client.post("/api/v1/opportunities", headers=_auth(world, "alice"), json={
        "name": "極秘案件", "account_id": made["account"]["id"], "stage_code": "10", "restriction": {"users": []}}))
    path = f"/opportunities/{secret['id']}"
    log_in(client, "carol", PASSWORD)

    assert client.get(f"{path}/staff").status_code == 404
    assert _post(client, f"{path}/staff", {"version": "1"}, form_path="/").status_code == 404
    assert _post(client, f"{path}/comments", {"body": "x"}, form_path="/", headers=FETCH).status_code == 404
