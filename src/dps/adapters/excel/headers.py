"""Which schema column each position of a sheet holds: by the hidden key row when there is one, else by
header text (Japanese or English label, or the key itself; NFKC-folded, trimmed, case-insensitive).

Shared by the xlsx and the CSV readers. The key row's first cell is `#key:<key of column A>` (the marker
and column A's key in one cell, so no column is spent on the marker); `#key` alone means column A holds
no key. A sheet of another kind is refused as a whole rather than reported as twenty unknown columns.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from attrs import frozen

from dps.application.transfer.ports import HeaderProblem, SheetHeaderError, UnreadableFile
from dps.application.transfer.schema import KEY_ROW_MARKER, SheetSchema

ERROR_HEADER = "エラー / Errors"
"""The last column of an error workbook; a corrected error workbook re-imports with it ignored."""
ERROR_KEY = "#errors"
"""The key row's cell above ERROR_HEADER."""
MAX_HEADER_CHARS = 1000
"""Header cells longer than this are not labels; reported (shortened) without being folded."""


@frozen
class ColumnMap:
    """The result of reading the header rows: the key of each position (None: not a column of the
    schema), the header texts as they stand, and whether a key row was present (data start one row
    lower)."""

    columns: tuple[str | None, ...]
    headers: tuple[str, ...]
    has_key_row: bool


def key_row_cells(keys: Sequence[str | None]) -> list[str | None]:
    """The cells of the hidden key row for columns with these keys."""
    if not keys:
        return [KEY_ROW_MARKER]
    first = keys[0]
    return [f"{KEY_ROW_MARKER}:{first}" if first else KEY_ROW_MARKER, *keys[1:]]


def is_key_row(cells: Sequence[Any]) -> bool:
    return bool(cells) and isinstance(cells[0], str) and cells[0].strip().startswith(KEY_ROW_MARKER)


def keys_of_key_row(cells: Sequence[Any]) -> list[str | None]:
    first = str(cells[0]).strip()[len(KEY_ROW_MARKER):].lstrip(":").strip()
    rest = [str(c).strip() if c is not None and str(c).strip() else None for c in cells[1:]]
    return [first or None, *rest]


def normalise_header(text: str) -> str:
    """NFKC-fold (full-width letters and digits, half-width kana), drop surrounding and repeated
    blanks, casefold: what two spellings of one label have in common."""
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


def header_text(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    if len(text) > MAX_HEADER_CHARS:
        return text[:40] + "…"
    return text.strip()


def not_this_kind(schema: SheetSchema) -> UnreadableFile:
    article = "an" if schema.kind[:1].lower() in "aeiou" else "a"
    return UnreadableFile(f"この{schema.sheet_title}シートではありません / this is not {article} {schema.kind} sheet")


def map_columns(schema: SheetSchema, header_cells: Sequence[Any], key_cells: Sequence[Any] | None) -> ColumnMap:
    """Map a sheet's columns to the schema: by the key row (`key_cells`, row 2) when it is one, else by
    header text. Raises UnreadableFile for another kind's sheet, SheetHeaderError (with the missing,
    unknown and duplicated columns) for a header that does not fit."""
    width = max(len(header_cells), len(key_cells) if key_cells is not None and is_key_row(key_cells) else 0)
    headers = [header_text(header_cells[i]) if i < len(header_cells) else "" for i in range(width)]
    while headers and not headers[-1]:
        headers.pop()
    known = set(schema.keys)
    by_text: dict[str, str] = {}
    for column in schema.columns:
        for text in (column.key, column.header_en, column.header_ja):
            by_text.setdefault(normalise_header(text), column.key)
    ignored = {"", normalise_header(ERROR_HEADER)}
    columns: list[str | None] = []
    unknown: list[str] = []

    def by_header(text: str) -> str | None:
        folded = normalise_header(text) if text else ""
        key = by_text.get(folded)
        if key is None and folded not in ignored:
            unknown.append(text)
        return key

    if key_cells is not None and is_key_row(key_cells):
        keys = keys_of_key_row(key_cells)
        named = [k for k in keys if k and k != ERROR_KEY]
        native = [k for k in named if not k.startswith("cf.")]
        if not any(k in known for k in named) or (native and 2 * sum(k in known for k in native) < len(native)):
            raise not_this_kind(schema)
        keys += [None] * (len(headers) - len(keys))
        headers += [""] * (len(keys) - len(headers))
        while keys and keys[-1] is None and not headers[-1]:
            keys.pop()
            headers.pop()
        for key, text in zip(keys, headers, strict=True):
            if key in known:
                columns.append(key)
            elif key is None:  # a column inserted by hand after the export: its label says what it is
                columns.append(by_header(text))
            else:
                columns.append(None)
                if key != ERROR_KEY:
                    unknown.append(text or key)
        return _checked(schema, ColumnMap(tuple(columns), tuple(headers), True), unknown)
    columns = [by_header(text) for text in headers]
    if not any(columns):
        raise not_this_kind(schema)
    return _checked(schema, ColumnMap(tuple(columns), tuple(headers), False), unknown)


def _checked(schema: SheetSchema, mapped: ColumnMap, unknown: list[str]) -> ColumnMap:
    found = [c for c in mapped.columns if c]
    duplicate = sorted({c for c in found if found.count(c) > 1})
    missing = [c.key for c in schema.columns if c.required and c.key not in found]
    problem = HeaderProblem(missing=tuple(missing), unknown=tuple(unknown), duplicate=tuple(duplicate))
    if problem:
        labelled = HeaderProblem(missing=tuple(f"{schema.column(k).header_ja} ({k})" for k in missing),
                                 unknown=problem.unknown, duplicate=problem.duplicate)
        raise SheetHeaderError(problem, labelled.message())
    return mapped
