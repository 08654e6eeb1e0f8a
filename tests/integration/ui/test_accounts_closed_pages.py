"""取引先 list (S5) and mobile list: the 閉鎖 select (all / open companies only / closed only), kept in the
search form, the sort and pager links and the 自担当 toggle; closed rows with the 閉鎖 badge and date;
a bad value re-renders the page with the field's error instead of a 500."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from litestar.testing import TestClient

from tests.integration.http import conftest as http_fixtures
from tests.integration.http.conftest import PASSWORD, World, log_in
from tests.integration.ui.pages_support import auth, count_of, post_json, record_names

app_container, client, world = http_fixtures.app_container, http_fixtures.client, http_fixtures.world
"""The HTTP tests' fixtures (a container on SQLite, alice and the light bob, the TestClient)."""

SELECT = re.compile(r'<select id="f-closed" name="closed"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="([^"]*)"( selected)?>([^<]*)</option>')


def _options(html: str) -> list[tuple[str, bool, str]]:
    found = SELECT.search(html)
    assert found, "no 閉鎖 select on the page"
    return [(value, bool(selected), text) for value, selected, text in OPTION.findall(found.group(1))]


def _cell(html: str, name: str) -> str:
    found = re.search(rf'>{name}</a>(.*?)</td>', html, re.S)
    assert found, name
    return found.group(1)


@pytest.fixture
def accounts(client: TestClient[Any], world: World) -> dict[str, str]:
    """Alice's closed 旧東京商事 and 旧名古屋製作所, open 大阪物産 and 青森工業; carol's closed 非公開 one."""
    world.add_user("carol")
    alice = auth(world, "alice")
    made = {body["name"]: post_json(client, alice, "accounts", body)["id"] for body in (
        {"name": "旧東京商事", "kana": "キュウトウキョウ", "closed_on": "2023-03-31", "close_cause": "11"},
        {"name": "旧名古屋製作所", "kana": "キュウナゴヤ", "closed_on": "2019-10-01"},
        {"name": "大阪物産", "kana": "オオサカ"},
        {"name": "青森工業", "kana": "アオモリ"},
    )}
    post_json(client, auth(world, "carol"), "accounts", {"name": "旧極秘商会", "closed_on": "2024-01-01",
                                                        "restriction": {}})
    return made


def test_the_select_offers_all_open_and_closed_japanese_first(
    client: TestClient[Any], world: World, accounts: dict[str, str]
) -> None:
    log_in(client, "alice", PASSWORD)
    html = client.get("/accounts").text
    assert _options(html) == [
        ("", False, "すべて / All"),  # the first option: shown when none is selected
        ("false", False, "取引中の法人のみ (閉鎖を除く) / Open companies only (closed excluded)"),
        ("true", False, "閉鎖のみ / Closed only"),
    ]
    assert 'for="f-closed"' in html
    assert count_of(html) == 4  # carol's 非公開 account is not alice's to see, closed or not


def test_closed_only_and_open_only_filter_the_rows_and_the_count(
    client: TestClient[Any], world: World, accounts: dict[str, str]
) -> None:
    log_in(client, "alice", PASSWORD)
    closed = client.get("/accounts", params={"closed": "true"}).text
    assert record_names(closed, "accounts") == ["旧名古屋製作所", "旧東京商事"]
    assert count_of(closed) == 2
    assert [v for v, selected, _ in _options(closed) if selected] == ["true"]
    tokyo = _cell(closed, "旧東京商事")
    assert 'class="badge closed"' in tokyo
    assert 'data-closed-on="2023-03-31"' in tokyo and "2023/03/31" in tokyo  # noqa: PT018

    open_only = client.get("/accounts", params={"closed": "false"}).text
    assert record_names(open_only, "accounts") == ["大阪物産", "青森工業"]
    assert count_of(open_only) == 2
    assert [v for v, selected, _ in _options(open_only) if selected] == ["false"]
    assert "badge closed" not in _cell(open_only, "大阪物産")
    assert "closed-on" not in _cell(open_only, "大阪物産")

    both = client.get("/accounts", params={"closed": "", "q": "旧"}).text
    assert record_names(both, "accounts") == ["旧名古屋製作所", "旧東京商事"]


def test_the_filter_is_kept_by_sort_pager_and_mine_links(
    client: TestClient[Any], world: World, accounts: dict[str, str]
) -> None:
    log_in(client, "alice", PASSWORD)
    html = client.get("/accounts", params={"closed": "true", "sort": "kana"}).text
    assert record_names(html, "accounts") == ["旧東京商事", "旧名古屋製作所"]  # キュウトウキョウ < キュウナゴヤ
    links = re.findall(r'<a class="sort[^"]*" href="([^"]+)"', html)
    assert links
    assert all(parse_qs(urlsplit(link.replace("&amp;", "&")).query).get("closed") == ["true"] for link in links)
    toggle = re.search(r'<a class="toggle[^"]*" href="([^"]+)"', html)
    assert toggle is not None
    assert parse_qs(urlsplit(toggle.group(1).replace("&amp;", "&")).query)["closed"] == ["true"]


def test_a_bad_value_is_the_fields_error_not_a_500(
    client: TestClient[Any], world: World, accounts: dict[str, str]
) -> None:
    log_in(client, "alice", PASSWORD)
    answer = client.get("/accounts", params={"closed": "someday"})
    assert answer.status_code == 200
    assert 'id="e-closed"' in answer.text
    assert record_names(answer.text, "accounts") == []


def test_the_mobile_list_marks_closed_accounts(
    client: TestClient[Any], world: World, accounts: dict[str, str]
) -> None:
    log_in(client, "alice", PASSWORD)
    html = client.get("/m/accounts").text
    tokyo = re.search(rf'data-id="{accounts["旧東京商事"]}">(.*?)</a>', html, re.S)
    osaka = re.search(rf'data-id="{accounts["大阪物産"]}">(.*?)</a>', html, re.S)
    assert tokyo is not None and osaka is not None  # noqa: PT018
    assert '<span class="badge closed" title="閉鎖日 / Closed on 2023-03-31">閉鎖</span>' in tokyo.group(1)
    assert "badge closed" not in osaka.group(1)
