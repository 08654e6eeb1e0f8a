"""In a real Chromium: the account form checks the 法人番号's check digit as it is typed, and
「登録情報から入力」 fills the form from the (fake) registry - or says it cannot be reached."""

from __future__ import annotations

from datetime import date
from typing import Any

from dependency_injector import providers

from dps.application.directory.users import AddUserCommand
from dps.domain.shared.principal import License
from tests.fakes.registry import FakeRegistry, sample_record
from tests.integration.ui.conftest import LiveServer

PASSWORD = "Registry-Browser-2026"


def _log_in(page: Any, server: LiveServer) -> None:
    server.container.add_user()(server.admin, AddUserCommand(  # type: ignore[attr-defined]
        login_id="alice", name="青木 亜希", license=License.FULL, password=PASSWORD))
    page.goto(f"{server.url}/login?next=/accounts/new")
    page.fill("input[name=tenant]", "acme")
    page.fill("input[name=login_id]", "alice")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{server.url}/accounts/new")


def test_check_digit_as_you_type_and_fill_from_registry(live_server: LiveServer, chromium: Any) -> None:
    registry = FakeRegistry([
        sample_record(),
        sample_record(corporate_number="7000012050002", name="旧サンプル株式会社", close_date=date(2023, 3, 31),
                      close_cause="11", successor_number="5010001008846", en_name=""),
    ])
    live_server.container.corporate_registry.override(providers.Object(registry))
    page = chromium.new_page(locale="ja-JP")
    _log_in(page, live_server)
    message = page.locator("#c-corporate_number")

    page.fill("#f-corporate_number", "6010001008846")
    assert message.is_visible()
    assert "検査用数字が正しくありません" in message.inner_text()
    assert "(5)" in message.inner_text()
    page.fill("#f-corporate_number", "5-0100-0100-8846")
    assert message.is_hidden()
    page.fill("#f-corporate_number", "50100")
    assert message.is_hidden()  # still typing
    page.locator("#f-corporate_number").dispatch_event("change")
    assert "13桁" in message.inner_text()

    page.fill("#f-corporate_number", "")
    page.fill("#f-name", "サンプル")
    page.click("[data-registry-search]")
    options = page.locator(".registry-candidates li")
    options.first.wait_for()
    assert options.count() == 2
    assert "閉鎖" in options.nth(1).inner_text()
    options.first.click()
    assert page.input_value("#f-name") == "株式会社サンプル"
    assert page.input_value("#f-kana") == "サンプル"
    assert page.input_value("#f-corporate_number") == "5010001008846"
    assert page.input_value("#f-postal_code") == "100-0005"
    assert page.input_value("#f-prefecture") == "東京都"
    assert page.input_value("#f-address") == "千代田区丸の内1丁目1-1"
    assert page.input_value("#f-en_name") == "Sample Co., Ltd."
    assert page.input_value("#f-closed_on") == ""
    assert page.locator(".registry-candidates").is_hidden()
    assert message.is_hidden()

    page.fill("#f-corporate_number", "")
    page.fill("#f-name", "サンプル")
    page.click("[data-registry-search]")
    options.nth(1).wait_for()
    options.nth(1).click()  # the closed corporation: its status is filled in
    assert page.input_value("#f-corporate_number") == "7000012050002"
    assert page.input_value("#f-closed_on") == "2023-03-31"
    assert page.input_value("#f-close_cause") == "11"
    assert page.input_value("#f-successor_corporate_number") == "5010001008846"
    assert page.input_value("#f-en_name") == "Sample Co., Ltd."  # the registry gave none: what was there stays
    page.fill("#f-corporate_number", "")
    page.fill("#f-name", "サンプル")
    page.click("[data-registry-search]")
    options.nth(1).wait_for()
    options.first.click()  # back to the active one: the closing status is cleared
    assert page.input_value("#f-closed_on") == ""
    assert page.input_value("#f-close_cause") == ""
    assert page.input_value("#f-successor_corporate_number") == ""

    registry.down = True
    page.click("[data-registry-search]")
    note = page.locator(".registry-message")
    note.wait_for()
    assert "登録情報を取得できません。手入力してください" in note.inner_text()
    live_server.container.corporate_registry.reset_override()
