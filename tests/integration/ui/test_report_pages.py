"""レポート screens over HTTP, on SQLite and PostgreSQL, with the reports' seed (本社 > 営業部 > 営業一課,
開発部; alice, carol, dave, the light lucy and the administrator root): the menu, the parameter form, the
grid's figures against the seed's, drill-down links whose lists show as many records as the figure (through
the viewer's visibility), sorting within subtotal groups, the column chooser, 422 for bad parameters, the
row cap, and the xlsx / CSV downloads."""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import openpyxl  # type: ignore[import-untyped]
import pytest
import sqlalchemy as sa
from attrs import define, field
from hypothesis import given
from hypothesis import strategies as st
from litestar.testing import TestClient

from dps.adapters.db.tables.sales_activities import activities
from dps.application.directory.users import AddUserCommand
from dps.application.reports.catalog import ReportCatalog
from dps.application.reports.tables import CellKind, ReportTable, TableColumn
from dps.bootstrap.container import Container
from dps.domain.shared.principal import License, Principal, Role
from dps.domain.tenancy.tenants import Tenant
from dps.entrypoints.http.app import create_app
from dps.entrypoints.http.ui import reports_pages
from dps.entrypoints.http.ui.reports_pages import format_cell, sorted_order
from tests.integration.http.conftest import PASSWORD, log_in
from tests.integration.reports.report_seed import seed_reports
from tests.integration.sales.test_opportunities_support import Sales, build_sales
from tests.integration.ui.pages_support import count_of, record_names

PERIOD = {"date_from": "2025-04-01", "date_to": "2025-05-31"}


@pytest.fixture
def s(container: Container, engine: sa.Engine, tenant: Tenant, admin: Principal) -> Sales:
    sales = build_sales(container, engine, tenant, admin)
    seed_reports(sales)
    for login in ("alice", "dave", "lucy"):
        container.set_user_password()(admin, login, PASSWORD)
    roles = frozenset({Role.TENANT_ADMIN, Role.SEE_ALL})  # sees every record, restricted ones too
    root = container.add_user()(admin, AddUserCommand(login_id="root", name="root 太郎", license=License.FULL,
                                                      password=PASSWORD, roles=roles))
    sales.users["root"] = root.id
    return sales


@pytest.fixture
def client(container: Container, s: Sales) -> Iterator[TestClient[Any]]:
    with TestClient(create_app(container)) as c:
        yield c


def _as(client: TestClient[Any], login: str) -> TestClient[Any]:
    response = log_in(client, login, PASSWORD)
    assert response.status_code == 303, response.text
    return client


# --- reading the grid -----------------------------------------------------------------------------------


@define
class Grid:
    keys: list[str] = field(factory=list)
    rows: list[tuple[str, list[str], list[str | None]]] = field(factory=list)
    """(row class, cell texts, cell links)."""

    def body(self) -> list[tuple[str, list[str], list[str | None]]]:
        return [r for r in self.rows if r[0] != "totals"]

    def totals(self) -> list[str]:
        return next(r[1] for r in self.rows if r[0] == "totals")

    def col(self, key: str) -> int:
        return self.keys.index(key)

    def line(self, **where: str) -> tuple[list[str], list[str | None]]:
        for _cls, texts, links in self.body():
            if all(texts[self.col(k)] == v for k, v in where.items()):
                return texts, links
        raise AssertionError(f"no line {where}")


class _GridParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.grid = Grid()
        self._in_table = False
        self._row: tuple[str, list[str], list[str | None]] | None = None
        self._cell: list[str] | None = None
        self._link: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and "report-grid" in (a.get("class") or ""):
            self._in_table = True
        if not self._in_table:
            return
        if tag == "th" and a.get("data-key"):
            self.grid.keys.append(a["data-key"] or "")
        elif tag == "tr" and a.get("class") is not None:
            self._row = (a.get("class") or "", [], [])
        elif tag == "td" and self._row is not None:
            self._cell, self._link = [], None
        elif tag == "a" and self._cell is not None:
            self._link = a.get("href")

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_table = False
        elif tag == "td" and self._row is not None and self._cell is not None:
            self._row[1].append("".join(self._cell).strip())
            self._row[2].append(self._link)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row[0] != "empty":
                self.grid.rows.append(self._row)
            self._row = None


def grid_of(html: str) -> Grid:
    parser = _GridParser()
    parser.feed(html)
    assert parser.grid.keys, "no grid on the page"
    return parser.grid


def _run(client: TestClient[Any], kind: str, **params: str) -> str:
    response = client.get(f"/reports/run/{kind}", params=params)
    assert response.status_code == 200, response.text[:2000]
    return response.text


