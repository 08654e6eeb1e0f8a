"""Logging in and out in a real headless Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dps.application.directory.users import AddUserCommand
from dps.domain.shared.principal import License
from tests.integration.ui.conftest import LiveServer

PASSWORD = "Browser-2026-pass"


def test_a_user_logs_in_sees_home_and_logs_out(live_server: LiveServer, chromium: Any, tmp_path: Path) -> None:
    live_server.container.add_user()(live_server.admin, AddUserCommand(  # type: ignore[attr-defined]
        login_id="kobayashi", name="小林 花子", license=License.LIGHT, password=PASSWORD))
    page = chromium.new_page(locale="ja-JP")
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/login")
    assert page.locator("html").get_attribute("lang") == "ja"

    page.fill("input[name=tenant]", "acme")
    page.fill("input[name=login_id]", "kobayashi")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert "/login" in page.url
    assert "パスワードが正しくありません" in page.content()
    assert page.input_value("input[name=login_id]") == "kobayashi"

    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    body = page.inner_text("body")
    assert "小林 花子" in body
    assert "ライトユーザ" in body
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)

    page.click("form[action='/logout'] button")
    page.wait_for_url(f"{live_server.url}/login*")
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/login")
    page.close()
