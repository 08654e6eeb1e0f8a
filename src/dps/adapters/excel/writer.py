"""Write a sheet as an xlsx workbook, streaming (openpyxl write-only mode: each row goes to a temporary
file as it is appended, so memory stays flat whatever the row count; text is written inline, so no
shared-string table grows either).

Layout of an export or a template: row 1 the headers in the user's labels (required ones shaded), row 2
hidden with the column keys (`#key:<first key>`, then one key per column) so a re-import maps columns by
key, panes frozen below, widths from the header and type, dates with a date format, code columns with a
dropdown (data validation; an inline list when short, else a range of a hidden `codes` sheet). An
error workbook: the original headers (and key row when the keys are known) plus an エラー / Errors
column holding each row's messages.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, tzinfo
from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter, quote_sheetname  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

from dps.adapters.excel.cells import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    DEFAULT_ZONE,
    Neutraliser,
    TextCleaner,
    is_plain_number,
    local_naive,
    zone,
)
from dps.adapters.excel.headers import ERROR_HEADER, ERROR_KEY, key_row_cells
from dps.application.transfer.schema import ColumnType, SheetSchema

EXCEL_LAST_ROW = 1_048_576
INLINE_LIST_MAX = 255
"""Excel's limit on an inline list's formula (the codes joined by commas)."""
CODES_SHEET = "codes"
HEADER_FONT = Font(bold=True)
REQUIRED_FILL = PatternFill(fill_type="solid", start_color="FFF2CC", end_color="FFF2CC")
HEADER_FILL = PatternFill(fill_type="solid", start_color="DDEBF7", end_color="DDEBF7")
ERROR_FONT = Font(color="C00000")
WRAP = Alignment(wrap_text=True, vertical="top")
TYPE_WIDTHS = {ColumnType.DATE: 12, ColumnType.DATETIME: 19, ColumnType.ID: 38, ColumnType.BOOLEAN: 8}


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class _XlsxWriter:
    """The streaming sheet and the value conversion both sinks share."""

    def __init__(self, path: Path, title: str, neutralise: Neutraliser | None, tz: str | tzinfo) -> None:
        self._path = path
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet(title)
        self._clean = TextCleaner(neutralise)
        self._tz = zone(tz)
        self._started = False
        self._closed = False

    def _layout(self, widths: Sequence[int], key_row: bool) -> None:
        """Before the first row: openpyxl writes widths, panes and row attributes with the sheet's top."""
        for i, width in enumerate(widths, start=1):
            self._sheet.column_dimensions[get_column_letter(i)].width = width
        if key_row:
            self._sheet.row_dimensions[2].hidden = True
        self._sheet.freeze_panes = "A3" if key_row else "A2"

    def _append(self, cells: Iterable[Any]) -> None:
        self._started = True
        self._sheet.append(list(cells))

    def _header_cell(self, text: str, fill: PatternFill) -> Any:
        cell = WriteOnlyCell(self._sheet, value=self._clean(text))
        cell.font = HEADER_FONT
        cell.fill = fill
        return cell

    def _text_cell(self, text: str) -> Any:
        text = self._clean(text)
        if text.startswith("="):  # a neutraliser that left it alone: still never a formula
            cell = WriteOnlyCell(self._sheet, value=text)
            cell.data_type = "s"
            return cell
        return text

    def _cell(self, value: Any) -> Any:
        if value is None or is_plain_number(value):
            return value
        if isinstance(value, str):
            return self._text_cell(value)
        if isinstance(value, bool):
            return value
        if isinstance(value, datetime):
            cell = WriteOnlyCell(self._sheet, value=local_naive(value, self._tz))
            cell.number_format = DATETIME_FORMAT
            return cell
        if isinstance(value, date):
            cell = WriteOnlyCell(self._sheet, value=value)
            cell.number_format = DATE_FORMAT
            return cell
        if isinstance(value, time):
            return value.replace(tzinfo=None)
        return self._text_cell(str(value))

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._book.save(self._path)

    def __enter__(self) -> _XlsxWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class XlsxSink(_XlsxWriter):
    """An export or a template of one kind. `write_header` lays the sheet out (it is called for you by
    the first `write_row` if need be); `close` saves the workbook."""

    def __init__(self, path: Path, schema: SheetSchema, *, code_choices: dict[str, Sequence[str]] | None = None,
                 neutralise: Neutraliser | None = None, tz: str | tzinfo = DEFAULT_ZONE) -> None:
        super().__init__(path, schema.sheet_title, neutralise, tz)
        self._schema = schema
        self._choices = {k: list(v) for k, v in (code_choices or {}).items() if v and k in schema.keys}

    def write_header(self, schema: SheetSchema, *, english_first: bool = False) -> None:
        if self._started:
            raise RuntimeError("the header is written once, before the rows")
        self._schema = schema
        labels = [c.header(english_first) for c in schema.columns]
        widths = [TYPE_WIDTHS.get(c.type, min(max(display_width(label) + 4, 10), 60))
                  for c, label in zip(schema.columns, labels, strict=True)]
        self._layout(widths, key_row=True)
        self._validations(schema)
        self._append(self._header_cell(label, REQUIRED_FILL if c.required else HEADER_FILL)
                     for c, label in zip(schema.columns, labels, strict=True))
        self._append(key_row_cells(schema.keys))

    def write_row(self, values: Sequence[Any]) -> None:
        if not self._started:
            self.write_header(self._schema)
        self._append(self._cell(v) for v in values)

    def close(self) -> None:
        if not self._started and not self._closed:
            self.write_header(self._schema)
        super().close()

    def _validations(self, schema: SheetSchema) -> None:
        long_lists: list[tuple[int, list[str]]] = []
        for position, column in enumerate(schema.columns, start=1):
            choices = self._choices.get(column.key)
            if not choices:
                continue
            letter = get_column_letter(position)
            inline = ",".join(choices)
            if len(inline) <= INLINE_LIST_MAX and not any('"' in c or "," in c for c in choices):
                formula = f'"{inline}"'
            else:
                col = get_column_letter(len(long_lists) + 1)
                long_lists.append((position, choices))
                formula = f"{quote_sheetname(CODES_SHEET)}!${col}$1:${col}${len(choices)}"
            strict = column.type is not ColumnType.CODES  # several codes in one cell: the list only suggests
            validation = DataValidation(
                type="list", formula1=formula, allow_blank=True, showErrorMessage=strict,
                errorTitle="コード / code", error="一覧から選んでください / pick a value from the list",
            )
            validation.add(f"{letter}3:{letter}{EXCEL_LAST_ROW}")
            self._sheet.data_validations.append(validation)
        if long_lists:
            self._write_codes_sheet([choices for _, choices in long_lists])

    def _write_codes_sheet(self, lists: list[list[str]]) -> None:
        sheet = self._book.create_sheet(CODES_SHEET)
        sheet.sheet_state = "hidden"
        for i in range(max(len(c) for c in lists)):
            row = []
            for choices in lists:
                cell = None
                if i < len(choices):
                    cell = WriteOnlyCell(sheet, value=choices[i])
                    cell.data_type = "s"  # a code is never a formula, whatever it starts with
                row.append(cell)
            sheet.append(row)