# --- the menu and the form ------------------------------------------------------------------------------


def test_the_menu_lists_the_kinds_and_the_nav_links_it(client: TestClient[Any]) -> None:
    html = _as(client, "alice").get("/reports").text
    assert 'href="/reports/run/activities"' in html
    assert 'href="/reports/run/pipeline"' in html
    assert "活動別 Activities" in html
    assert "先行管理 Pipeline" in html
    assert "activity counts by organisation" in html  # the kind's description
    assert 'href="/reports/definitions"' in html
    assert 'href="/reports/templates"' in html
    assert '<a href="/reports" aria-current="page">' in html  # the PC navigation


def test_the_form_is_made_from_the_kinds_parameters(client: TestClient[Any], s: Sales) -> None:
    html = _as(client, "alice").get("/reports/run/activities").text
    assert 'class="grid report-grid"' not in html  # nothing run before the form is sent
    assert '<select id="f-organization_id" name="organization_id"' in html
    assert f'<option value="{s.orgs["sales1"]}">　　sales1 営業一課</option>' in html  # indented under 営業部
    assert 'name="date_from" type="date"' in html
    assert 'name="date_to" type="date"' in html
    assert 'name="columns" value="kind.visit.done" checked' in html
    pipeline = client.get("/reports/run/pipeline").text
    assert 'name="fiscal_year"' in pipeline
    assert 'name="date_from"' not in pipeline


def test_every_kind_of_the_catalogue_has_its_form_and_answers_without_a_500(
    client: TestClient[Any], s: Sales,
) -> None:
    client = _as(client, "alice")
    kinds = list(ReportCatalog(s.deps))
    menu = client.get("/reports").text
    for kind in kinds:
        assert f'href="/reports/run/{kind.name}"' in menu
        form = client.get(f"/reports/run/{kind.name}")
        assert form.status_code == 200, (kind.name, form.text[:500])
        for spec in kind.params:
            assert f'name="{spec.name}"' in form.text, (kind.name, spec.name)
        ran = client.get(f"/reports/run/{kind.name}", params={
            "organization_id": str(s.orgs["hq"]), "fiscal_year": "2025", **PERIOD})
        assert ran.status_code in (200, 422), (kind.name, ran.text[:500])
        garbage = client.get(f"/reports/run/{kind.name}", params={spec.name: "%%bad%%" for spec in kind.params})
        assert garbage.status_code in (200, 422), (kind.name, garbage.text[:500])


def test_an_unknown_kind_is_404(client: TestClient[Any]) -> None:
    assert _as(client, "alice").get("/reports/run/nothing").status_code == 404


# --- the grid -------------------------------------------------------------------------------------------


def test_the_grid_shows_the_seeds_figures_and_its_totals(client: TestClient[Any], s: Sales) -> None:
    html = _run(_as(client, "root"), "activities", organization_id=str(s.orgs["hq"]), **PERIOD)
    grid = grid_of(html)
    assert grid.keys[:3] == ["org_code", "org_name", "month"]
    assert [(r[1][0], r[1][2]) for r in grid.body()] == [
        ("hq", "2025/04"), ("hq", "2025/05"), ("dev", "2025/04"), ("dev", "2025/05"),
        ("sales", "2025/04"), ("sales", "2025/05")]
    april, _ = grid.line(org_code="sales", month="2025/04")
    assert april[grid.col("kind.visit.done")] == "2"
    assert april[grid.col("kind.call.planned")] == "1"
    assert april[grid.col("total")] == "3"
    may, _ = grid.line(org_code="sales", month="2025/05")
    assert may[grid.col("kind.visit.done")] == "2"
    totals = grid.totals()
    assert totals[grid.col("org_code")] == "合計 Total"
    assert totals[grid.col("total")] == "8"
    assert totals[grid.col("status.done")] == "6"
    assert "2025-04-01 .. 2025-05-31" in html  # the period note
    assert "restricted records" not in html  # nothing left out for an administrator
    assert '<tr class="totals">' in html


