"""Reports laid out as one flat table - for files (CSV, Excel, the user's templates) and the grid
screen: headers (Japanese / English) with a stable key and a kind per column (count, money, rate,
month), the body rows with their level (detail or subtotal), a totals row, and where each number
comes from (drill-down to the list behind it). Pure: the writers live in the adapters behind
`ReportFileWriter`."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from attrs import evolve, field, frozen

from dps.application.reports.read_models import ActivityReport, Column, PipelineCell, PipelineReport, PipelineRow
from dps.domain.sales.fiscal_years import add_months

Cell = str | int | Decimal | date | None


class CellKind(enum.StrEnum):
    TEXT = "text"
    COUNT = "count"
    MONEY = "money"
    RATE = "rate"
    """A ratio (0.85), shown as a percentage."""
    MONTH = "month"


@frozen
class TableColumn:
    """`key` is the column's stable name (ASCII, `[a-z0-9_.:-]`): what a report definition chooses and
    orders, and what a template's `{{row.KEY}}` / `{{total.KEY}}` placeholder names."""

    header: str
    kind: CellKind = CellKind.TEXT
    key: str = ""


@frozen
class Drill:
    """Where a number comes from: a list (`resource`: activities, opportunities, accounts, leads,
    sales-results, ...) and the filters that select the records behind it, named as the list screen's
    and the API's query parameters. The list applies the viewer's visibility, as always."""

    resource: str
    filters: tuple[tuple[str, str], ...]

    def query(self) -> str:
        return urlencode(self.filters)


@frozen
class ReportTable:
    title: str
    columns: tuple[TableColumn, ...]
    rows: tuple[tuple[Cell, ...], ...]
    totals: tuple[Cell, ...]
    notes: tuple[str, ...] = ()
    """Lines said beside the table: the period, and how many restricted records were left out (R7)."""
    kind: str = ""
    """The report kind's name (activities, pipeline, accounts, ...)."""
    levels: tuple[int, ...] = ()
    """Per body row: 0 a detail line, 1 a subtotal of the detail lines above it up to the previous
    subtotal (2 a subtotal of subtotals, ...). Empty: all rows are details."""
    drills: Mapping[tuple[int, int], Drill] = field(factory=dict)
    """(row index, column index) -> the records behind that number; row index len(rows) is the totals row."""
    params: tuple[tuple[str, str, str], ...] = ()
    """What the report ran with as (key, label, shown value): ("organization", "組織 Organisation",
    "S01 営業部"), ("period", ...) - for titles and templates (`{{param.organization}}`)."""
    left_out: int = 0
    """Restricted records the viewer may not see, left out of the figures (R7)."""

    def level(self, index: int) -> int:
        return self.levels[index] if self.levels else 0

    def column_index(self, key: str) -> int | None:
        return next((i for i, c in enumerate(self.columns) if c.key == key), None)

    def select(self, keys: Sequence[str]) -> ReportTable:
        """The table with only the columns named by `keys`, in that order (unknown keys are skipped:
        a definition may name a code-list column that no longer exists). No keys: unchanged."""
        if not keys:
            return self
        picked = [i for i in (self.column_index(k) for k in keys) if i is not None]
        where = {old: new for new, old in enumerate(picked)}
        drills = {(r, where[c]): d for (r, c), d in self.drills.items() if c in where}
        return evolve(self, columns=tuple(self.columns[i] for i in picked),
                      rows=tuple(tuple(row[i] for i in picked) for row in self.rows),
                      totals=tuple(self.totals[i] for i in picked), drills=drills)


STATUS_LABELS = {"planned": "予定 Planned", "done": "実施 Done", "cancelled": "中止 Cancelled"}


def _label(c: Column) -> str:
    return f"{c.label_ja} {c.label_en}".strip() if c.label_en and c.label_en != c.label_ja else c.label_ja


def left_out_note(count: int) -> str:
    return f"閲覧できない非公開データ {count} 件を除外 / {count} restricted records you may not see were left out"


def key_part(code: str) -> str:
    """A code-list code as part of a column key (`[a-z0-9_-]`; '' is `none`)."""
    return re.sub(r"[^a-z0-9_-]", "_", code.lower()) or "none"


