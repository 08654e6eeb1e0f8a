"""Templates for the template tests, made with openpyxl (making is fine; only filling must not use it)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill

from dps.application.reports.tables import CellKind, ReportTable, TableColumn


def sales_template(path: Path) -> Path:
    """Data: a title, a parameter with text around it, a header on row 4, the block on row 5 (styled,
    with a formula beside it), totals on row 6 (a SUM over the block and a total placeholder), a formula
    on row 8 below, a merged label, a conditional format on the block, a bar chart over the block.
    Other: a formula pointing into Data. Static: nothing to do with the report."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Data"
    ws["A1"] = "{{report.title}}"
    ws["A2"] = "期間: {{param.period}} / {{report.left_out}} 件除外"
    ws.merge_cells("D1:E1")
    ws["D1"] = "merged label"
    ws["A4"], ws["B4"], ws["C4"] = "Name", "Amount", "Month"
    ws["A5"], ws["B5"], ws["C5"], ws["D5"] = "{{row.name}}", "{{row.amount}}", "{{row.month}}", "=B5*2"
    ws["B5"].font = Font(bold=True)
    ws["B5"].number_format = "#,##0"
    ws["C5"].number_format = "yyyy/mm"
    ws["A5"].fill = PatternFill("solid", fgColor="FFFF00")
    ws["A6"], ws["B6"], ws["C6"] = "合計", "=SUM(B5:B5)", "{{total.amount}}"
    ws["A8"] = "=B6+1"
    ws.conditional_formatting.add("B5:B5", CellIsRule(operator="greaterThan", formula=["100"],
                                                      font=Font(color="FF0000")))
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=4, max_row=5), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=5, max_row=5))
    ws.add_chart(chart, "F10")
    other = wb.create_sheet("Other")
    other["A1"], other["B1"] = "total", "=Data!B6"
    static = wb.create_sheet("Static")
    static["A1"], static["B1"] = "just", 42
    wb.save(path)
    return path


def sales_table(n: int = 3) -> ReportTable:
    columns = (TableColumn("Name", key="name"), TableColumn("Amount", CellKind.MONEY, "amount"),
               TableColumn("Month", CellKind.MONTH, "month"))
    rows = tuple((f"n{i}", Decimal(i * 10), date(2025, 4, 1)) for i in range(1, n + 1))
    total = sum((Decimal(i * 10) for i in range(1, n + 1)), Decimal(0))
    return ReportTable("売上 Sales", columns, rows, ("計", total, None), notes=("note 1", "note 2"),
                       params=(("period", "期間 Period", "2025-04 .. 2025-06"),), left_out=2)


def workbook_with(path: Path, cells: dict[str, str], *, merge: str | None = None,
                  second: dict[str, str] | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Sheet1"
    for ref, value in cells.items():
        ws[ref] = value
    if merge:
        ws.merge_cells(merge)
    if second is not None:
        s2 = wb.create_sheet("Sheet2")
        for ref, value in second.items():
            s2[ref] = value
    wb.save(path)
    return path
