"""名刺一括登録 in a real headless Chromium (fake OCR): upload two cards, watch 読み取り中 n/m turn into the
review list, open one card (the image beside the fields), import the selection after the confirm dialog;
on a 375 px phone: take a photo, correct the fields, save - no sideways scroll, 44 px targets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dependency_injector import providers

from dps.adapters.cards.images import PillowCardImages
from dps.application.cards.import_deps import CardImportDeps
from tests.fakes.card_ocr import FakeOcr, card_image
from tests.integration.ui.conftest import UiWorld
from tests.integration.ui.screens import screenshot


@pytest.fixture
def fake_ocr(ui_world: UiWorld) -> Iterator[FakeOcr]:
    container = ui_world.server.container
    fake = FakeOcr()
    container.card_import_deps.override(providers.Object(CardImportDeps(
        sales=container.sales_deps(), ocr=fake, images=PillowCardImages())))
    yield fake
    container.card_import_deps.reset_override()


def _card(fake: FakeOcr, tmp_path: Path, seed: int, *lines: str) -> str:
    data = card_image(seed, size=(910, 550))
    fake.texts[data] = lines
    path = tmp_path / f"card{seed}.png"
    path.write_bytes(data)
    return str(path)


def test_bulk_upload_review_and_import_on_the_pc(ui_world: UiWorld, open_page: Any, fake_ocr: FakeOcr,
                                                 tmp_path: Path) -> None:
    from playwright.sync_api import expect  # polls without evaluating strings: the pages' CSP forbids eval

    files = [_card(fake_ocr, tmp_path, 101, "株式会社ブラウザ商事", "営業部 課長", "北村 陽子",
                   "kitamura@browser.example"),
             _card(fake_ocr, tmp_path, 102, "ブラウザ物流株式会社", "総務部", "南 健", "minami@logi.example")]
    page = open_page("alice", path="/cards/import")
    page.set_input_files("#card-files", files)
    with page.expect_navigation():
        page.click("form[action='/cards/import'] button[type=submit]")
    page.wait_for_selector("tr[data-status=ready] >> nth=1", timeout=15_000)
    assert page.locator("tr[data-card]").count() == 2
    assert page.locator(".reading-progress").count() == 0
    screenshot(page, "card-import-queue")

    with page.expect_navigation():
        page.locator("tr[data-card] a.button").first.click()
    image = page.locator(".card-image img").bounding_box()
    form = page.locator("form.card-fields-form").bounding_box()
    assert image is not None
    assert form is not None
    assert image["x"] + image["width"] <= form["x"], "the image is beside the fields"
    # wait until the image is decoded, not merely in the DOM
    expect(page.locator(".card-image img")).to_have_js_property("complete", True)
    assert page.evaluate("document.querySelector('.card-image img').naturalWidth") == 910
    page.fill("#f-title", "部長")
    screenshot(page, "card-import-edit")
    with page.expect_navigation():
        page.click("form.card-fields-form button[type=submit]")

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("button[value=import]")
    assert page.locator("table.card-import-result tr[data-person]").count() == 2
    screenshot(page, "card-import-result")
    with page.expect_navigation():
        page.locator("table.card-import-result a").first.click()
    page.wait_for_selector("section.business-cards img.card-thumb")
    expect(page.locator("section.business-cards img.card-thumb").first).to_have_js_property("complete", True)
    assert page.evaluate("document.querySelector('section.business-cards img.card-thumb').naturalWidth") == 910


def test_capture_a_card_on_a_375px_phone(ui_world: UiWorld, open_page: Any, fake_ocr: FakeOcr,
                                         tmp_path: Path) -> None:
    photo = _card(fake_ocr, tmp_path, 103, "モバイル電機株式会社", "技術部 主任", "東 翔", "azuma@mobile.example")
    page = open_page("alice", mobile=True, path="/m/cards/new")
    assert page.get_attribute("#card-photo", "capture") == "environment"
    page.set_input_files("#card-photo", photo)
    with page.expect_navigation():
        page.click("form.mobile-card-capture button[type=submit]")
    page.wait_for_selector("form.mobile-card-form", timeout=15_000)
    assert page.input_value("#f-company") == "モバイル電機株式会社"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "no sideways scroll"
    controls = ("form.mobile-card-form input:not([type=hidden]):not([type=radio]), form.mobile-card-form button, "
                "form.mobile-card-form label.choice")  # a radio is tapped through its 44 px label
    small = page.evaluate(f"""[...document.querySelectorAll("{controls}")]
        .map(e => e.getBoundingClientRect()).filter(r => r.height > 0 && r.height < 44).length""")
    assert small == 0, "every control is at least 44 px high"
    screenshot(page, "card-import-mobile")
    page.fill("#f-title", "課長")
    with page.expect_navigation():
        page.click("form.mobile-card-form button[type=submit]")
    assert "/m/persons/" in page.url
    assert "東" in page.inner_text("main")
