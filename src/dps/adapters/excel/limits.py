"""The size limits a reader enforces before it builds anything big, and the per-row clean-up the xlsx
and CSV readers share (pad to the header width, skip blank rows, refuse an over-long cell)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from attrs import frozen

from dps.application.transfer.ports import UnreadableFile

EXCEL_MAX_DATA_ROWS = 1_048_575
"""Excel's 1,048,576 rows less the header row."""
EXCEL_MAX_CELL_CHARS = 32_767


@frozen
class ReadLimits:
    """`max_rows` counts data rows (not the header or key row); `max_cell_chars` is the longest text a
    cell may hold (Excel's own limit by default); `max_shared_strings_bytes` bounds the shared-string
    table openpyxl loads whole into memory (a zip bomb's favourite part)."""

    max_rows: int = EXCEL_MAX_DATA_ROWS
    max_cell_chars: int = EXCEL_MAX_CELL_CHARS
    max_shared_strings_bytes: int = 1 << 30


def too_many_rows(limit: int, found: int | None = None) -> UnreadableFile:
    seen = f"{found:,} 行 / {found:,} rows; " if found is not None else ""
    return UnreadableFile(
        f"行数が多すぎます（上限 {limit:,} 行）/ too many rows ({seen}the limit is {limit:,} data rows). "
        "空に見える行に書式が残っている場合は行を削除してください / delete formatted empty rows below the data"
    )


def cell_too_long(row: int, header: str, limit: int) -> UnreadableFile:
    where = f"{row} 行目「{header}」" if header else f"{row} 行目"
    where_en = f"row {row}, column {header!r}" if header else f"row {row}"
    return UnreadableFile(
        f"{where}のセルが長すぎます（上限 {limit:,} 文字）/ the cell at {where_en} is longer than {limit:,} characters"
    )


def clean_row(raw: Sequence[Any], width: int, number: int, headers: Sequence[str], max_chars: int
              ) -> tuple[Any, ...] | None:
    """The row's first `width` cells (padded with None), empty strings as None; None for a blank row.
    Raises UnreadableFile for a text longer than `max_chars` (checked by len, nothing copied)."""
    cells = list(raw[:width])
    if len(cells) < width:
        cells.extend([None] * (width - len(cells)))
    blank = True
    for i, value in enumerate(cells):
        if value is None:
            continue
        if value.__class__ is str:
            if len(value) > max_chars:
                raise cell_too_long(number, headers[i] if i < len(headers) else "", max_chars)
            if not value:
                cells[i] = None
                continue
            if blank and not value.isspace():
                blank = False
        else:
            blank = False
    return None if blank else tuple(cells)
