"""モバイル 名刺 (M4) over HTTP (TestClient, a fake OCR): cards photographed one after another that are likely
the same person flag each other on their mobile pages, with links to the other cards' mobile pages (not
the PC review); once one of them is saved, the other shows the person it matches instead."""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import TestClient

import tests.integration.http.conftest as http_fixtures
from dps.entrypoints.http.card_reading import wait_for_readers
from tests.fakes.card_ocr import FakeOcr
from tests.integration.http.conftest import PASSWORD, World, csrf_token, log_in
from tests.integration.ui.test_card_import_pages import _image, ocr
from tests.integration.ui.test_card_import_queue_pages import FLAG, SATO, YAMADA, YAMADA_AGAIN

app_container = http_fixtures.app_container
client = http_fixtures.client
world = http_fixtures.world
__all__ = ["ocr"]

HINT = "一緒に取り込むと同じパーソンになります"


def _photograph(client: TestClient[Any], ocr: FakeOcr, seed: int, lines: tuple[str, ...]) -> str:
    """Take a card's photo on the phone; the path of its mobile page."""
    sent = client.post("/m/cards/new", files=[("photo", (f"IMG_{seed}.png", _image(ocr, seed, *lines), "image/png"))],
                       data={"_csrf_token": csrf_token(client, "/m/cards/new")}, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    location: str = sent.headers["location"]
    assert location.startswith("/m/cards/")
    return location


def _queue_flags(html: str) -> list[tuple[str, str]]:
    """The queue-duplicate list's (card id, link) pairs."""
    return re.findall(r'<li data-queue-card="([0-9a-f-]{36})"><a href="([^"]+)">', html)


def test_cards_photographed_on_the_phone_flag_each_other_with_mobile_links(
        client: TestClient[Any], world: World, ocr: FakeOcr) -> None:
    log_in(client, "alice", PASSWORD)
    first, second, third = (_photograph(client, ocr, 60 + i, lines)
                            for i, lines in enumerate((YAMADA, SATO, YAMADA_AGAIN), start=1))
    wait_for_readers()
    first_id, third_id = first.rpartition("/")[2], third.rpartition("/")[2]

    page = client.get(third)
    assert page.status_code == 200
    assert FLAG in page.text
    assert _queue_flags(page.text) == [(first_id, first)]  # the mobile page, not /cards/import/...
    assert re.search(rf'<a href="{first}">名刺 1</a>\s*山田 太郎 <span class="muted">\(IMG_61.png; 氏名と会社が一致\)',
                     page.text)
    assert HINT not in page.text, "the phone saves one card at a time: no 'imported together' hint"
    assert page.text.index(FLAG) < page.text.index('name="family_name"'), "the flag comes before the fields"

    back = client.get(first)  # the link leads to the other card's phone page, which links back
    assert back.status_code == 200
    assert 'class="mobile-card-form"' in back.text
    assert _queue_flags(back.text) == [(third_id, third)]
    assert FLAG not in client.get(second).text

    pc = client.get(f"/cards/import/{third_id}").text  # the PC review keeps its own links and the hint
    assert _queue_flags(pc) == [(first_id, f"/cards/import/{first_id}")]
    assert HINT in pc

    version = re.search(r'name="version" value="(\d+)"', back.text)
    assert version
    saved = client.post(first, data={
        "_csrf_token": csrf_token(client, first), "version": version.group(1), "company": "株式会社テスト商事",
        "department": "営業部", "title": "課長", "family_name": "山田", "given_name": "太郎",
        "email": "yamada@test.co.jp", "decision": "new:"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    person_id = saved.headers["location"].rpartition("/")[2]

    after = client.get(third).text  # the first card left the queue: now the person it became is the match
    assert FLAG not in after
    assert _queue_flags(after) == []
    assert f'data-person="{person_id}"' in after