class XlsxErrorSink(_XlsxWriter):
    """The error workbook: each row is the original cells followed by the row's messages (a string, or
    a sequence of strings joined by line breaks) in the エラー / Errors column."""

    def __init__(self, path: Path, headers: Sequence[str], *, keys: Sequence[str | None] | None = None,
                 neutralise: Neutraliser | None = None, tz: str | tzinfo = DEFAULT_ZONE,
                 title: str = "エラー") -> None:
        super().__init__(path, title, neutralise, tz)
        self._headers = list(headers)
        self._keys = list(keys) if keys is not None else None
        if self._keys is not None:
            self._keys += [None] * (len(self._headers) - len(self._keys))

    def write_header(self, schema: SheetSchema | None = None, *, english_first: bool = False) -> None:
        if self._started:
            raise RuntimeError("the header is written once, before the rows")
        widths = [min(max(display_width(h) + 4, 10), 40) for h in self._headers] + [60]
        self._layout(widths, key_row=self._keys is not None)
        self._append([*(self._header_cell(h, HEADER_FILL) for h in self._headers),
                      self._header_cell(ERROR_HEADER, REQUIRED_FILL)])
        if self._keys is not None:
            self._append(key_row_cells([*self._keys, ERROR_KEY]))

    def write_row(self, values: Sequence[Any]) -> None:
        if not self._started:
            self.write_header()
        *cells, messages = values if values else [""]
        cells += [None] * (len(self._headers) - len(cells))
        text = messages if isinstance(messages, str) else "\n".join(str(m) for m in messages or ())
        error = WriteOnlyCell(self._sheet, value=self._clean(text))
        error.font = ERROR_FONT
        error.alignment = WRAP
        self._append([*(self._cell(v) for v in cells), error])

    def close(self) -> None:
        if not self._started and not self._closed:
            self.write_header()
        super().close()
