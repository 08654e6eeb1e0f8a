"""The screens in a real headless Chromium against a live server: what a sales person does in a day.

One live server and one seeded world per module (see `ui_world` in conftest); each test makes what it
changes. Screenshots of the main screens land in var/screenshots/ (PC 1280x800, mobile 375x812)."""

from __future__ import annotations

import re
from typing import Any

from tests.integration.ui.conftest import UiWorld
from tests.integration.ui.screens import MOBILE, html_response, screenshot

LISTS = ("/accounts", "/persons", "/opportunities", "/activities", "/leads", "/campaigns", "/budgets",
         "/notifications")
MOBILE_PAGES = ("/m/activities", "/m/activities/new", "/m/opportunities", "/m/accounts", "/m/persons",
                "/m/notifications")
WRITE_CONTROLS = "a.edit-button, a.copy-button, form.delete-form, .title-buttons a.primary, a[href$='/new']"


def _row_ids(page: Any) -> list[str]:
    ids: list[str] = page.eval_on_selector_all(
        "table.grid.results tr[data-id]", "rows => rows.map(r => r.getAttribute('data-id'))")
    return ids


def _choose(page: Any, name: str, typed: str, option: str) -> None:
    """Pick `option` in the lookup widget `name` by typing `typed` and clicking the suggestion."""
    box = page.locator(f".lookup[data-name='{name}']")
    box.locator("input[type=search], input[type=text]").first.click()
    box.locator("input[type=search], input[type=text]").first.press_sequentially(typed, delay=30)
    box.locator(".lookup-results li", has_text=option).first.click()
    if box.locator(f"input[type=hidden][name='{name}']").count():
        assert box.locator(f"input[type=hidden][name='{name}']").first.input_value(), f"{name} not chosen"


def test_pages_are_utf8_html_and_the_portal_shows_the_user(ui_world: UiWorld, open_page: Any) -> None:
    page = open_page("alice")
    html_response(page.goto(f"{ui_world.url}/"))
    assert "青木 亜希" in page.inner_text("header")
    screenshot(page, "pc-portal")
    for path in (f"/opportunities/{ui_world.sales.opportunity['id']}", "/opportunities"):
        html_response(page.goto(f"{ui_world.url}{path}"))


def test_search_the_opportunities_and_register_one_with_two_product_lines(
    ui_world: UiWorld, open_page: Any
) -> None:
    sales = ui_world.sales
    page = open_page("alice", path="/opportunities")
    html_response(page.goto(f"{ui_world.url}/opportunities"))
    assert {sales.opportunity["id"], sales.moving["id"], sales.secret["id"]} <= set(_row_ids(page))
    screenshot(page, "pc-opportunities-list")

    page.fill("form.search-form input[name=q]", "基幹")
    with page.expect_navigation():
        page.click("form.search-form button[type=submit]")
    assert "q=" in page.url
    assert _row_ids(page) == [sales.opportunity["id"]]
    link = page.locator(f"tr[data-id='{sales.opportunity['id']}'] a.record-link")
    assert link.get_attribute("href") == f"/opportunities/{sales.opportunity['id']}"

    html_response(page.goto(f"{ui_world.url}/opportunities/new"))
    form = page.locator("form[method=post]", has=page.locator("[name=name]")).first
    form.locator("[name=name]").fill("物流センター新設")
    _choose(page, "account_id", "東京", "東京商事")
    form.locator("select[name=stage_code]").select_option("30")
    rows = page.locator("[data-rows]").first
    while rows.locator("tbody tr").count() < 2:
        rows.locator("[data-add-row]").first.click()
    for i, (product, quantity) in enumerate((("年間ライセンス", "3"), ("導入支援サービス", "1"))):
        row = rows.locator("tbody tr").nth(i)
        if row.locator(".lookup[data-lookup='/lookup/products']").count():
            name = row.locator(".lookup[data-lookup='/lookup/products']").get_attribute("data-name")
            _choose(page, name, product[:2], product)
        else:
            row.locator("[name$='-product_name']").fill(product)
        row.locator("[name$='-quantity']").fill(quantity)
        if row.locator("[name$='-unit_price']").input_value() == "":
            row.locator("[name$='-unit_price']").fill("100000")
    screenshot(page, "pc-opportunity-form")
    with page.expect_navigation():
        form.locator("button[type=submit].primary").click()

    assert re.search(r"/opportunities/[0-9a-f-]{36}$", page.url), page.url
    assert page.locator("h1 .record-name").inner_text().strip() == "物流センター新設"
    body = page.inner_text("main")
    assert "年間ライセンス" in body
    assert "導入支援サービス" in body
    assert "東京商事" in body
    screenshot(page, "pc-opportunity-detail")


