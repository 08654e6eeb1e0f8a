"""The mobile person page's business-card history (TestClient, a fake OCR): newest first, each with its
date, the company / department / title as printed, who received it and, when there is one, the image
linking to /business-cards/{id}/image; "名刺を登録" for full users only (a light user sees the history)."""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import TestClient

import tests.integration.http.conftest as http_fixtures
from dps.entrypoints.http.card_reading import wait_for_readers
from tests.fakes.card_ocr import FakeOcr
from tests.integration.http.conftest import LIGHT_PASSWORD, PASSWORD, World, log_in
from tests.integration.ui.test_card_import_pages import _auth, _image, ocr

app_container = http_fixtures.app_container
client = http_fixtures.client
world = http_fixtures.world
__all__ = ["ocr"]

ENTRY = re.compile(r'<div class="list-item card-entry" data-card="([0-9a-f-]{36})">(.*?)</div>', re.S)


def _person_with_two_cards(client: TestClient[Any], world: World, ocr: FakeOcr) -> tuple[str, str, str]:
    """田中 imported from a photo (received 2026-04-01, with its image) and an older card typed in by carol
    (2024-01-10, no image); the person's id, the photo card's id and the older card's id."""
    world.add_user("carol")
    alice = _auth(world, "alice")
    staged = client.post("/api/v1/card-imports", headers=alice, files=[("files", ("tanaka.png", _image(
        ocr, 70, "株式会社東京商事", "営業部 部長", "田中 一郎", "tanaka@tokyo.co.jp"), "image/png"))]).json()
    wait_for_readers()
    imported = client.post("/api/v1/card-imports/import", headers=alice, json={
        "card_ids": [staged["staged"][0]["id"]], "received_on": "2026-04-01"}).json()
    person_id = imported["cards"][0]["person_id"]
    photo_card = imported["cards"][0]["business_card_id"]
    older = client.post(f"/api/v1/persons/{person_id}/business-cards", headers=_auth(world, "carol"), json={
        "received_on": "2024-01-10", "company_name": "旧東京商事株式会社", "last_name": "田中",
        "department": "営業課", "title": "課長"})
    assert older.status_code == 201, older.text
    return person_id, photo_card, older.json()["card"]["id"]


def test_the_card_history_newest_first_with_images_and_who_received_them(
        client: TestClient[Any], world: World, ocr: FakeOcr) -> None:
    person_id, photo_card, older_card = _person_with_two_cards(client, world, ocr)
    log_in(client, "alice", PASSWORD)

    page = client.get(f"/m/persons/{person_id}")

    assert page.status_code == 200
    entries = ENTRY.findall(page.text)
    assert [card_id for card_id, _ in entries] == [photo_card, older_card]
    newest, oldest = (body for _, body in entries)
    assert f'<a class="card-image-link" href="/business-cards/{photo_card}/image"' in newest
    assert f'<img class="card-thumb" src="/business-cards/{photo_card}/image"' in newest
    assert "2026/04/01" in newest
    assert "現在" in newest
    assert "株式会社東京商事 · 営業部 · 部長" in newest
    assert "受け取った人: Alice 太郎" in newest
    assert "/business-cards/" not in oldest  # typed in: no image
    assert "旧東京商事株式会社 · 営業課 · 課長" in oldest
    assert "受け取った人: Carol 太郎" in oldest
    assert page.text.index("名刺履歴") < page.text.index(photo_card)
    assert '<a class="button new-button add-card" href="/m/cards/new">名刺を登録' in page.text
    image = client.get(f"/business-cards/{photo_card}/image")
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"


def test_a_light_user_sees_the_history_but_cannot_add_a_card(client: TestClient[Any], world: World,
                                                             ocr: FakeOcr) -> None:
    person_id, photo_card, older_card = _person_with_two_cards(client, world, ocr)
    log_in(client, "bob", LIGHT_PASSWORD)

    page = client.get(f"/m/persons/{person_id}")

    assert page.status_code == 200
    assert [card_id for card_id, _ in ENTRY.findall(page.text)] == [photo_card, older_card]
    assert "/m/cards/new" not in page.text
    assert client.get("/m/cards/new").status_code == 403
