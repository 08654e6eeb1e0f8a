"""全体検索 (/search, the header's box): accounts, persons and opportunities in three short sections, each
with すべて表示 to its filtered list; 13 digits find the account by 法人番号; hidden records stay hidden."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar.testing import TestClient

from tests.integration.http import conftest as http_fixtures
from tests.integration.http.conftest import PASSWORD, World, log_in
from tests.integration.ui.pages_support import auth, post_json

app_container, client, world = http_fixtures.app_container, http_fixtures.client, http_fixtures.world
"""The HTTP tests' fixtures (a container on SQLite, alice and the light bob, the TestClient)."""

NUMBER = "5010001008846"


def _section(html: str, cls: str) -> str:
    match = re.search(rf'<section class="card search-section {cls}">(.*?)</section>', html, re.S)
    assert match, f"no {cls} section"
    return match.group(1)


def _links(section: str, kind: str) -> list[str]:
    return re.findall(rf'<a class="record-link" href="/{kind}/[0-9a-f-]+">([^<]+)</a>', section)


@pytest.fixture
def made(client: TestClient[Any], world: World) -> dict[str, Any]:
    world.add_user("carol")
    alice = auth(world, "alice")
    account = post_json(client, alice, "accounts", {
        "name": "北海商事", "kana": "ホッカイショウジ", "corporate_number": NUMBER})
    post_json(client, alice, "accounts", {"name": "南海物産", "kana": "ナンカイブッサン"})
    post_json(client, alice, "persons", {"account_id": account["id"], "last_name": "北海", "first_name": "太郎"})
    post_json(client, alice, "opportunities", {
        "name": "北海道拠点の更改", "account_id": account["id"], "stage_code": "10"})
    post_json(client, auth(world, "carol"), "accounts", {"name": "北海秘密", "restriction": {}})
    for i in range(12):
        post_json(client, alice, "accounts", {"name": f"北海支店{i:02d}"})
    return {"account": account}


def test_the_header_box_finds_accounts_persons_and_opportunities(
    client: TestClient[Any], world: World, made: dict[str, Any]
) -> None:
    log_in(client, "alice", PASSWORD)
    assert 'action="/search"' in client.get("/").text

    page = client.get("/search", params={"q": "北海"})

    assert page.status_code == 200
    html = page.text
    assert 'value="北海"' in html  # the box keeps the words
    accounts = _section(html, "accounts")
    names = _links(accounts, "accounts")
    assert len(names) == 10  # 13 visible matches, the first 10 shown
    assert "北海秘密" not in html  # carol's restricted account stays hidden
    assert "(13)" in accounts
    assert 'href="/accounts?q=%E5%8C%97%E6%B5%B7">すべて表示' in accounts
    persons = _section(html, "persons")
    assert _links(persons, "persons") == ["北海 太郎"]
    assert 'href="/persons?q=%E5%8C%97%E6%B5%B7"' in persons
    opportunities = _section(html, "opportunities")
    assert _links(opportunities, "opportunities") == ["北海道拠点の更改"]
    assert 'href="/opportunities?q=%E5%8C%97%E6%B5%B7"' in opportunities


def test_thirteen_digits_find_the_account_by_corporate_number(
    client: TestClient[Any], world: World, made: dict[str, Any]
) -> None:
    log_in(client, "alice", PASSWORD)

    html = client.get("/search", params={"q": NUMBER}).text

    assert _links(_section(html, "accounts"), "accounts") == ["北海商事"]
    assert "by-number" in html
    assert f'href="/accounts?corporate_number={NUMBER}"' in html
    full_width = client.get("/search", params={"q": "５０１０００１００８８４６"}).text
    assert _links(_section(full_width, "accounts"), "accounts") == ["北海商事"]


def test_no_words_and_no_matches(client: TestClient[Any], world: World, made: dict[str, Any]) -> None:
    log_in(client, "alice", PASSWORD)

    empty = client.get("/search")
    assert empty.status_code == 200
    assert "search-section" not in empty.text

    nothing = client.get("/search", params={"q": "存在しない名前"}).text
    assert "該当するデータがありません" in _section(nothing, "accounts")
    assert "すべて表示" not in nothing


def test_search_text_is_escaped(client: TestClient[Any], world: World) -> None:
    log_in(client, "alice", PASSWORD)

    html = client.get("/search", params={"q": '<script>alert("x")</script>'}).text

    assert "<script>alert" not in html