def month_span(month: date, first: date, last: date) -> tuple[tuple[str, str], tuple[str, str]]:
    """The days of `month` within [first, last] as date_from / date_to filters."""
    end = add_months(month, 1) - timedelta(days=1)
    return ("date_from", max(month, first).isoformat()), ("date_to", min(end, last).isoformat())


def org_filters(organization_id: object, *, subtree: bool) -> tuple[tuple[str, str], ...]:
    return ("organization_id", str(organization_id)), ("include_sub_orgs", "true" if subtree else "false")


def activity_columns(kinds: Sequence[Column]) -> tuple[TableColumn, ...]:
    """活動別's columns for these activity kinds (the code list's, and any found that it lacks)."""
    columns = [TableColumn("組織コード Org code", key="org_code"), TableColumn("組織名 Organisation", key="org_name"),
               TableColumn("月 Month", CellKind.MONTH, "month")]
    for k in kinds:
        columns += [TableColumn(f"{_label(k)} {STATUS_LABELS[status]}", CellKind.COUNT,
                                f"kind.{key_part(k.code)}.{status}") for status in ("planned", "done")]
    columns += [TableColumn(f"{STATUS_LABELS[s]} 計", CellKind.COUNT, f"status.{s}") for s in STATUS_LABELS]
    columns.append(TableColumn("合計 Total", CellKind.COUNT, "total"))
    return tuple(columns)


def activity_table(report: ActivityReport) -> ReportTable:
    """One line per organisation row x month: per kind the planned and done counts, then the totals
    per status and overall; the totals row sums every line. Each count drills down to the activity
    list (the organisation's subtree, or its own records for the 直属 row; the month; status; kind)."""
    columns = list(activity_columns(report.kinds))
    filters: list[tuple[tuple[str, str], ...]] = [(), (), ()]
    for k in report.kinds:
        filters += [(("status", status), ("kind_code", k.code)) for status in ("planned", "done")]
    filters += [(("status", s),) for s in STATUS_LABELS]
    filters.append(())

    def figures(count: Callable[..., int]) -> list[Cell]:
        """`count(status=, kind=)` of one line or of the whole report."""
        out: list[Cell] = []
        for k in report.kinds:
            out += [count(status="planned", kind=k.code), count(status="done", kind=k.code)]
        out += [count(status=s) for s in STATUS_LABELS]
        out.append(count())
        return out

    rows: list[tuple[Cell, ...]] = []
    drills: dict[tuple[int, int], Drill] = {}

    def drill_line(index: int, values: Sequence[Cell], scope: tuple[tuple[str, str], ...]) -> None:
        for c in range(3, len(columns)):
            if values[c]:
                drills[(index, c)] = Drill("activities", (*scope, *filters[c]))

    for r in report.rows:
        name = f"{r.name} (直属 own)" if r.is_self else r.name
        for m in report.months:
            line = (r.code, name, m, *figures(lambda m=m, r=r, **kw: r.count(month=m, **kw)))
            drill_line(len(rows), line, (*org_filters(r.organization_id, subtree=not r.is_self),
                                         *month_span(m, report.date_from, report.date_to)))
            rows.append(line)
    totals = ("合計 Total", report.organization_name, None, *figures(report.total))
    drill_line(len(rows), totals, (*org_filters(report.organization_id, subtree=True),
                                   ("date_from", report.date_from.isoformat()),
                                   ("date_to", report.date_to.isoformat())))
    notes = (f"{report.organization_code} {report.organization_name}: {report.date_from} .. {report.date_to}",
             left_out_note(report.left_out))
    params = (("organization", "組織 Organisation", f"{report.organization_code} {report.organization_name}"),
              ("period", "期間 Period", f"{report.date_from} .. {report.date_to}"))
    return ReportTable("活動別 Activities", tuple(columns), tuple(rows), totals, notes, kind="activities",
                       drills=drills, params=params, left_out=report.left_out)


ROW_KINDS = {"organization": "組織 Org", "user": "担当者 User", "total": "合計 Total"}


