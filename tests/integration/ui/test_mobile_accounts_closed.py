"""モバイル 取引先 list (M3): the 閉鎖 filter as one-tap chips (all / open companies only / closed only) like
the PC list's select, kept by the keyword search, the 自担当 toggle and the もっと見る pager link; a bad
value is a 400 naming the field, never a 500. On a 375 px phone in Chromium: the chips are 44 px targets and
the 閉鎖 badge is grey."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from litestar.testing import TestClient

from tests.integration.http import conftest as http_fixtures
from tests.integration.http.conftest import PASSWORD, World, log_in
from tests.integration.ui.conftest import UiWorld
from tests.integration.ui.pages_support import auth, count_of, post_json
from tests.integration.ui.screens import created, screenshot

app_container, client, world = http_fixtures.app_container, http_fixtures.client, http_fixtures.world
"""The HTTP tests' fixtures (a container on SQLite, alice and the light bob, the TestClient)."""

CHIP = re.compile(
    r'<(a|span) class="toggle[^"]*"(?: href="([^"]*)")?(?: aria-current="true")? data-closed-chip>([^<]+)<')
ROW = re.compile(r'<a class="list-item" href="/m/accounts/[0-9a-f-]+" data-id="[0-9a-f-]+">(.*?)</a>', re.S)
TITLE = re.compile(r'<span class="li-title">([^<]+)</span>')
CLOSED_MANY = 22
"""More closed accounts than a mobile page shows (20), so the list has a もっと見る link."""


def _chips(html: str) -> list[tuple[str, str | None]]:
    """The 閉鎖 chips: (label, href) with href None for the chosen one."""
    found = [(label, href.replace("&amp;", "&") if tag == "a" else None) for tag, href, label in CHIP.findall(html)]
    assert len(found) == 3, html
    return found


def _query(link: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(link.replace("&amp;", "&")).query)


def _names(html: str) -> list[str]:
    return [TITLE.search(row).group(1) for row in ROW.findall(html)]  # type: ignore[union-attr]


@pytest.fixture
def accounts(client: TestClient[Any], world: World) -> None:
    """Alice's closed 旧東京商事, her open 大阪物産 and 青森工業; carol's closed 非公開 旧極秘商会."""
    world.add_user("carol")
    alice = auth(world, "alice")
    for body in (
        {"name": "旧東京商事", "kana": "キュウトウキョウ", "closed_on": "2023-03-31", "close_cause": "11"},
        {"name": "大阪物産", "kana": "オオサカ"},
        {"name": "青森工業", "kana": "アオモリ"},
    ):
        post_json(client, alice, "accounts", body)
    post_json(client, auth(world, "carol"), "accounts", {"name": "旧極秘商会", "closed_on": "2024-01-01",
                                                        "restriction": {}})


@pytest.fixture
def many_closed(client: TestClient[Any], world: World, accounts: None) -> None:
    """22 more closed accounts of alice's (旧営業所00...)."""
    alice = auth(world, "alice")
    for i in range(CLOSED_MANY):
        post_json(client, alice, "accounts", {"name": f"旧営業所{i:02d}", "kana": f"キュウエイギョウショ{i:02d}",
                                               "closed_on": "2020-04-01"})


def test_the_chips_offer_all_open_and_closed_with_all_chosen_by_default(
    client: TestClient[Any], world: World, accounts: None
) -> None:
    log_in(client, "alice", PASSWORD)
    answer = client.get("/m/accounts")
    assert answer.status_code == 200
    html = answer.text
    assert 'role="group" aria-label="閉鎖 / Closed companies"' in html
    chips = _chips(html)
    assert [label for label, _ in chips] == ["すべて", "取引中の法人のみ (閉鎖を除く)", "閉鎖のみ"]
    assert chips[0][1] is None  # すべて is chosen: no link
    assert [_query(href or "")["closed"] for _, href in chips[1:]] == [["false"], ["true"]]
    assert sorted(_names(html)) == sorted(["旧東京商事", "大阪物産", "青森工業"])  # not carol's 非公開 one
    assert count_of(html) == 3


def test_closed_only_and_open_only_filter_the_rows_and_the_count(
    client: TestClient[Any], world: World, accounts: None
) -> None:
    log_in(client, "alice", PASSWORD)
    closed = client.get("/m/accounts", params={"closed": "true"}).text
    assert _names(closed) == ["旧東京商事"]
    assert count_of(closed) == 1
    assert '<span class="badge closed"' in closed
    chips = _chips(closed)
    assert chips[2] == ("閉鎖のみ", None)
    assert "closed" not in _query(chips[0][1] or "")  # すべて drops the filter
    assert _query(chips[1][1] or "")["closed"] == ["false"]

    open_only = client.get("/m/accounts", params={"closed": "false"}).text
    assert _names(open_only) == ["青森工業", "大阪物産"]  # kana order: アオモリ < オオサカ
    assert count_of(open_only) == 2
    assert "badge closed" not in open_only
    assert _chips(open_only)[1] == ("取引中の法人のみ (閉鎖を除く)", None)

    spelled = client.get("/m/accounts", params={"closed": "1"}).text  # as the PC reader accepts it
    assert _names(spelled) == ["旧東京商事"]
    assert _chips(spelled)[2][1] is None


