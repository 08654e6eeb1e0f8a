"""Reports laid out as one flat table for files (CSV, Excel): headers (Japanese / English), a kind per
column so a writer can format it (count, money, rate, month), the body rows and a totals row. Pure:
the writers live in the adapters behind `ReportFileWriter`."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal

from attrs import frozen

from dps.application.reports.read_models import ActivityReport, Column, PipelineCell, PipelineReport, PipelineRow

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
    header: str
    kind: CellKind = CellKind.TEXT


@frozen
class ReportTable:
    title: str
    columns: tuple[TableColumn, ...]
    rows: tuple[tuple[Cell, ...], ...]
    totals: tuple[Cell, ...]
    notes: tuple[str, ...] = ()
    """Lines said beside the table: the period, and how many restricted records were left out (R7)."""


STATUS_LABELS = {"planned": "予定 Planned", "done": "実施 Done", "cancelled": "中止 Cancelled"}


def _label(c: Column) -> str:
    return f"{c.label_ja} {c.label_en}".strip() if c.label_en and c.label_en != c.label_ja else c.label_ja


def left_out_note(count: int) -> str:
    return f"閲覧できない非公開データ {count} 件を除外 / {count} restricted records you may not see were left out"


def activity_table(report: ActivityReport) -> ReportTable:
    """One line per organisation row x month: per kind the planned and done counts, then the totals
    per status and overall; the totals row sums every line."""
    columns = [TableColumn("組織コード Org code"), TableColumn("組織名 Organisation"),
               TableColumn("月 Month", CellKind.MONTH)]
    for k in report.kinds:
        columns += [TableColumn(f"{_label(k)} {STATUS_LABELS['planned']}", CellKind.COUNT),
                    TableColumn(f"{_label(k)} {STATUS_LABELS['done']}", CellKind.COUNT)]
    columns += [TableColumn(f"{STATUS_LABELS[s]} 計", CellKind.COUNT) for s in STATUS_LABELS]
    columns.append(TableColumn("合計 Total", CellKind.COUNT))

    def figures(count: Callable[..., int]) -> list[Cell]:
        """`count(status=, kind=)` of one line or of the whole report."""
        out: list[Cell] = []
        for k in report.kinds:
            out += [count(status="planned", kind=k.code), count(status="done", kind=k.code)]
        out += [count(status=s) for s in STATUS_LABELS]
        out.append(count())
        return out

    rows: list[tuple[Cell, ...]] = []
    for r in report.rows:
        name = f"{r.name} (直属 own)" if r.is_self else r.name
        for m in report.months:
            rows.append((r.code, name, m, *figures(lambda m=m, r=r, **kw: r.count(month=m, **kw))))
    totals = ("合計 Total", report.organization_name, None, *figures(report.total))
    notes = (f"{report.organization_code} {report.organization_name}: {report.date_from} .. {report.date_to}",
             left_out_note(report.left_out))
    return ReportTable("活動別 Activities", tuple(columns), tuple(rows), totals, notes)


ROW_KINDS = {"organization": "組織 Org", "user": "担当者 User", "total": "合計 Total"}


def pipeline_table(report: PipelineReport) -> ReportTable:
    """One line per row x month plus its year line (月 empty); the totals row is the organisation's
    year."""
    columns = [TableColumn("区分 Row"), TableColumn("コード Code"), TableColumn("名称 Name"),
               TableColumn("月 Month", CellKind.MONTH), TableColumn("予算 Budget", CellKind.MONEY),
               TableColumn("実績 Actual", CellKind.MONEY)]
    columns += [TableColumn(f"見込 {_label(c)}", CellKind.MONEY) for c in report.certainties]
    columns += [TableColumn("着地 Landing", CellKind.MONEY), TableColumn("達成率 Achievement", CellKind.RATE),
                TableColumn("着地達成率 Landing rate", CellKind.RATE), TableColumn("予実差 Gap", CellKind.MONEY)]

    def figures(cell: PipelineCell) -> list[Cell]:
        return [cell.budget, cell.actual, *(cell.forecast.get(c.code, Decimal(0)) for c in report.certainties),
                cell.landing, cell.achievement_rate, cell.landing_rate, cell.gap]

    def lines(row: PipelineRow) -> list[tuple[Cell, ...]]:
        head: list[Cell] = [ROW_KINDS[row.kind], row.code, row.name]
        out = [(*head, m, *figures(c)) for m, c in zip(report.months, row.months, strict=True)]
        out.append((*head, None, *figures(row.year)))
        return out

    rows: list[tuple[Cell, ...]] = []
    for r in (*report.rows, report.total):
        rows += lines(r)
    t = report.total
    totals = (ROW_KINDS["total"], t.code, t.name, None, *figures(t.year))
    notes = (f"{report.organization_code} {report.organization_name}: FY{report.fiscal_year}",
             left_out_note(report.left_out))
    return ReportTable("先行管理 Pipeline", tuple(columns), tuple(rows), totals, notes)


def widths(table: ReportTable) -> Sequence[int]:
    """A column width per column from its header (display width, capped)."""
    return [min(40, max(10, len(c.header.encode("utf-8")) // 2 + 2)) for c in table.columns]
