"""The review queue over HTTP (TestClient, a fake OCR): cards of one queue that are likely the same person
are flagged on the list and the card's page with links to each other, and listed by id in the API; a HEIC
photo is accepted by the upload form and the API (stored and served as JPEG), a damaged one refused with
the reason a damaged JPEG gets."""

from __future__ import annotations

import io
import re
from typing import Any

import pillow_heif
from litestar.testing import TestClient
from PIL import Image

import tests.integration.http.conftest as http_fixtures
from dps.entrypoints.http.card_reading import wait_for_readers
from tests.fakes.card_ocr import FakeOcr
from tests.integration.http.conftest import PASSWORD, World, csrf_token, log_in
from tests.integration.ui.test_card_import_pages import _auth, _image, ocr

app_container = http_fixtures.app_container
client = http_fixtures.client
world = http_fixtures.world
__all__ = ["ocr"]

YAMADA = ("株式会社テスト商事", "営業部 課長", "山田 太郎", "yamada@test.co.jp")
SATO = ("株式会社サンプル", "開発部 主任", "佐藤 花子", "sato@sample.co.jp")
YAMADA_AGAIN = ("(株)テスト商事", "営業部 部長", "山田 太郎")
FLAG = "この一覧の他の名刺と重複の可能性"


def _row(html: str, card_id: str) -> str:
    start = html.index(f'<tr data-card="{card_id}"')
    return html[start:html.index("</tr>", start)]


def _heic(size: tuple[int, int] = (364, 220)) -> bytes:
    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", size, (240, 240, 230)).save(out, format="HEIF", quality=80)
    return out.getvalue()


def test_cards_of_one_queue_flag_each_other_on_the_list_the_card_and_the_api(
        client: TestClient[Any], world: World, ocr: FakeOcr) -> None:
    log_in(client, "alice", PASSWORD)
    files = [("files", (f"c{i}.png", _image(ocr, 40 + i, *lines), "image/png"))
             for i, lines in enumerate((YAMADA, SATO, YAMADA_AGAIN), start=1)]
    client.post("/cards/import", files=files, data={"_csrf_token": csrf_token(client, "/cards/import")})
    wait_for_readers()
    api = client.get("/api/v1/card-imports", headers=_auth(world, "alice")).json()
    ids = {item["file_name"]: item["id"] for item in api["items"]}
    dups = {item["file_name"]: item["queue_duplicates"] for item in api["items"]}
    assert dups == {"c1.png": [ids["c3.png"]], "c2.png": [], "c3.png": [ids["c1.png"]]}

    page = client.get("/cards/import").text
    first, second, third = (_row(page, ids[f"c{i}.png"]) for i in (1, 2, 3))
    assert FLAG in first
    assert f'<a href="/cards/import/{ids["c3.png"]}">名刺 3</a>' in first
    assert "氏名と会社が一致" in first
    assert FLAG not in second
    assert f'<a href="/cards/import/{ids["c1.png"]}">名刺 1</a>' in third
    assert 'class="has-duplicate"' in third

    edit = client.get(f"/cards/import/{ids['c3.png']}").text
    assert FLAG in edit
    assert "likely the same person as another card in this list" in edit.lower()
    assert re.search(rf'<li data-queue-card="{ids["c1.png"]}"><a href="/cards/import/{ids["c1.png"]}">名刺 1</a>\s*'
                     r"山田 太郎", edit)
    assert FLAG not in client.get(f"/cards/import/{ids['c2.png']}").text


def test_a_heic_photo_is_accepted_by_the_form_and_the_api(client: TestClient[Any], world: World,
                                                           ocr: FakeOcr) -> None:
    log_in(client, "alice", PASSWORD)
    form = client.post("/cards/import", files=[("files", ("IMG_0001.HEIC", _heic(), "image/heic"))],
                       data={"_csrf_token": csrf_token(client, "/cards/import")})
    assert form.status_code == 200
    assert "IMG_0001.HEIC" in form.text
    assert "not a card image" not in form.text
    heic = _heic((400, 240))
    staged = client.post("/api/v1/card-imports", headers=_auth(world, "alice"), files=[
        ("files", ("photo.jpg", heic, "image/jpeg")),  # the name lies: the bytes decide
        ("files", ("broken.heic", heic[: len(heic) // 2], "image/heic"))]).json()
    wait_for_readers()
    assert [(c["file_name"], c["content_type"]) for c in staged["staged"]] == [("photo.jpg", "image/jpeg")]
    assert [r["file_name"] for r in staged["rejected"]] == ["broken.heic"]
    assert "truncated or corrupt image" in staged["rejected"][0]["reason"]
    image = client.get(f"/cards/import/{staged['staged'][0]['id']}/image")
    assert image.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(image.content)) as served:
        assert (served.format, served.size) == ("JPEG", (400, 240))
    queue = client.get("/cards/import").text
    assert queue.count('<tr data-card="') == 2