def test_the_chips_keep_the_keyword_and_mine_and_the_search_keeps_the_filter(
    client: TestClient[Any], world: World, accounts: None
) -> None:
    log_in(client, "alice", PASSWORD)
    html = client.get("/m/accounts", params={"q": "旧", "mine": "true", "closed": "true"}).text
    assert _names(html) == ["旧東京商事"]
    for _, href in _chips(html):
        if href is not None:
            query = _query(href)
            assert query["q"] == ["旧"]
            assert query["mine"] == ["true"]
    assert '<input type="hidden" name="closed" value="true">' in html  # a new keyword keeps the filter
    toggle = re.search(r'<a class="toggle[^"]*" href="([^"]+)" role="switch"', html)
    assert toggle is not None
    assert _query(toggle.group(1))["closed"] == ["true"]  # 自担当 off keeps it too


def test_the_more_link_keeps_the_filter_and_the_next_page_too(
    client: TestClient[Any], world: World, many_closed: None
) -> None:
    log_in(client, "alice", PASSWORD)
    first = client.get("/m/accounts", params={"closed": "true"}).text
    assert count_of(first) == CLOSED_MANY + 1
    shown = _names(first)
    assert len(shown) == 20
    more = re.search(r'<a class="button more" rel="next" href="([^"]+)"', first)
    assert more is not None
    link = more.group(1).replace("&amp;", "&")
    assert _query(link)["closed"] == ["true"]
    second = client.get("/m/accounts" + link).text
    rest = _names(second)
    assert len(rest) == CLOSED_MANY + 1 - 20
    assert not set(rest) & set(shown)
    assert "大阪物産" not in rest and "青森工業" not in rest  # noqa: PT018
    chips = _chips(second)
    assert chips[2][1] is None
    assert "cursor" not in _query(chips[1][1] or "")  # another choice starts from the first page


def test_a_bad_value_is_a_400_naming_the_field(client: TestClient[Any], world: World, accounts: None) -> None:
    log_in(client, "alice", PASSWORD)
    answer = client.get("/m/accounts", params={"closed": "someday"})
    assert answer.status_code == 400
    error = re.search(r'<p class="alert alert-error" role="alert" id="e-closed">([^<]+)</p>', answer.text)
    assert error is not None
    assert error.group(1) == "閉鎖 / Closed companies: 選択肢から選んでください / choose one of the options"
    assert _names(answer.text) == []
    chips = _chips(answer.text)
    assert all(href is not None for _, href in chips)  # nothing chosen; すべて clears the bad value
    assert "closed" not in _query(chips[0][1] or "")


def test_the_closed_badge_has_a_muted_grey_rule_in_the_one_stylesheet(client: TestClient[Any]) -> None:
    """PC and phone pages share /static/dps.css: the 閉鎖 badge is styled there like the 非公開 one."""
    css = client.get("/static/dps.css").text
    rule = re.search(r"^\.badge\.closed \{([^}]*)\}", css, re.M)
    assert rule is not None, "no .badge.closed rule"
    declarations = dict(d.strip().split(": ", 1) for d in rule.group(1).split(";") if d.strip())
    assert set(declarations) == {"background", "color", "border"}  # the shape of .badge.restricted
    red, green, blue = (int(declarations["color"][i:i + 2], 16) for i in (1, 3, 5))
    assert max(red, green, blue) - min(red, green, blue) < 24, "grey, not a colour"
    assert max(red, green, blue) < 0x60, "dark enough to read on its light background"


def test_tapping_closed_only_on_a_375px_phone(ui_world: UiWorld, open_page: Any) -> None:
    with ui_world.api() as api:
        created(api.post("/api/v1/accounts", headers=ui_world.people.auth("alice"), json={
            "name": "旧モバイル商事", "kana": "キュウモバイル", "closed_on": "2022-09-30"}))
    page = open_page("alice", mobile=True, path="/m/accounts")
    chips = page.locator("[data-closed-chip]")
    assert chips.count() == 3
    heights = [chips.nth(i).bounding_box()["height"] for i in range(3)]
    assert min(heights) >= 44, heights
    with page.expect_navigation():
        page.click("a[data-closed-chip]:has-text('閉鎖のみ')")
    assert "closed=true" in page.url
    assert page.inner_text("[data-closed-chip][aria-current=true]") == "閉鎖のみ"
    names = page.locator(".list.results .li-title").all_inner_texts()
    assert "旧モバイル商事" in names
    assert all(name.startswith("旧") for name in names), names  # the seeded open accounts are gone
    badge = page.locator(".list.results .badge.closed").first
    colour = badge.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(234, 238, 242)", colour
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "no sideways scroll"
    screenshot(page, "mobile-accounts-closed", full_page=False)