def pipeline_columns(certainties: Sequence[Column]) -> tuple[TableColumn, ...]:
    """先行管理's columns for these certainty values."""
    columns = [TableColumn("区分 Row", key="row_kind"), TableColumn("コード Code", key="code"),
               TableColumn("名称 Name", key="name"), TableColumn("月 Month", CellKind.MONTH, "month"),
               TableColumn("予算 Budget", CellKind.MONEY, "budget"),
               TableColumn("実績 Actual", CellKind.MONEY, "actual")]
    columns += [TableColumn(f"見込 {_label(c)}", CellKind.MONEY, f"forecast.{key_part(c.code)}")
                for c in certainties]
    columns += [TableColumn("着地 Landing", CellKind.MONEY, "landing"),
                TableColumn("達成率 Achievement", CellKind.RATE, "achievement_rate"),
                TableColumn("着地達成率 Landing rate", CellKind.RATE, "landing_rate"),
                TableColumn("予実差 Gap", CellKind.MONEY, "gap")]
    return tuple(columns)


def pipeline_table(report: PipelineReport) -> ReportTable:
    """One line per row x month plus its year line (月 empty, a subtotal); the totals row is the
    organisation's year. Forecasts drill down to the open opportunities, actuals to the sales results."""
    columns = pipeline_columns(report.certainties)
    first_forecast = 6
    year_start, year_end = report.months[0], add_months(report.months[-1], 1) - timedelta(days=1)

    def figures(cell: PipelineCell) -> list[Cell]:
        return [cell.budget, cell.actual, *(cell.forecast.get(c.code, Decimal(0)) for c in report.certainties),
                cell.landing, cell.achievement_rate, cell.landing_rate, cell.gap]

    rows: list[tuple[Cell, ...]] = []
    levels: list[int] = []
    drills: dict[tuple[int, int], Drill] = {}

    def scope_of(row: PipelineRow) -> tuple[tuple[str, str], ...]:
        if row.kind == "user":
            owner = (("owner_id", str(row.id)),) if row.id is not None else ()
            return (*owner, *org_filters(report.organization_id, subtree=False))
        return org_filters(row.id, subtree=True)

    def drill_line(index: int, line: Sequence[Cell], row: PipelineRow, month: date | None) -> None:
        period = month_span(month, year_start, year_end) if month else (
            ("date_from", year_start.isoformat()), ("date_to", year_end.isoformat()))
        scope = scope_of(row)
        if line[5]:
            drills[(index, 5)] = Drill("sales-results", (*scope, *period))
        for offset, c in enumerate(report.certainties):
            if c.code and line[first_forecast + offset]:
                drills[(index, first_forecast + offset)] = Drill("opportunities", (
                    *scope, ("is_open", "true"), ("certainty_code", c.code),
                    ("expected_order_date_from", period[0][1]), ("expected_order_date_to", period[1][1])))

    def lines(row: PipelineRow) -> None:
        head: list[Cell] = [ROW_KINDS[row.kind], row.code, row.name]
        for m, c in zip(report.months, row.months, strict=True):
            line = (*head, m, *figures(c))
            drill_line(len(rows), line, row, m)
            rows.append(line)
            levels.append(0)
        line = (*head, None, *figures(row.year))
        drill_line(len(rows), line, row, None)
        rows.append(line)
        levels.append(1)

    for r in (*report.rows, report.total):
        lines(r)
    t = report.total
    totals = (ROW_KINDS["total"], t.code, t.name, None, *figures(t.year))
    drill_line(len(rows), totals, t, None)
    notes = (f"{report.organization_code} {report.organization_name}: FY{report.fiscal_year}",
             left_out_note(report.left_out))
    params = (("organization", "組織 Organisation", f"{report.organization_code} {report.organization_name}"),
              ("fiscal_year", "年度 Fiscal year", str(report.fiscal_year)))
    return ReportTable("先行管理 Pipeline", tuple(columns), tuple(rows), totals, notes, kind="pipeline",
                       levels=tuple(levels), drills=drills, params=params, left_out=report.left_out)


def widths(table: ReportTable) -> Sequence[int]:
    """A column width per column from its header (display width, capped)."""
    return [min(40, max(10, len(c.header.encode("utf-8")) // 2 + 2)) for c in table.columns]
