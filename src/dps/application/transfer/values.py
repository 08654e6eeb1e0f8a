"""Cell values of an import/export sheet: `parse_cell` turns a raw cell (what openpyxl or the CSV reader
hands over) into the column's Python value or a `CellError` the operator can act on, and `export_value`
turns a Python value into what a writer puts in a cell so that reading it back gives the same value.

Pure Python on purpose (no openpyxl): the adapters only move raw cells, every rule lives here and in the
modules `parse_cell` builds on: `text` (width and whitespace normalisation), `formulas` (the
formula-injection guard), `parsers` (one parser per column type: numbers, dates, booleans, ids, codes),
`dates` (date, time, era and Excel-serial forms), `codes` (`CodeListResolver`, which matches CODE / CODES
cells to code lists) and `errors` (`CellError` and the messages).

Decisions worth knowing (the tests pin each one; those of reading a cell are in `text`, `formulas` and
`parsers`):

- **Empty**: None, "" and whitespace-only cells are None (an error for a required column). An empty CODES
  value is exported as an empty cell and so reads back as None, not ().
- **Datetimes** are exported to whole seconds (spreadsheets show seconds and keep at best milliseconds),
  naive in the caller's zone when `export_value` is given one; otherwise an aware value stays aware for the
  writer to localise.
- **Booleans** are exported as Python bools (an Excel TRUE/FALSE cell, TRUE/FALSE or True/False in a CSV), all
  of which read back.
- **Formula injection**: the apostrophe a writer puts before a text that a spreadsheet would run as a
  formula (`formulas.neutralise_formula`) is taken off again for TEXT and REFERENCE columns, so an export
  re-imports unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, tzinfo
from decimal import Decimal
from uuid import UUID

from dps.application.transfer.errors import REQUIRED, UNSUPPORTED, CellError
from dps.application.transfer.formulas import unneutralise_formula
from dps.application.transfer.parsers import (
    CodeResolver,
    Parser,
    parse_boolean,
    parse_code,
    parse_codes,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_id,
    parse_integer,
    parse_reference,
    parse_text,
)
from dps.application.transfer.schema import Column, ColumnType
from dps.application.transfer.text import normalize_text

__all__ = ["export_value", "parse_cell"]


# ---------------------------------------------------------------------------------------- import

_AS_IS, _SINGLE_LINE, _FORMULA_SINGLE_LINE, _FORMULA_MULTILINE = range(4)
"""How parse_cell prepares a text cell: left alone (CODES splits on line breaks first), normalised,
or un-neutralised and then normalised to one line or keeping line breaks."""
_KINDS: dict[str, tuple[Parser, int]] = {
    ColumnType.TEXT.value: (parse_text, _FORMULA_MULTILINE),
    ColumnType.INTEGER.value: (parse_integer, _SINGLE_LINE),
    ColumnType.DECIMAL.value: (parse_decimal, _SINGLE_LINE),
    ColumnType.DATE.value: (parse_date, _SINGLE_LINE),
    ColumnType.DATETIME.value: (parse_datetime, _SINGLE_LINE),
    ColumnType.BOOLEAN.value: (parse_boolean, _SINGLE_LINE),
    ColumnType.CODE.value: (parse_code, _SINGLE_LINE),
    ColumnType.CODES.value: (parse_codes, _AS_IS),
    ColumnType.ID.value: (parse_id, _SINGLE_LINE),
    ColumnType.REFERENCE.value: (parse_reference, _FORMULA_SINGLE_LINE),
}
_CELL_TYPES = (str, int, float, Decimal, date, time, UUID)


def parse_cell(column: Column, raw: object, codes: CodeResolver | None = None) -> object:
    """The value of `raw` (a cell as the reader gives it) for `column`: str (TEXT, REFERENCE, CODE),
    int, Decimal, date, datetime, bool, tuple[str, ...] (CODES) or UUID (ID); None for an empty cell.
    Raises CellError with the reason; ValueError when a CODE column has no code list or resolver
    (a programming error, not the operator's). Runs for every cell of an import, so it avoids enum
    lookups and re-normalising on its hot paths."""
    parser, mode = _KINDS[column.type._value_]
    if isinstance(raw, str):
        if mode != _AS_IS:
            if mode != _SINGLE_LINE and raw[:1] == "'":
                raw = unneutralise_formula(raw)
            raw = normalize_text(raw, multiline=mode == _FORMULA_MULTILINE) or None
    elif raw is not None and not isinstance(raw, _CELL_TYPES):
        raise CellError(UNSUPPORTED)
    value = None if raw is None else parser(column, raw, codes)
    if value is None and column.required:
        raise CellError(REQUIRED)
    return value


# ---------------------------------------------------------------------------------------- export

def export_value(column: Column, value: object, *, zone: tzinfo | None = None) -> object:
    """What a writer puts in `column`'s cell for `value` so that `parse_cell` gives `value` back:
    str for TEXT / REFERENCE / CODE / ID, int, Decimal (the writer decides how to write it; a CSV
    writer must use format(value, "f"), since str() may give exponent notation that is refused),
    date, a datetime to whole seconds (an aware one made naive in `zone` when given; without `zone` it stays
    aware and the writer shows it in the tenant's zone, as adapters/excel/cells.local_naive does),
    bool, and CODES joined with ", " (sets sorted). None stays None. A value of the wrong type for
    the column is a TypeError: the kind's mapping is wrong, not the data."""
    if value is None:
        return None
    kind = column.type
    if kind in (ColumnType.TEXT, ColumnType.REFERENCE, ColumnType.CODE):
        return value if isinstance(value, str) else str(value)
    if kind is ColumnType.INTEGER and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind is ColumnType.DECIMAL and isinstance(value, Decimal | int) and not isinstance(value, bool):
        return Decimal(value)
    if kind is ColumnType.DATE and isinstance(value, date) and not isinstance(value, datetime):
        return value
    if kind is ColumnType.DATETIME and isinstance(value, datetime):
        if value.tzinfo is not None and zone is not None:
            value = value.astimezone(zone).replace(tzinfo=None)
        return value.replace(microsecond=0)
    if kind is ColumnType.BOOLEAN and isinstance(value, bool):
        return value
    if kind is ColumnType.CODES and isinstance(value, Iterable) and not isinstance(value, str):
        items = [str(v) for v in value]
        if isinstance(value, set | frozenset):
            items.sort()
        return ", ".join(items) or None
    if kind is ColumnType.ID and isinstance(value, UUID | str):
        return str(value if isinstance(value, UUID) else UUID(value))
    raise TypeError(f"column '{column.key}' ({kind.value}) cannot export {type(value).__name__} {value!r}")