def test_each_count_links_to_a_list_showing_as_many_records(client: TestClient[Any], s: Sales) -> None:
    """dave sees neither alice's restricted visit nor the operator's activity: his grid says so, and every
    figure's link lists exactly that many activities to him."""
    html = _run(_as(client, "dave"), "activities", organization_id=str(s.orgs["hq"]), **PERIOD)
    grid = grid_of(html)
    assert "3 restricted records you may not see were left out" in html
    april, links = grid.line(org_code="sales", month="2025/04")
    assert april[grid.col("kind.visit.done")] == "1"
    link = links[grid.col("kind.visit.done")]
    assert link is not None
    assert link.startswith("/activities?")
    assert dict(parse_qsl(urlsplit(link).query)) == {
        "organization_id": str(s.orgs["sales"]), "include_sub_orgs": "true", "date_from": "2025-04-01",
        "date_to": "2025-04-30", "status": "done", "kind_code": "visit"}
    listed = client.get(link).text
    assert count_of(listed) == 1
    assert "sales 営業部 (配下の組織を含む)" in listed  # the filter's chip
    assert f'<input type="hidden" name="organization_id" value="{s.orgs["sales"]}">' in listed  # kept by a search
    assert re.findall(r'<a class="record-link" href="/activities/[0-9a-f-]+">([^<]+)</a>', listed) == [
        "alice-visit-2025-04-10"]
    checked = 0
    for cls, texts, hrefs in grid.rows:
        for text, href in zip(texts, hrefs, strict=True):
            if href is None:
                continue
            assert cls in ("detail", "totals")
            assert count_of(client.get(href).text) == int(text.replace(",", "")), href
            checked += 1
    assert checked >= 15
    # the 直属 (own) line drills down without the sub-organisations
    own, own_links = grid.line(org_code="hq", month="2025/04")
    assert own[grid.col("status.cancelled")] == "1"
    assert own_links[grid.col("status.cancelled")] is not None
    assert "include_sub_orgs=false" in (own_links[grid.col("status.cancelled")] or "")


def test_the_pipeline_drills_down_to_the_open_opportunities(client: TestClient[Any], s: Sales) -> None:
    html = _run(_as(client, "dave"), "pipeline", organization_id=str(s.orgs["hq"]), fiscal_year="2025")
    grid = grid_of(html)
    june, links = grid.line(row_kind="組織 Org", code="sales", month="2025/06")
    assert june[grid.col("forecast.a")] == "1,000,000"  # o1 only: alice's restricted one is left out
    link = links[grid.col("forecast.a")]
    assert link is not None
    assert link.startswith("/opportunities?")
    assert record_names(client.get(link).text, "opportunities") == ["o1"]
    own = client.get("/opportunities", params={"organization_id": str(s.orgs["sales"]), "include_sub_orgs": "false",
                                               "is_open": "true"}).text
    assert sorted(record_names(own, "opportunities")) == ["next_year", "o1", "o7"]  # not carol's (営業一課)
    assert "sales 営業部 (直属のみ)" in own
    assert sorted(record_names(client.get("/opportunities", params={
        "organization_id": str(s.orgs["sales"]), "is_open": "true"}).text, "opportunities")) == [
        "next_year", "o1", "o2", "o7"]
    assert "1 restricted records you may not see were left out" in html
    assert re.search(r"\d+\.\d%", html)  # rates as percentages


def test_sorting_orders_the_details_within_their_group_and_keeps_the_subtotals(
    client: TestClient[Any], s: Sales,
) -> None:
    client = _as(client, "root")
    params = {"organization_id": str(s.orgs["hq"]), "fiscal_year": "2025"}
    plain = grid_of(_run(client, "pipeline", **params))
    by_budget = grid_of(_run(client, "pipeline", **params, sort="budget", desc="1"))
    classes = [r[0] for r in plain.body()]
    assert classes == [r[0] for r in by_budget.body()]  # subtotals where they were
    assert classes.count("subtotal level-1") >= 4
    assert [r[1] for r in plain.body()] != [r[1] for r in by_budget.body()]
    assert plain.totals() == by_budget.totals()
    budget, month = plain.col("budget"), plain.col("month")
    start = 0
    for end, cls in enumerate(classes):
        if cls == "detail":
            continue
        group = by_budget.body()[start:end]
        amounts = [Decimal(r[1][budget].replace(",", "")) for r in group]
        assert amounts == sorted(amounts, reverse=True)
        assert sorted(r[1][month] for r in group) == sorted(r[1][month] for r in plain.body()[start:end])
        assert by_budget.body()[end][1] == plain.body()[end][1]  # the subtotal line itself
        start = end + 1
    html = _run(client, "pipeline", **params, sort="budget")
    assert 'aria-sort="ascending"' in html
    assert "sort=budget&amp;desc=1" in html  # clicking again sorts the other way


