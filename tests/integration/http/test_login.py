"""Logging in and out of the HTML UI: session cookie, CSRF, lockout, tampering, expiry."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from litestar.testing import TestClient

from tests.integration.http.conftest import PASSWORD, World, csrf_token, log_in


def test_login_page_is_japanese_with_a_csrf_field_posting_to_login(client: TestClient[Any], world: World) -> None:
    page = client.get("/login")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="ja">' in page.text
    assert "ログイン / Log in" in re.sub(r"<[^>]+>", "", page.text).replace("  ", " ")
    assert re.search(r'<form action="/login" method="post"', page.text)
    assert re.search(r'<input type="hidden" name="_csrf_token" value="[0-9a-f]{64,}"', page.text)
    assert 'name="tenant" type="text" value="demo"' in page.text  # settings.default_tenant
    assert "dps_csrf" in page.headers.get("set-cookie", "")


def test_login_sets_an_httponly_cookie_and_home_shows_name_organisation_and_licence(
    client: TestClient[Any], world: World
) -> None:
    response = log_in(client, "alice", PASSWORD, next="/account/password")

    assert response.status_code == 303
    assert response.headers["location"] == "/account/password"
    set_cookie = response.headers["set-cookie"]
    assert re.match(r"dps_session=[0-9a-f]{32}\.[A-Za-z0-9_-]+\.[0-9a-f]{64};", set_cookie)
    assert "HttpOnly" in set_cookie
    assert "samesite=lax" in set_cookie.lower()
    assert "Path=/" in set_cookie
    assert "Secure" not in set_cookie

    home = client.get("/")
    assert home.status_code == 200
    assert 'class="user-name">Alice 太郎<' in home.text
    assert 'class="organization">営業部<' in home.text
    assert "フルユーザ / Full user" in home.text
    assert 'action="/logout"' in home.text
    for section in ("取引先", "パーソン", "案件", "活動", "リード", "キャンペーン", "予算", "レポート"):
        assert section in home.text
    assert "login.succeeded" in world.events("security")
    screens = [line for line in world.lines("screen") if line["path"] == "/"]
    assert screens
    assert screens[-1]["user"] == "alice"
    assert screens[-1]["status"] == 200


def test_light_user_sees_light_licence(client: TestClient[Any], world: World) -> None:
    assert log_in(client, "bob", world.users["bob"]).status_code == 303
    assert "ライトユーザ / Light user" in client.get("/").text


def test_next_must_be_a_local_path(client: TestClient[Any], world: World) -> None:
    response = log_in(client, "alice", PASSWORD, next="//evil.example/phish")
    assert response.headers["location"] == "/"


def test_wrong_password_rerenders_the_form_with_401_and_logs_login_failed(
    client: TestClient[Any], world: World
) -> None:
    response = log_in(client, "alice", "wrong-password-1")

    assert response.status_code == 401
    assert '<form action="/login" method="post"' in response.text
    assert "パスワードが正しくありません" in response.text
    assert 'name="login_id" type="text" value="alice"' in response.text
    assert 'name="tenant" type="text" value="acme"' in response.text
    assert "wrong-password-1" not in response.text
    assert "dps_session=" not in response.headers.get("set-cookie", "")
    failed = [line for line in world.lines("security") if line["event"] == "login.failed"]
    assert failed
    assert failed[-1]["user"] == "alice"
    assert failed[-1]["remote_addr"] == "testclient"
    assert client.get("/", follow_redirects=False).status_code == 303


def test_five_wrong_passwords_lock_the_account(client: TestClient[Any], world: World) -> None:
    for _ in range(5):
        assert log_in(client, "alice", "wrong-password-1").status_code == 401

    locked = log_in(client, "alice", PASSWORD)

    assert locked.status_code == 401
    assert "ロックされています" in locked.text
    assert "account.locked" in world.events("security")
    assert "login.refused_locked" in world.events("security")


def test_post_without_csrf_token_is_403_page_and_logged(client: TestClient[Any], world: World) -> None:
    client.get("/login")  # has the CSRF cookie, but the form field is missing
    response = client.post("/login", data={"tenant": "acme", "login_id": "alice", "password": PASSWORD},
                           follow_redirects=False)

    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "Traceback" not in response.text
    assert "再読み込み" in response.text
    assert "csrf.rejected" in world.events("security", tenant="_system")
    assert "login.succeeded" not in world.events("security")


def test_post_with_a_forged_csrf_token_is_403(client: TestClient[Any], world: World) -> None:
    csrf_token(client)
    response = client.post("/login", data={"tenant": "acme", "login_id": "alice", "password": PASSWORD,
                                           "_csrf_token": "0" * 128}, follow_redirects=False)
    assert response.status_code == 403


def test_unauthenticated_page_redirects_to_login_with_next(client: TestClient[Any], world: World) -> None:
    response = client.get("/account/tokens?x=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Faccount%2Ftokens%3Fx%3D1"
    login_page = client.get(response.headers["location"])
    assert 'name="next" value="/account/tokens?x=1"' in login_page.text


def test_tampered_cookie_counts_as_logged_out_and_is_logged(client: TestClient[Any], world: World) -> None:
    log_in(client, "alice", PASSWORD)
    assert client.get("/").status_code == 200  # the server now knows acme's id
    good = client.cookies["dps_session"]
    tenant_hex, secret, signature = good.split(".")
    client.cookies.delete("dps_session")
    client.cookies.set("dps_session", f"{tenant_hex}.{secret}x.{signature}")

    response = client.get("/", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    assert 'dps_session=""' in response.headers["set-cookie"] or "dps_session=;" in response.headers["set-cookie"]
    tampered = [line for line in world.lines("security") if line["event"] == "session.tampered"]
    assert tampered
    assert tampered[-1]["remote_addr"] == "testclient"

    forged = f"{'0' * 32}.{secret}.{signature}"  # a tenant nobody knows: logged without a tenant
    client.cookies.set("dps_session", forged)
    assert client.get("/", follow_redirects=False).status_code == 303
    assert "session.tampered" in world.events("security", tenant="_system")


def test_logout_ends_the_session_server_side(client: TestClient[Any], world: World) -> None:
    log_in(client, "alice", PASSWORD)
    old_cookie = client.cookies["dps_session"]
    token = csrf_token(client, "/")

    response = client.post("/logout", data={"_csrf_token": token}, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert "logout" in world.events("security")
    client.cookies.delete("dps_session")
    client.cookies.set("dps_session", old_cookie)  # a copy kept by an attacker
    assert client.get("/", follow_redirects=False).status_code == 303


def test_logout_without_csrf_is_refused(client: TestClient[Any], world: World) -> None:
    log_in(client, "alice", PASSWORD)
    assert client.post("/logout", data={}, follow_redirects=False).status_code == 403
    assert client.get("/").status_code == 200
    assert "csrf.rejected" in world.events("security")  # bound to the tenant of the session


def test_expired_session_redirects_to_login_with_a_message(client: TestClient[Any], world: World) -> None:
    log_in(client, "alice", PASSWORD)
    world.clock.offset = timedelta(hours=3)  # past the 2-hour idle timeout

    response = client.get("/", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2F&expired=1"
    page = client.get(response.headers["location"])
    assert "セッションの有効期限が切れました" in page.text
    assert "session has expired" in page.text


def test_logging_in_over_a_stale_cookie_keeps_the_new_session(client: TestClient[Any], world: World) -> None:
    token = csrf_token(client)
    client.cookies.set("dps_session", "garbage")

    response = client.post("/login", data={"tenant": "acme", "login_id": "alice", "password": PASSWORD,
                                            "_csrf_token": token}, follow_redirects=False)

    assert response.status_code == 303
    session_cookies = [c for c in response.headers.get_list("set-cookie") if c.startswith("dps_session=")]
    assert len(session_cookies) == 1
    assert session_cookies[0].startswith(f"dps_session={world.tenant.id.hex}.")
    client.cookies.delete("dps_session")
    client.cookies.set("dps_session", response.cookies["dps_session"])
    assert client.get("/").status_code == 200