def test_on_the_phone_an_actual_activity_moves_the_opportunity_on(ui_world: UiWorld, open_page: Any) -> None:
    moving = ui_world.sales.moving
    page = open_page("alice", mobile=True, path="/m/activities/new")
    assert page.viewport_size == MOBILE
    _choose(page, "account_id", "東京", "東京商事")
    _choose(page, "opportunity_id", "ステージ", "ステージ移動案件")
    form = page.locator("form[method=post]", has=page.locator("[name=subject]")).first
    if form.locator("select[name=status]").count():
        form.locator("select[name=status]").select_option("done")
    form.locator("select[name=kind_code]").select_option("visit")
    form.locator("[name=subject]").fill("訪問報告")
    form.locator("textarea[name=content]").fill("書類を渡して次回の日程を決めた。")
    form.locator("select[name$='stage_code']").first.select_option("30")
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    screenshot(page, "mobile-activity-form", full_page=False)
    with page.expect_navigation():
        form.locator("button[type=submit]").last.click()
    assert "/new" not in page.url, page.inner_text("body")[:500]
    assert page.locator(".field-error").count() == 0

    html_response(page.goto(f"{ui_world.url}/opportunities/{moving['id']}"))
    basic = page.locator(".card.basic").inner_text()
    assert "見積提出 (30)" in basic, basic
    assert "訪問報告" in page.inner_text("main")  # the activity is on the opportunity's page


def test_comments_and_likes_update_the_stream_in_place_and_the_owner_is_notified(
    ui_world: UiWorld, open_page: Any
) -> None:
    activity = ui_world.sales.activity
    bob = open_page("bob", path=f"/activities/{activity['id']}")
    bob.evaluate("window.__same_page = true")
    likes = int(bob.locator("#stream .like-count").get_attribute("data-count"))

    form = bob.locator("#stream form.comment-form")
    form.locator("textarea").fill("ナイス訪問！次は見積ですね。")
    form.locator("button[type=submit]").click()
    bob.locator("#stream .comment-body", has_text="ナイス訪問！次は見積ですね。").wait_for()
    bob.locator("#stream form.like-form button[type=submit]").click()
    bob.locator(f"#stream .like-count[data-count='{likes + 1}']").wait_for()
    assert bob.locator("#stream .like-button").get_attribute("aria-pressed") == "true"
    assert bob.evaluate("window.__same_page") is True  # updated in place, no reload
    assert bob.url.endswith(f"/activities/{activity['id']}")
    bob.reload()
    assert bob.locator("#stream .comment-body", has_text="ナイス訪問！次は見積ですね。").count() == 1
    assert bob.locator("#stream .like-count").get_attribute("data-count") == str(likes + 1)
    screenshot(bob, "pc-activity-detail")

    alice = open_page("alice")
    assert int(alice.locator("header .bell .unread-count").inner_text()) >= 1
    html_response(alice.goto(f"{ui_world.url}/notifications"))
    screenshot(alice, "pc-notifications")
    item = alice.locator("main li, main tr", has_text="初回訪問").first
    assert "坂本 ボブ" in item.inner_text()
    with alice.expect_navigation():
        item.locator("a, button[type=submit]").first.click()
    assert f"/activities/{activity['id']}" in alice.url
    assert "ナイス訪問！次は見積ですね。" in alice.inner_text("main")


def test_a_restricted_opportunity_is_absent_for_a_third_user_and_its_url_is_404(
    ui_world: UiWorld, open_page: Any
) -> None:
    secret = ui_world.sales.secret
    owner = open_page("alice", path=f"/opportunities/{secret['id']}")
    assert owner.locator(".badge.restricted").count() >= 1

    carol = open_page("carol", path="/opportunities")
    ids = _row_ids(carol)
    assert ui_world.sales.opportunity["id"] in ids
    assert secret["id"] not in ids
    response = carol.goto(f"{ui_world.url}/opportunities/{secret['id']}")
    assert response is not None
    assert response.status == 404
    assert "ページが見つかりません" in carol.inner_text("body")
    assert "極秘案件" not in carol.content()