def test_the_column_chooser_keeps_the_chosen_columns_in_order(client: TestClient[Any], s: Sales) -> None:
    client = _as(client, "root")
    html = _run(client, "activities", organization_id=str(s.orgs["hq"]), columns="org_name,total", **PERIOD)
    grid = grid_of(html)
    assert grid.keys == ["org_name", "total"]
    assert grid.totals() == ["本社", "8"]
    assert 'name="columns" value="total" checked' in html
    assert 'name="columns" value="kind.visit.done">' in html  # not chosen
    repeated = grid_of(client.get("/reports/run/activities", params=[
        ("organization_id", str(s.orgs["hq"])), *PERIOD.items(), ("columns", "month"), ("columns", "total"),
    ]).text)
    assert repeated.keys == ["month", "total"]
    unknown = grid_of(_run(client, "activities", organization_id=str(s.orgs["hq"]), columns="total,gone", **PERIOD))
    assert unknown.keys == ["total"]
    everything = grid_of(_run(client, "activities", organization_id=str(s.orgs["hq"]), columns="gone", **PERIOD))
    assert everything.keys[:3] == ["org_code", "org_name", "month"]


def test_the_links_keep_the_query_and_the_definition(client: TestClient[Any], s: Sales) -> None:
    html = _run(_as(client, "alice"), "activities", organization_id=str(s.orgs["sales"]), definition="d-1",
                columns="org_name,total", **PERIOD)
    query = f"organization_id={s.orgs['sales']}&amp;date_from=2025-04-01&amp;date_to=2025-05-31" \
            "&amp;columns=org_name%2Ctotal&amp;definition=d-1"
    assert f'href="/reports/run/activities/download?format=xlsx&amp;{query}"' in html
    assert f'href="/reports/run/activities/download?format=csv&amp;{query}"' in html
    assert f'href="/reports/definitions/new?kind=activities&amp;{query}"' in html
    assert f'href="/reports/run/activities?{query}&amp;sort=total"' in html
    assert '<input type="hidden" name="definition" value="d-1">' in html


def test_bad_parameters_show_the_form_again_with_the_message_under_the_field(
    client: TestClient[Any], s: Sales,
) -> None:
    client = _as(client, "alice")
    bad = client.get("/reports/run/activities", params={"date_from": "2025-13-01", "date_to": "2025-05-31"})
    assert bad.status_code == 422
    assert '<p class="field-error" id="e-date_from">' in bad.text
    assert 'value="2025-13-01"' in bad.text  # what was typed stays
    missing = client.get("/reports/run/activities", params={"date_from": "2025-04-01"})
    assert missing.status_code == 422
    assert 'id="e-date_to"' in missing.text
    assert 'class="grid report-grid"' not in missing.text
    year = client.get("/reports/run/pipeline", params={"fiscal_year": "twenty"})
    assert year.status_code == 422
    assert 'id="e-fiscal_year"' in year.text
    org = client.get("/reports/run/pipeline", params={"organization_id": "not-an-id"})
    assert org.status_code == 422
    assert 'id="e-organization_id"' in org.text
    download = client.get("/reports/run/activities/download", params={"format": "xlsx", "date_from": "x",
                                                                               "date_to": "2025-05-31"})
    assert download.status_code == 422
    assert 'id="e-date_from"' in download.text
    unknown = client.get("/reports/run/activities/download", params={"format": "pdf", **PERIOD})
    assert unknown.status_code == 422


