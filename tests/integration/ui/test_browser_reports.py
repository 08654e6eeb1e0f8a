"""The reports in a real headless Chromium against a live server: a manager opens 活動別 for a period from
the report menu, reads the grid (its totals row; 先行管理's year subtotals), clicks a count and lands on the
activity list showing exactly that many activities. Screenshots land in var/screenshots/."""

from __future__ import annotations

from typing import Any

from tests.integration.ui.conftest import UiWorld
from tests.integration.ui.screens import created, html_response, screenshot

CELL = """([org, month, key]) => {
  const table = document.querySelector("table.report-grid");
  const column = [...table.querySelectorAll("thead th")].map(th => th.dataset.key).indexOf(key);
  const row = [...table.querySelectorAll("tbody tr")].find(
    tr => tr.cells[0].textContent.trim() === org && tr.cells[2].textContent.trim() === month);
  return row ? {text: row.cells[column].textContent.trim(), row: row.sectionRowIndex, column: column} : null;
}"""


def test_a_count_in_the_activity_report_drills_down_to_as_many_activities(
    ui_world: UiWorld, open_page: Any,
) -> None:
    alice = ui_world.people.auth("alice")
    with ui_world.api() as api:  # with the seed's 初回訪問 (2026-11-20): three visits done in November
        for day in ("2026-11-05", "2026-11-12"):
            created(api.post("/api/v1/activities", headers=alice, json={
                "kind_code": "visit", "subject": f"定期訪問 {day}", "status": "done", "activity_date": day,
                "account_id": ui_world.sales.account["id"]}))

    page = open_page("bob", path="/reports")
    html_response(page.goto(f"{ui_world.url}/reports"))
    assert page.locator("nav.sidenav a[href='/reports'][aria-current='page']").count() == 1
    assert page.locator(".report-kind[data-kind='activities'] h3").inner_text() == "活動別 Activities"
    screenshot(page, "pc-reports-menu")
    with page.expect_navigation():
        page.click("a[href='/reports/run/activities']")
    page.select_option("#f-organization_id", str(ui_world.people.orgs["hq"]))
    page.fill("#f-date_from", "2026-11-01")
    page.fill("#f-date_to", "2026-12-31")
    with page.expect_navigation():
        page.click("form.report-form button[type=submit]")
    assert "/reports/run/activities?" in page.url
    assert "date_from=2026-11-01" in page.url

    totals = page.locator("table.report-grid tfoot tr.totals")
    assert totals.locator("td").first.inner_text().startswith("合計")
    cell = page.evaluate(CELL, ["sales", "2026/11", "kind.visit.done"])
    assert cell is not None
    assert cell["text"] == "3"
    december = page.evaluate(CELL, ["sales", "2026/12", "kind.call.planned"])
    assert december["text"] == "1"  # the seed's planned call
    screenshot(page, "pc-report-activities")

    link = page.locator(f"table.report-grid tbody tr:nth-child({cell['row'] + 1}) "
                        f"td:nth-child({cell['column'] + 1}) a.drill")
    with page.expect_navigation():
        link.click()
    assert page.url.startswith(f"{ui_world.url}/activities?")
    assert "include_sub_orgs=true" in page.url
    rows = page.locator("table.results.activities tbody tr[data-id]")
    assert rows.count() == 3
    assert page.locator(".titlebar .count").get_attribute("data-count") == "3"
    assert sorted(rows.locator("a.record-link").all_inner_texts()) == [
        "初回訪問", "定期訪問 2026-11-05", "定期訪問 2026-11-12"]
    screenshot(page, "pc-report-drill-activities")


def test_the_pipeline_grid_has_year_subtotals_and_sorts_within_them(ui_world: UiWorld, open_page: Any) -> None:
    hq = ui_world.people.orgs["hq"]
    page = open_page("bob", path=f"/reports/run/pipeline?organization_id={hq}&fiscal_year=2026")
    html_response(page.goto(f"{ui_world.url}/reports/run/pipeline?organization_id={hq}&fiscal_year=2026"))
    subtotals = page.locator("table.report-grid tbody tr.subtotal")
    assert subtotals.count() >= 3
    assert page.locator("table.report-grid tfoot tr.totals").count() == 1
    before = page.eval_on_selector_all("table.report-grid tbody tr", "rows => rows.map(r => r.className)")
    with page.expect_navigation():
        page.click("table.report-grid thead th[data-key='budget'] a.sort")
    with page.expect_navigation():
        page.click("table.report-grid thead th[data-key='budget'] a.sort")  # again: descending
    assert "desc=1" in page.url
    after = page.eval_on_selector_all("table.report-grid tbody tr", "rows => rows.map(r => r.className)")
    assert after == before  # the subtotal lines stay where they were
    assert page.locator("table.report-grid thead th[data-key='budget']").get_attribute("aria-sort") == "descending"
    screenshot(page, "pc-report-pipeline")
