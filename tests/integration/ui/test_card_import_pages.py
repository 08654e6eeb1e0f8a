"""名刺一括登録 screens and API over HTTP (TestClient, a fake OCR): upload (bad files listed with their
reasons), the queue with thumbnails and duplicate flags, the per-card review, import and discard with
CSRF, images served with nosniff, the person page's card history with images; the mobile capture at
375 px rules (camera input, 44 px targets, one column); light users refused everywhere."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dependency_injector import providers
from litestar.testing import TestClient

import tests.integration.http.conftest as http_fixtures
from dps.adapters.cards.images import PillowCardImages
from dps.application.cards.import_deps import CardImportDeps, CardImportLimits
from dps.bootstrap.container import Container
from dps.entrypoints.http.card_reading import wait_for_readers
from tests.fakes.card_ocr import FakeOcr, card_image
from tests.integration.http.conftest import LIGHT_PASSWORD, PASSWORD, World, csrf_token, log_in

app_container = http_fixtures.app_container
client = http_fixtures.client
world = http_fixtures.world

CARD_ROW = re.compile(r'<tr data-card="([0-9a-f-]{36})" data-status="(\w+)"')
STATIC = Path(__file__).parents[3] / "src/dps/entrypoints/http/static/dps.css"


@pytest.fixture
def ocr(app_container: Container) -> Iterator[FakeOcr]:
    fake = FakeOcr()
    deps = CardImportDeps(sales=app_container.sales_deps(), ocr=fake, images=PillowCardImages(),
                          limits=CardImportLimits(max_file_bytes=100_000))
    app_container.card_import_deps.override(providers.Object(deps))
    yield fake
    app_container.card_import_deps.reset_override()


def _image(ocr: FakeOcr, seed: int, *lines: str) -> bytes:
    data = card_image(seed)
    ocr.texts[data] = lines
    return data


def _auth(world: World, login: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.bearer(login)}"}


def _rows(html: str) -> dict[str, str]:
    return dict(CARD_ROW.findall(html))


def test_upload_review_correct_and_import_on_the_pc_screens(client: TestClient[Any], world: World,
                                                            ocr: FakeOcr) -> None:
    log_in(client, "alice", PASSWORD)
    page = client.get("/cards/import")
    assert page.status_code == 200
    assert 'name="files" type="file" multiple' in page.text
    assert 'name="_csrf_token"' in page.text
    token = csrf_token(client, "/cards/import")
    tanaka = _image(ocr, 1, "株式会社東京商事", "営業部 部長", "田中 一郎", "tanaka@tokyo.co.jp")
    files = [("files", ("tanaka.png", tanaka, "image/png")),
             ("files", ("kato.png", _image(ocr, 2, "大阪物産株式会社", "加藤 次郎"), "image/png")),
             ("files", ("memo.txt", b"just text", "text/plain"))]
    staged = client.post("/cards/import", files=files, data={"_csrf_token": token})
    assert staged.status_code == 200
    assert "memo.txt" in staged.text
    assert "not a card image" in staged.text
    wait_for_readers()
    queue = client.get("/cards/import")
    rows = _rows(queue.text)
    assert sorted(rows.values()) == ["ready", "ready"]
    assert 'class="reading-progress"' not in queue.text
    card_id = next(iter(rows))
    image = client.get(f"/cards/import/{card_id}/image")
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert image.headers["x-content-type-options"] == "nosniff"

    edit = client.get(f"/cards/import/{card_id}")
    assert edit.status_code == 200
    assert f'src="/cards/import/{card_id}/image"' in edit.text
    assert 'name="company"' in edit.text
    version = re.search(r'name="version" value="(\d+)"', edit.text)
    assert version
    fields = dict(re.findall(r'<input id="f-(\w+)" name="\w+" value="([^"]*)"', edit.text))
    saved = client.post(f"/cards/import/{card_id}", data={
        "_csrf_token": csrf_token(client, f"/cards/import/{card_id}"), "version": version.group(1),
        **fields, "title": "常務", "decision": "new:"}, follow_redirects=False)
    assert saved.status_code == 303
    stale = client.post(f"/cards/import/{card_id}", data={
        "_csrf_token": csrf_token(client, f"/cards/import/{card_id}"), "version": version.group(1), **fields})
    assert stale.status_code == 409
    no_csrf = client.post("/cards/import/actions", data={"action": "import", "card_id": list(rows)})
    assert no_csrf.status_code == 403

    result = client.post("/cards/import/actions", data={
        "_csrf_token": csrf_token(client, "/cards/import"), "action": "import", "card_id": list(rows)})
    assert result.status_code == 200, result.text
    person_ids = re.findall(r'<tr data-person="([0-9a-f-]{36})">', result.text)
    assert len(person_ids) == 2
    assert _rows(client.get("/cards/import").text) == {}
    person = client.get(f"/persons/{person_ids[0]}")
    thumb = re.search(r'<img class="card-thumb" src="/business-cards/([0-9a-f-]{36})/image"', person.text)
    assert thumb, "the person page shows the card image"
    card_image_response = client.get(f"/business-cards/{thumb.group(1)}/image")
    assert card_image_response.status_code == 200
    assert card_image_response.headers["x-content-type-options"] == "nosniff"
    assert {"常務", "部長"} & set(re.findall(r"<td>(常務|部長)</td>", person.text + client.get(
        f"/persons/{person_ids[1]}").text))


def test_discard_and_bad_selections(client: TestClient[Any], world: World, ocr: FakeOcr) -> None:
    log_in(client, "alice", PASSWORD)
    token = csrf_token(client, "/cards/import")
    client.post("/cards/import", files=[("files", ("a.png", _image(ocr, 3, "A社", "林 誠"), "image/png"))],
                data={"_csrf_token": token})
    wait_for_readers()
    rows = _rows(client.get("/cards/import").text)
    nothing = client.post("/cards/import/actions", data={"_csrf_token": csrf_token(client, "/cards/import"),
                                                         "action": "import"})
    assert nothing.status_code == 422
    assert "select at least one card" in nothing.text
    gone = client.post("/cards/import/actions", data={"_csrf_token": csrf_token(client, "/cards/import"),
                                                      "action": "discard", "card_id": list(rows)},
                       follow_redirects=False)
    assert gone.status_code == 303
    assert _rows(client.get("/cards/import").text) == {}
    assert client.get(f"/cards/import/{next(iter(rows))}/image").status_code == 404
    assert client.get("/cards/import/not-a-uuid").status_code == 404


def test_light_users_are_refused(client: TestClient[Any], world: World, ocr: FakeOcr) -> None:
    log_in(client, "bob", LIGHT_PASSWORD)
    assert client.get("/cards/import").status_code == 403
    assert client.get("/m/cards/new").status_code == 403
    assert 'href="/cards/import"' not in client.get("/persons").text, "no card registration in the light menu"
    assert 'href="/m/cards/new"' not in client.get("/m/persons").text
    bob = _auth(world, "bob")
    assert client.get("/api/v1/card-imports", headers=bob).status_code == 403
    upload = client.post("/api/v1/card-imports", headers=bob,
                         files=[("files", ("a.png", _image(ocr, 4, "A社", "林"), "image/png"))])
    assert upload.status_code == 403


def test_the_api_stages_lists_corrects_and_imports(client: TestClient[Any], world: World, ocr: FakeOcr) -> None:
    alice = _auth(world, "alice")
    staged = client.post("/api/v1/card-imports", headers=alice, files=[
        ("files", ("a.png", _image(ocr, 5, "株式会社API", "開発部", "石井 花", "ishii@api.jp"), "image/png")),
        ("files", ("b.bin", b"\x00\x01garbage", "application/octet-stream"))])
    assert staged.status_code == 202, staged.text
    body = staged.json()
    assert len(body["staged"]) == 1
    assert body["rejected"][0]["file_name"] == "b.bin"
    wait_for_readers()
    queue = client.get("/api/v1/card-imports", headers=alice).json()
    assert (queue["reading"], queue["done"], queue["total"]) == (False, 1, 1)
    item = queue["items"][0]
    assert item["fields"]["email"] == "ishii@api.jp"
    assert item["decision"]["kind"] == "new_person"
    bad = client.patch(f"/api/v1/card-imports/{item['id']}", headers=alice, json={
        "expected_version": item["version"], "fields": item["fields"], "decision": {"kind": "merge"}})
    assert bad.status_code == 422
    patched = client.patch(f"/api/v1/card-imports/{item['id']}", headers=alice, json={
        "expected_version": item["version"], "fields": item["fields"] | {"title": "課長"}})
    assert patched.status_code == 200
    assert patched.json()["fields"]["title"] == "課長"
    stale = client.patch(f"/api/v1/card-imports/{item['id']}", headers=alice, json={
        "expected_version": item["version"], "fields": item["fields"]})
    assert stale.status_code == 409
    imported = client.post("/api/v1/card-imports/import", headers=alice, json={"card_ids": [item["id"]]})
    assert imported.status_code == 201, imported.text
    result = imported.json()
    assert (result["persons_created"], result["accounts_created"]) == (1, 1)
    person = client.get(f"/api/v1/persons/{result['cards'][0]['person_id']}", headers=alice).json()
    assert (person["last_name"], person["title"]) == ("石井", "課長")
    again = client.post("/api/v1/card-imports/import", headers=alice, json={"card_ids": [item["id"]]})
    assert again.status_code == 422
    assert client.post("/api/v1/card-imports/discard", headers=alice,
                       json={"card_ids": [item["id"]]}).status_code == 422


def test_mobile_capture_at_375px(client: TestClient[Any], world: World, ocr: FakeOcr) -> None:
    log_in(client, "alice", PASSWORD)
    new = client.get("/m/cards/new")
    assert new.status_code == 200
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in new.text
    assert ('<input id="card-photo" name="photo" type="file" accept="image/*" capture="environment" required>'
            in new.text)
    assert 'href="/m/cards/new" aria-current="page"' in new.text, "the tab bar has the card tab"
    css = STATIC.read_text(encoding="utf-8")
    assert ".mobile button, .mobile a.button, .mobile input, .mobile select, .mobile textarea { min-height: 44px" in css
    assert "fieldset.decision label.choice { display: flex; gap: .5rem; align-items: center; min-height: 44px; }" in css
    mine = css[css.index("/* ==== card imports"):]
    assert not re.search(r"(?<!max-)width:\s*(3[8-9]\d|[4-9]\d\d|\d{4,})px", mine), "nothing wider than 375 px"
    assert not re.search(r"min-width:\s*[1-9]", mine), "no minimum width forces a sideways scroll"

    bad = client.post("/m/cards/new", files=[("photo", ("x.txt", b"hello", "text/plain"))],
                      data={"_csrf_token": csrf_token(client, "/m/cards/new")})
    assert bad.status_code == 422
    assert "not a card image" in bad.text
    sent = client.post("/m/cards/new", files=[("photo", ("IMG_0001.jpg", card_image(7, fmt="JPEG"), "image/jpeg"))],
                       data={"_csrf_token": csrf_token(client, "/m/cards/new")}, follow_redirects=False)
    assert sent.status_code == 303
    card_path = sent.headers["location"]
    wait_for_readers()
    form = client.get(card_path)
    assert form.status_code == 200
    assert 'class="mobile-card-form"' in form.text
    assert "no card fields recognised" in form.text, "an image without text says so"
    assert 'type="email" inputmode="email"' in form.text
    assert 'type="tel" inputmode="tel"' in form.text
    assert "<table" not in form.text, "one column: no tables on the phone form"
    version = re.search(r'name="version" value="(\d+)"', form.text)
    assert version
    missing = client.post(card_path, data={"_csrf_token": csrf_token(client, card_path),
                                           "version": version.group(1), "company": "", "family_name": ""})
    assert missing.status_code == 422
    assert "required" in missing.text
    version = re.search(r'name="version" value="(\d+)"', missing.text)
    assert version
    saved = client.post(card_path, data={
        "_csrf_token": csrf_token(client, card_path), "version": version.group(1), "company": "モバイル株式会社",
        "family_name": "森", "given_name": "葵", "mobile": "090-1234-5678", "decision": "new:"},
        follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"].startswith("/m/persons/")
    assert client.get(saved.headers["location"]).status_code == 200


def test_a_40_mb_photo_beside_good_cards_is_refused_alone(client: TestClient[Any], world: World,
                                                          ocr: FakeOcr) -> None:
    """The request is not refused whole (its ceiling is far above the per-file limit): the big photo gets
    its own message, the good card is staged and read."""
    log_in(client, "alice", PASSWORD)
    huge = b"\xff\xd8\xff\xe0" + bytes(40 * 1024 * 1024)
    response = client.post("/cards/import", data={"_csrf_token": csrf_token(client, "/cards/import")}, files=[
        ("files", ("IMG_huge.jpg", huge, "image/jpeg")),
        ("files", ("good.png", _image(ocr, 9, "Sakura Networks Inc.", "Sales Manager", "Anna Miller",
                                      "anna@sakura.example"), "image/png"))])
    assert response.status_code == 200
    assert "IMG_huge.jpg" in response.text
    assert "40.0 MB" in response.text
    assert "too large" in response.text
    wait_for_readers()
    api = client.get("/api/v1/card-imports", headers=_auth(world, "alice")).json()
    (item,) = api["items"]
    assert (item["fields"]["company"], item["fields"]["family_name"], item["fields"]["title"]) == (
        "Sakura Networks Inc.", "Miller", "Sales Manager")