def test_the_header_search_finds_what_the_user_may_see(ui_world: UiWorld, open_page: Any) -> None:
    sales = ui_world.sales
    page = open_page("alice", path="/accounts")
    page.fill("#global-q", "東京")
    with page.expect_navigation():
        page.press("#global-q", "Enter")
    assert "/search?q=" in page.url
    assert page.locator(f"main a[href='/accounts/{sales.account['id']}']").count() >= 1
    screenshot(page, "pc-search")

    carol = open_page("carol", path="/search?q=極秘")
    assert carol.locator(f"main a[href='/opportunities/{sales.secret['id']}']").count() == 0
    assert "極秘案件" not in carol.inner_text("main")
    owner = open_page("alice", path="/search?q=極秘")
    assert owner.locator(f"main a[href='/opportunities/{sales.secret['id']}']").count() >= 1


def test_a_light_user_sees_no_write_controls(ui_world: UiWorld, open_page: Any) -> None:
    sales = ui_world.sales
    page = open_page("lena")
    details = (f"/accounts/{sales.account['id']}", f"/persons/{sales.persons[0]['id']}",
               f"/opportunities/{sales.opportunity['id']}", f"/activities/{sales.activity['id']}",
               f"/leads/{sales.lead['id']}", f"/campaigns/{sales.campaign['id']}", f"/budgets/{sales.budget['id']}")
    for path in (*LISTS[:-1], *details):
        html_response(page.goto(f"{ui_world.url}{path}"))
        found = page.locator(f"main :is({WRITE_CONTROLS})")
        assert found.count() == 0, (path, [found.nth(i).evaluate("e => e.outerHTML") for i in range(found.count())])
    # comments stay open to light users
    page.goto(f"{ui_world.url}/activities/{sales.activity['id']}")
    assert page.locator("form[data-inline] textarea").count() >= 1
    phone = open_page("lena", mobile=True, path="/m/activities")
    for path in ("/m/activities", "/m/opportunities", f"/m/activities/{sales.activity['id']}",
                 f"/m/opportunities/{sales.opportunity['id']}"):
        html_response(phone.goto(f"{ui_world.url}{path}"))
        found = phone.locator(f"main :is({WRITE_CONTROLS})")
        assert found.count() == 0, (path, [found.nth(i).evaluate("e => e.outerHTML") for i in range(found.count())])


def test_the_mobile_pages_do_not_scroll_sideways(ui_world: UiWorld, open_page: Any) -> None:
    sales = ui_world.sales
    page = open_page("alice", mobile=True)
    details = (f"/m/activities/{sales.activity['id']}", f"/m/opportunities/{sales.opportunity['id']}",
               f"/m/accounts/{sales.account['id']}", f"/m/persons/{sales.persons[0]['id']}")
    for path in (*MOBILE_PAGES, *details):
        html_response(page.goto(f"{ui_world.url}{path}"))
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, (path, width)
    page.goto(f"{ui_world.url}/m/activities")
    screenshot(page, "mobile-activities-list", full_page=False)
    page.goto(f"{ui_world.url}/m/opportunities")
    screenshot(page, "mobile-opportunities-list", full_page=False)
    page.goto(f"{ui_world.url}/m/activities/{sales.activity['id']}")
    screenshot(page, "mobile-activity-detail", full_page=False)


def test_screenshots_of_the_lists_and_details(ui_world: UiWorld, open_page: Any) -> None:
    sales = ui_world.sales
    page = open_page("alice")
    for path in LISTS:
        html_response(page.goto(f"{ui_world.url}{path}"))
        assert page.locator("table.grid.results").count() == 1, path
        screenshot(page, f"pc-list-{path.strip('/')}")
    for kind, record in (("accounts", sales.account), ("persons", sales.persons[0]), ("leads", sales.lead),
                         ("campaigns", sales.campaign), ("budgets", sales.budget)):
        html_response(page.goto(f"{ui_world.url}/{kind}/{record['id']}"))
        assert page.locator("h1 .record-name").count() == 1, kind
        screenshot(page, f"pc-detail-{kind}")