def test_a_large_result_shows_the_first_rows_and_says_so(
    client: TestClient[Any], s: Sales, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(reports_pages, "MAX_GRID_ROWS", 4)
    html = _run(_as(client, "root"), "activities", organization_id=str(s.orgs["hq"]), **PERIOD)
    grid = grid_of(html)
    assert len(grid.body()) == 4
    assert grid.totals()[grid.col("total")] == "8"
    assert 'class="alert alert-info report-truncated"' in html
    assert "(4 / 6 行)" in html


def test_a_light_user_runs_reports_on_what_they_see_without_the_save_button(
    client: TestClient[Any], s: Sales,
) -> None:
    html = _run(_as(client, "lucy"), "activities", organization_id=str(s.orgs["sales"]), **PERIOD)
    grid = grid_of(html)
    assert grid.totals()[grid.col("total")] == "3"  # not alice's restricted visit, nor the operator's
    assert "2 restricted records" in html
    assert "save-definition" not in html
    assert "download-xlsx" in html


def test_the_activity_list_reads_the_owner_filter(client: TestClient[Any], s: Sales) -> None:
    client = _as(client, "root")
    carol = str(s.users["carol"])
    listed = client.get("/activities", params={"owner_id": carol, "organization_id": str(s.orgs["sales"])}).text
    assert re.findall(r'<a class="record-link" href="/activities/[0-9a-f-]+">([^<]+)</a>', listed) == [
        "carol-visit-2025-05-01"]
    assert f'<input type="hidden" name="owner_id" value="{carol}">' in listed
    assert count_of(client.get("/activities", params={"owner_id": carol, "include_sub_orgs": "false",
                                                      "organization_id": str(s.orgs["sales"])}).text) == 0


def test_a_run_costs_the_same_statements_however_much_data(client: TestClient[Any], s: Sales) -> None:
    """The grid comes from the kind's GROUP BY statements: more activities, not more statements."""
    client = _as(client, "root")
    params = {"organization_id": str(s.orgs["hq"]), **PERIOD}

    def statements() -> int:
        found: list[str] = []

        def listen(*args: Any) -> None:
            found.append(args[2])

        sa.event.listen(s.engine, "before_cursor_execute", listen)
        try:
            _run(client, "activities", **params)
        finally:
            sa.event.remove(s.engine, "before_cursor_execute", listen)
        return len(found)

    statements()  # warm: the session, the viewer and the code lists are memoised after the first page
    before = statements()
    now = datetime.now(UTC)
    with s.engine.begin() as conn:  # five more of carol's visits, in 営業一課 under 営業部
        conn.execute(activities.insert(), [
            {"tenant_id": s.tenant.id, "id": uuid.uuid4(), "status": "done", "kind_code": "visit",
             "subject": f"more-{day}", "activity_date": date(2025, 5, day), "owner_id": s.users["carol"],
             "owner_organization_id": s.orgs["sales1"], "created_at": now, "updated_at": now}
            for day in range(10, 15)])
    grid = grid_of(_run(client, "activities", **params))
    assert grid.totals()[grid.col("total")] == "13"
    assert grid.line(org_code="sales", month="2025/05")[0][grid.col("kind.visit.done")] == "7"
    assert statements() == before


# --- downloads ------------------------------------------------------------------------------------------


def test_the_downloads_are_a_workbook_and_a_csv_with_every_row(client: TestClient[Any], s: Sales) -> None:
    client = _as(client, "dave")
    params = {"organization_id": str(s.orgs["hq"]), **PERIOD}
    xlsx = client.get("/reports/run/activities/download", params={"format": "xlsx", **params})
    assert xlsx.status_code == 200
    assert xlsx.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "attachment;" in xlsx.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r[0] == "組織コード Org code")
    assert any("3 restricted records" in str(r[0]) for r in rows[:header])
    body = rows[header + 1:]
    assert len(body) == 7  # six lines and the totals
    assert body[-1][0] == "合計 Total"
    assert body[-1][-1] == 5  # dave's total: 8 less the 3 left out

    csv_response = client.get("/reports/run/activities/download", params={"format": "csv", "columns": "org_code,total",
                                                                           **params})
    assert csv_response.status_code == 200
    assert csv_response.headers["content-type"].startswith("text/csv")
    assert csv_response.content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert lines[0] == ["組織コード Org code", "合計 Total"]
    assert lines[-1] == ["合計 Total", "5"]
    assert len(lines) == 8


# --- pure parts -----------------------------------------------------------------------------------------


def test_cells_are_formatted_by_their_kind() -> None:
    assert format_cell(1234567, CellKind.COUNT) == "1,234,567"
    assert format_cell(Decimal("1500000.00"), CellKind.MONEY) == "1,500,000"
    assert format_cell(Decimal("-2500.50"), CellKind.MONEY) == "-2,500.50"
    assert format_cell(Decimal("0.8512"), CellKind.RATE) == "85.1%"
    assert format_cell(date(2025, 4, 1), CellKind.MONTH) == "2025/04"
    assert format_cell(None, CellKind.MONEY) == ""
    assert format_cell("営業部", CellKind.TEXT) == "営業部"


_rows = st.lists(st.tuples(st.one_of(st.none(), st.integers(-50, 50)), st.integers(0, 2)), max_size=30)


@given(_rows, st.booleans())
def test_sorting_keeps_subtotals_in_place_and_sorts_each_group(rows: list[tuple[int | None, int]], desc: bool) -> None:
    table = ReportTable("t", (TableColumn("n", CellKind.COUNT, "n"),), tuple((v,) for v, _ in rows), (None,),
                        levels=tuple(level for _, level in rows))
    order = sorted_order(table, 0, desc)
    assert sorted(order) == list(range(len(rows)))
    assert [i for i, (_, level) in enumerate(rows) if level] == [p for p, i in enumerate(order) if rows[i][1]]
    start = 0
    for end in [*[p for p, i in enumerate(order) if rows[i][1]], len(order)]:
        values = [rows[i][0] for i in order[start:end]]
        filled = [v for v in values if v is not None]
        assert filled == sorted(filled, reverse=desc)
        assert values == filled + [None] * (len(values) - len(filled))
        start = end + 1
