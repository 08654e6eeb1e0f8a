"""Write a report table (`dps.application.reports.tables.ReportTable`) as a file, streaming.

- xlsx: openpyxl write-only (rows go to a temporary file as they are appended, so memory stays flat);
  a title line and the notes (period, what was left out) above a bold, shaded header row; panes frozen
  below the header and right of the label columns; number formats per column kind (counts `#,##0`,
  money `#,##0`, rates `0.0%`, months `yyyy/mm`); a bold totals row at the end; column widths.
- csv: UTF-8 with a BOM (Excel opens it as UTF-8), CRLF, the header row, the body and the totals row
  (notes are not written: a CSV goes to other systems, and its first line must be the header).
Every text is neutralised against formula injection, as in the exports.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from dps.adapters.excel.cells import TextCleaner
from dps.application.reports.ports import ReportFileWriter
from dps.application.reports.tables import Cell, CellKind, ReportTable, widths

FORMATS = {CellKind.COUNT: "#,##0", CellKind.MONEY: "#,##0", CellKind.RATE: "0.0%", CellKind.MONTH: "yyyy/mm"}
BOLD = Font(bold=True)
HEADER_FILL = PatternFill(fill_type="solid", start_color="DDEBF7", end_color="DDEBF7")
TOTAL_FILL = PatternFill(fill_type="solid", start_color="F2F2F2", end_color="F2F2F2")


class UnknownFormat(ValueError):
    """Neither csv nor xlsx."""


def _csv_value(value: Cell, kind: CellKind, clean: TextCleaner) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%Y-%m") if kind is CellKind.MONTH else value.isoformat()
    if isinstance(value, int | Decimal):
        return str(value)
    return clean(str(value))


class ReportFiles(ReportFileWriter):
    def write(self, table: ReportTable, path: Path, file_format: str) -> None:
        if file_format == "csv":
            self._csv(table, path)
        elif file_format == "xlsx":
            self._xlsx(table, path)
        else:
            raise UnknownFormat(file_format)

    @staticmethod
    def _csv(table: ReportTable, path: Path) -> None:
        clean = TextCleaner()
        kinds = [c.kind for c in table.columns]
        with path.open("w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream, lineterminator="\r\n")
            writer.writerow([clean(c.header) for c in table.columns])
            for row in (*table.rows, table.totals):
                writer.writerow([_csv_value(v, k, clean) for v, k in zip(row, kinds, strict=True)])

    @staticmethod
    def _xlsx(table: ReportTable, path: Path) -> None:
        clean = TextCleaner()
        book = Workbook(write_only=True)
        sheet = book.create_sheet(clean(table.title)[:31] or "report")
        for i, width in enumerate(widths(table), start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        labels = sum(1 for c in table.columns if c.kind in (CellKind.TEXT, CellKind.MONTH))
        header_row = 3 + len(table.notes)  # title, notes, a blank line, then the header
        sheet.freeze_panes = f"{get_column_letter(labels + 1)}{header_row + 1}"

        def cell(value: Cell, kind: CellKind, *, bold: bool = False, fill: PatternFill | None = None) -> WriteOnlyCell:
            written: Cell | float = value
            if isinstance(value, str):
                written = clean(value)
            elif isinstance(value, Decimal) and kind is CellKind.RATE:
                written = float(value)
            out = WriteOnlyCell(sheet, value=written)
            if kind in FORMATS and value is not None:
                out.number_format = FORMATS[kind]
            if bold:
                out.font = BOLD
            if fill is not None:
                out.fill = fill
            return out

        sheet.append([cell(table.title, CellKind.TEXT, bold=True)])
        for note in table.notes:
            sheet.append([cell(note, CellKind.TEXT)])
        sheet.append([cell("", CellKind.TEXT)])
        sheet.append([cell(c.header, CellKind.TEXT, bold=True, fill=HEADER_FILL) for c in table.columns])
        kinds = [c.kind for c in table.columns]
        for row in table.rows:
            sheet.append([cell(v, k) for v, k in zip(row, kinds, strict=True)])
        sheet.append([cell(v, k, bold=True, fill=TOTAL_FILL) for v, k in zip(table.totals, kinds, strict=True)])
        book.save(path)
