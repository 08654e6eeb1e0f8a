"""The account pages: change one's password, issue an API token for oneself."""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import TestClient

from tests.integration.http.conftest import PASSWORD, World, csrf_token, log_in

NEW_PASSWORD = "Brand-New-Secret-9"


def _change(client: TestClient[Any], current: str, new: str, confirm: str | None = None) -> Any:
    token = csrf_token(client, "/account/password")
    return client.post("/account/password", data={
        "current_password": current, "new_password": new, "confirm_password": new if confirm is None else confirm,
        "_csrf_token": token,
    }, follow_redirects=False)


def test_change_password_keeps_this_session_and_the_old_password_stops_working(
    client: TestClient[Any], world: World
) -> None:
    log_in(client, "alice", PASSWORD)

    response = _change(client, PASSWORD, NEW_PASSWORD)

    assert response.status_code == 200
    assert "パスワードを変更しました" in response.text
    assert "password.changed" in world.events("security")
    assert client.get("/").status_code == 200  # this session survives

    with TestClient(client.app) as other:
        assert log_in(other, "alice", PASSWORD).status_code == 401
        assert log_in(other, "alice", NEW_PASSWORD).status_code == 303


def test_change_password_errors_go_under_the_fields(client: TestClient[Any], world: World) -> None:
    log_in(client, "alice", PASSWORD)

    wrong = _change(client, "not-my-password", NEW_PASSWORD)
    assert wrong.status_code == 422
    assert re.search(r'id="e-current_password">現在のパスワードが正しくありません', wrong.text)
    assert "not-my-password" not in wrong.text

    weak = _change(client, PASSWORD, "short")
    assert weak.status_code == 422
    assert re.search(r'id="e-new_password">[^<]*at least 10 characters', weak.text)

    mismatch = _change(client, PASSWORD, NEW_PASSWORD, confirm="Something-Else-1")
    assert mismatch.status_code == 422
    assert re.search(r'id="e-confirm_password">確認用のパスワードが一致しません', mismatch.text)

    with TestClient(client.app) as other:
        assert log_in(other, "alice", PASSWORD).status_code == 303  # nothing changed


def test_change_password_needs_login_and_csrf(client: TestClient[Any], world: World) -> None:
    assert client.get("/account/password", follow_redirects=False).status_code == 303
    log_in(client, "alice", PASSWORD)
    refused = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD,
    })
    assert refused.status_code == 403


def test_issue_token_shows_the_bearer_once_and_it_works_on_the_api(client: TestClient[Any], world: World) -> None:
    log_in(client, "bob", world.users["bob"])
    token = csrf_token(client, "/account/tokens")

    page = client.post("/account/tokens", data={"name": "laptop", "_csrf_token": token})

    assert page.status_code == 200
    match = re.search(r'<code id="bearer">(dps\.[^<]+)</code>', page.text)
    assert match
    assert page.headers["cache-control"] == "no-store"
    assert "dps." not in client.get("/account/tokens").text.split('<main', 1)[1].split("Authorization")[0]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {match.group(1)}"})
    assert me.status_code == 200
    assert me.json()["login_id"] == "bob"
    assert "api_token.issued" in world.events("security")


def test_a_user_switches_to_english_first_and_back(client: TestClient[Any], world: World) -> None:
    """表示設定: the language applies to every page at once (the principal memo follows the directory version)."""
    log_in(client, "alice", PASSWORD)
    assert re.search(r'取引先 <span class="en">/ Accounts</span>', client.get("/accounts").text)
    token = csrf_token(client, "/account/preferences")

    saved = client.post("/account/preferences", data={
        "_csrf_token": token, "locale": "en", "time_zone": "Europe/London"}, follow_redirects=False)
    assert saved.status_code == 303

    page = client.get("/accounts").text
    assert re.search(r'Accounts <span class="en">/ 取引先</span>', page)
    assert '<html lang="en">' in page
    assert 'value="Europe/London"' in client.get("/account/preferences").text

    bad = client.post("/account/preferences", data={"_csrf_token": token, "locale": "ja", "time_zone": "Mars/Base"})
    assert bad.status_code == 422
    assert "Mars/Base" in bad.text
    assert "unknown time zone" in bad.text
    assert re.search(r'Accounts <span class="en">/ 取引先</span>', client.get("/accounts").text)


def test_the_api_changes_my_preferences_and_refuses_an_unknown_language(client: TestClient[Any], world: World) -> None:
    headers = {"Authorization": f"Bearer {world.bearer('alice')}"}
    changed = client.patch("/api/v1/me", headers=headers, json={"locale": "en", "time_zone": "UTC"})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["locale"], changed.json()["time_zone"]) == ("en", "UTC")
    assert client.get("/api/v1/me", headers=headers).json()["locale"] == "en"

    refused = client.patch("/api/v1/me", headers=headers, json={"locale": "fr", "time_zone": "UTC"})
    assert refused.status_code == 422
    assert "locale" in refused.json()["errors"]
