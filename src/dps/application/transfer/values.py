"""Cell values of an import/export sheet: a raw cell (what openpyxl or the CSV reader hands over) becomes
the column's Python value or a `CellError` the operator can act on, and a Python value becomes what a
writer puts in a cell so that reading it back gives the same value.

Pure Python on purpose (no openpyxl): the adapters only move raw cells, every rule lives here and in
the modules `parse_cell` builds on: `errors` (`CellError` and the messages), `dates` (date, time, era and
Excel-serial forms) and `codes` (`CodeListResolver`, which matches CODE / CODES cells to code lists).

Decisions worth knowing (the tests pin each one):

- **Text normalisation** (`normalize_text`): trimmed; the Halfwidth and Fullwidth Forms block is folded
  the way NFKC folds it (ＡＢＣ１２３ → ABC123, ｶﾞﾅ → ガナ, ＠ → @, ￥ → ¥, the full-width space → a space),
  except ～ (U+FF5E, the cp932 wave dash of "10時～12時", Japanese punctuation rather than a tilde) and
  ￣ (whose NFKC form is a space plus a combining mark). Full NFKC is *not* applied: it would rewrite
  ㈱ → (株), ① → 1, ㍻ → 平成 and the compatibility ideographs of personal names (神 U+FA19 → 神), changing
  what the operator typed. Kanji and kana are never changed, except that a kana followed by a separate
  voicing mark (half-width ﾞﾟ, or macOS-style decomposed text) is composed (カ+゙ → ガ). Control
  characters that a workbook cannot hold are dropped, zero-width spaces and BOMs removed.
- **Whitespace**: single-line values (every type but TEXT) have every run of whitespace, line breaks
  included, collapsed to one space. TEXT columns may be multi-line (notes, addresses): line breaks are
  kept (CRLF/CR become LF), each line is trimmed and its inner runs of spaces/tabs collapse to one
  space, and leading/trailing blank lines go. Indentation inside a memo is therefore not preserved.
- **Empty**: None, "" and whitespace-only cells are None (an error for a required column). An empty CODES
  value is exported as an empty cell and so reads back as None, not ().
- **Numbers**: int, float (Excel's 15 significant digits: a cell showing 0.3 whose double is
  0.30000000000000004 reads as 0.3), Decimal and strings with thousands separators (groups of three),
  ¥ / ￥ / \\ (the yen sign of a cp932 file) or a trailing 円, and a sign: -, −, +, or △ / ▲ (the Japanese
  accounting minus). Exponent notation ("1.23E+11") is refused: it is what Excel shows for a rounded
  large number, and importing it would store a wrong amount silently. NaN, infinities, "1.2.3", "1,2,3"
  are refused. INTEGER is 64-bit; DECIMAL at most 38 digits.
- **Dates**: date / datetime objects (a DATE cell must be at midnight), Excel serials in the 1900 date
  system (1..2958465, with Excel's phantom 1900-02-29 = serial 60 refused and serials below 60 mapped as
  Excel shows them), strings 2026/4/1, 2026-04-01, 2026.4.1, 20260401, 2026年4月1日, with an optional
  weekday "(水)" that must be right, and Japanese eras 令和8年4月1日, 令和元年5月1日, R8.4.1, H31/4/30,
  ㋿8年4月1日, with era boundaries checked (平成31年5月1日 does not exist). Meiji dates before 明治6年
  (1873, the switch to the Gregorian calendar) are refused. Two-digit years and digit-only strings other
  than YYYYMMDD are refused as ambiguous.
- **Datetimes**: the same plus a time "14:30", "14:30:05", "14時30分"; naive stays naive (the caller
  applies the tenant's zone), an explicit offset ("+09:00", "Z") gives an aware value. Exported to whole
  seconds (spreadsheets show seconds and keep at best milliseconds), naive in the caller's zone when
  `export_value` is given one; otherwise an aware value stays aware for the writer to localise.
- **Booleans** are exported as Python bools (an Excel TRUE/FALSE cell, TRUE/FALSE or True/False in a CSV), all
  of which read back; the parser also takes 1/0, yes/no, はい/いいえ, ○/×, 有/無, あり/なし.
- **Formula injection**: writers pass every text cell through `neutralise_formula` (a leading "'");
  `parse_cell` takes that apostrophe off again for TEXT and REFERENCE, so an export re-imports unchanged.
  Neutralising must leave neutralised text alone, so the one text that cannot survive the trip is a value
  that itself starts with an apostrophe followed by = + - @ (it comes back without the apostrophe).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, tzinfo
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from dps.application.transfer.dates import MIDNIGHT as _MIDNIGHT
from dps.application.transfer.dates import date_and_rest, serial_datetime, time_of
from dps.application.transfer.errors import (
    DATE_HAS_TIME,
    NOT_A_BOOLEAN,
    NOT_A_DATE,
    NOT_A_DATETIME,
    NOT_A_NUMBER,
    NOT_AN_ID,
    NOT_WHOLE,
    OUT_OF_RANGE,
    REQUIRED,
    UNSUPPORTED,
    CellError,
)
from dps.application.transfer.schema import Column, ColumnType

__all__ = [
    "REQUIRED",
    "CellError",
    "CodeResolver",
    "export_value",
    "neutralise_formula",
    "normalize_text",
    "parse_cell",
    "unneutralise_formula",
]


# --------------------------------------------------------------------------------------------- text

def _fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for cp in [*range(0x00, 0x09), 0x0E, 0x0F, *range(0x10, 0x20), 0x7F, 0x200B, 0xFEFF]:
        table[cp] = None  # characters a workbook cannot hold, or invisible ones that break key matching
    for cp in (0x0B, 0x0C, 0x85, 0x2028, 0x2029):
        table[cp] = "\n"  # vertical tab (Word's manual line break), form feed, Unicode line separators
    table[0x3000] = " "
    for cp in range(0xFF01, 0xFF5E):  # full-width ASCII, except ～ (U+FF5E, see the module docstring)
        table[cp] = chr(cp - 0xFEE0)
    for cp in [*range(0xFF5F, 0xFFA0), 0xFFE0, 0xFFE1, 0xFFE2, 0xFFE4, 0xFFE5, 0xFFE6, *range(0xFFE8, 0xFFEF)]:
        table[cp] = unicodedata.normalize("NFKC", chr(cp))  # half-width kana and punctuation, ￥ and co.
    return table


_FOLD = _fold_table()
_NEEDS_FOLD = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_FOLD)) + "\u3099\u309a]")
"""Any character the fold changes, or a separate voicing mark: most Japanese text has none, and a
search is much cheaper than translating it."""
_VOICED = re.compile("[\u3041-\u3096\u309d\u30a1-\u30fa\u30fd][\u3099\u309a]")


def normalize_text(raw: object, *, multiline: bool = False) -> str:
    """The cell as trimmed, width-folded text ("" for None); see the module docstring for the rules.
    `multiline` keeps line breaks (TEXT columns); otherwise all whitespace collapses to single spaces.
    Idempotent."""
    if raw is None:
        return ""
    text = raw if isinstance(raw, str) else _text_of(raw)
    if not (text.isascii() and text.isprintable()):
        if _NEEDS_FOLD.search(text):
            text = text.translate(_FOLD)
            if "\u3099" in text or "\u309a" in text:
                text = _VOICED.sub(lambda m: unicodedata.normalize("NFC", m.group()), text)
        if multiline and ("\n" in text or "\r" in text):
            lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            return "\n".join(" ".join(line.split()) for line in lines).strip("\n")
    return " ".join(text.split())


def _text_of(raw: object) -> str:
    """A non-text cell as text: a code or number typed into Excel arrives as int/float; a date as datetime."""
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float | Decimal):
        number = _decimal_of_float(raw) if isinstance(raw, float) else raw
        return format(number, "f") if number.is_finite() else str(number)
    if isinstance(raw, datetime):
        if raw.time() == _MIDNIGHT and raw.tzinfo is None:
            return raw.date().isoformat()
        return raw.isoformat(sep=" ", timespec="seconds" if raw.second or raw.microsecond else "minutes")
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, time):
        return raw.isoformat(timespec="seconds" if raw.second or raw.microsecond else "minutes")
    return str(raw)


def _decimal_of_float(value: float) -> Decimal:
    """A float from a workbook as the number Excel shows: 15 significant digits."""
    if not math.isfinite(value):
        raise CellError(NOT_A_NUMBER)
    return Decimal(format(value, ".15g"))


# ------------------------------------------------------------------------------------- formulas

_FORMULA_START = frozenset("=+-@\t\r\n＝＋－＠")


def neutralise_formula(text: str) -> str:
    """`text` with a leading apostrophe when a spreadsheet would run it as a formula: it starts with
    = + - @ (or their full-width forms, which an IME may turn into formulas), a tab, CR or LF. A text
    that looks like a negative number ("-5") is neutralised as well: it is text in a TEXT column, and
    telling numbers from formulas ("-5+cmd|' /C calc'!A0") would mean re-implementing Excel's grammar,
    so the rule stays a one-character test that cannot be talked around. Idempotent: a neutralised text
    starts with an apostrophe and is left alone."""
    if text and text[0] in _FORMULA_START:
        return "'" + text
    return text


def unneutralise_formula(text: str) -> str:
    """The inverse of `neutralise_formula` on what it produces: "'=x" -> "=x"; other texts unchanged."""
    if len(text) > 1 and text[0] == "'" and text[1] in _FORMULA_START:
        return text[1:]
    return text


# ---------------------------------------------------------------- code lists (implemented in codes)

class CodeResolver(Protocol):
    """Resolves the text of a CODE cell (a code, or a value's Japanese or English label) to the code."""

    def resolve(self, code_list_key: str, text: str) -> str:
        """The code `text` names in `code_list_key`, or CellError naming the allowed values."""
        ...


# --------------------------------------------------------------------------------------- numbers

_SIGNS = {"-": True, "−": True, "△": True, "▲": True, "+": False}
_CURRENCY = frozenset("¥\\")
_NUMBER = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+")
_MAX_DIGITS = 38
_INT64 = (-(2**63), 2**63 - 1)
_DECIMAL_LIMIT = 10**_MAX_DIGITS


def _number(raw: object) -> Decimal | int:
    """An int (whole numbers) or a finite Decimal; CellError for anything else. Strings are expected
    normalised. Written for speed: this runs for every numeric cell of a file."""
    if isinstance(raw, str):
        return _number_of_text(raw)
    if type(raw) is int:
        return raw
    if type(raw) is float:
        return _number_of_float(raw)
    if type(raw) is Decimal:
        if not raw.is_finite() or len(raw.as_tuple().digits) > _MAX_DIGITS:
            raise CellError(OUT_OF_RANGE if raw.is_finite() else NOT_A_NUMBER)
        return raw
    if isinstance(raw, int) and not isinstance(raw, bool):
        return int(raw)
    raise CellError(NOT_A_NUMBER)


def _number_of_float(value: float) -> Decimal | int:
    if value.is_integer() and -1e15 < value < 1e15:  # exact below 10**15, where .15g changes nothing
        return int(value)
    return _decimal_of_float(value)


def _number_of_text(text: str) -> Decimal | int:
    if text.isdigit() and text.isascii() and len(text) <= _MAX_DIGITS:
        return int(text)
    body = text[:-1].rstrip() if text.endswith("円") else text
    negative: bool | None = None
    currency = False
    while body and (body[0] in _SIGNS or body[0] in _CURRENCY):
        if body[0] in _CURRENCY and not currency:
            currency = True
        elif body[0] in _SIGNS and negative is None:
            negative = _SIGNS[body[0]]
        else:
            raise CellError(NOT_A_NUMBER)
        body = body[1:].lstrip()
    if len(body) > 2 * _MAX_DIGITS or not _NUMBER.fullmatch(body):
        raise CellError(NOT_A_NUMBER)
    digits = body.replace(",", "")
    if len(digits) - ("." in digits) > _MAX_DIGITS:
        raise CellError(OUT_OF_RANGE)
    value: Decimal | int = Decimal(digits) if "." in digits else int(digits)
    return -value if negative and value else value


def _parse_integer(column: Column, raw: object, codes: CodeResolver | None) -> int:
    number = _number(raw)
    if isinstance(number, Decimal):
        if number != number.to_integral_value():
            raise CellError(NOT_WHOLE)
        if number.adjusted() > 20:
            raise CellError(OUT_OF_RANGE)
        number = int(number)
    if not _INT64[0] <= number <= _INT64[1]:
        raise CellError(OUT_OF_RANGE)
    return number


def _parse_decimal(column: Column, raw: object, codes: CodeResolver | None) -> Decimal:
    number = _number(raw)
    if not isinstance(number, Decimal):
        if not -_DECIMAL_LIMIT < number < _DECIMAL_LIMIT:
            raise CellError(OUT_OF_RANGE)
        return Decimal(number)
    value = number
    if value and value.adjusted() >= _MAX_DIGITS:
        raise CellError(OUT_OF_RANGE)
    return value if value else value + 0  # -0 -> 0


# ----------------------------------------------------------------------------------------- dates

def _serial(raw: object, *, with_time: bool) -> datetime | None:
    """An Excel serial number (1900 date system) as a naive datetime; None when `raw` is not a number."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal):
        return None
    return serial_datetime(_number(raw), with_time=with_time)


def _parse_date(column: Column, raw: object, codes: CodeResolver | None) -> date:
    if isinstance(raw, datetime):
        if raw.time() != _MIDNIGHT:
            raise CellError(DATE_HAS_TIME)
        return raw.date()
    if isinstance(raw, date):
        return raw
    serial = _serial(raw, with_time=False)
    if serial is not None:
        return serial.date()
    if not isinstance(raw, str):
        raise CellError(NOT_A_DATE)
    found = date_and_rest(raw)
    if found is None:
        raise CellError(NOT_A_DATE)
    value, rest = found
    if rest:
        at = time_of(rest)
        if at is None:
            raise CellError(NOT_A_DATE)
        if at[0] != _MIDNIGHT:
            raise CellError(DATE_HAS_TIME)
    return value


def _parse_datetime(column: Column, raw: object, codes: CodeResolver | None) -> datetime:
    if isinstance(raw, datetime):
        return raw
    if isinstance(raw, date):
        return datetime.combine(raw, _MIDNIGHT)
    serial = _serial(raw, with_time=True)
    if serial is not None:
        return serial
    if not isinstance(raw, str):
        raise CellError(NOT_A_DATETIME)
    found = date_and_rest(raw)
    if found is None:
        raise CellError(NOT_A_DATETIME)
    day, rest = found
    at = time_of(rest) if rest else (_MIDNIGHT, None)
    if at is None:
        raise CellError(NOT_A_DATETIME)
    return datetime.combine(day, at[0], at[1])


# ------------------------------------------------------------------------------- other types

_TRUE = frozenset({"true", "t", "1", "yes", "y", "on", "はい", "○", "〇", "◯", "有", "あり", "有効"})
_FALSE = frozenset({"false", "f", "0", "no", "n", "off", "いいえ", "×", "✕", "無", "なし", "無効"})


def _parse_boolean(column: Column, raw: object, codes: CodeResolver | None) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float | Decimal):
        if raw in (0, 1):
            return bool(raw)
        raise CellError(NOT_A_BOOLEAN)
    word = (raw if isinstance(raw, str) else _text_of(raw)).casefold()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise CellError(NOT_A_BOOLEAN)


def _parse_id(column: Column, raw: object, codes: CodeResolver | None) -> UUID:
    if isinstance(raw, UUID):
        return raw
    if not isinstance(raw, str):
        raise CellError(NOT_AN_ID)
    try:
        return UUID(raw)
    except ValueError:
        raise CellError(NOT_AN_ID) from None


def _checked_length(column: Column, text: str) -> str:
    if column.max_length is not None and len(text) > column.max_length:
        n = column.max_length
        raise CellError(f"{n}文字以内で入力してください (現在{len(text)}文字) / at most {n} characters "
                        f"(got {len(text)})")
    return text


def _parse_text(column: Column, raw: object, codes: CodeResolver | None) -> str:
    return _checked_length(column, raw if isinstance(raw, str) else normalize_text(raw, multiline=True))


def _parse_reference(column: Column, raw: object, codes: CodeResolver | None) -> str:
    return _checked_length(column, raw if isinstance(raw, str) else normalize_text(raw))


def _resolver(column: Column, codes: CodeResolver | None) -> tuple[CodeResolver, str]:
    if column.code_list is None or codes is None:
        raise ValueError(f"column '{column.key}' needs a code_list and a CodeResolver")
    return codes, column.code_list


def _parse_code(column: Column, raw: object, codes: CodeResolver | None) -> str:
    resolver, key = _resolver(column, codes)
    return resolver.resolve(key, raw if isinstance(raw, str) else normalize_text(raw))


_CODE_SEPARATORS = re.compile("[,、，､;；\n\r\u2028\u2029]")


def _parse_codes(column: Column, raw: object, codes: CodeResolver | None) -> tuple[str, ...] | None:
    resolver, key = _resolver(column, codes)
    parts = _CODE_SEPARATORS.split(raw) if isinstance(raw, str) else [normalize_text(raw)]
    found: dict[str, None] = {}
    for part in parts:
        text = normalize_text(part)
        if text:
            found[resolver.resolve(key, text)] = None
    return tuple(found) or None


_Parser = Callable[[Column, object, "CodeResolver | None"], object]
_AS_IS, _SINGLE_LINE, _FORMULA_SINGLE_LINE, _FORMULA_MULTILINE = range(4)
"""How parse_cell prepares a text cell: left alone (CODES splits on line breaks first), normalised,
or un-neutralised and then normalised to one line or keeping line breaks."""
_KINDS: dict[str, tuple[_Parser, int]] = {
    ColumnType.TEXT.value: (_parse_text, _FORMULA_MULTILINE),
    ColumnType.INTEGER.value: (_parse_integer, _SINGLE_LINE),
    ColumnType.DECIMAL.value: (_parse_decimal, _SINGLE_LINE),
    ColumnType.DATE.value: (_parse_date, _SINGLE_LINE),
    ColumnType.DATETIME.value: (_parse_datetime, _SINGLE_LINE),
    ColumnType.BOOLEAN.value: (_parse_boolean, _SINGLE_LINE),
    ColumnType.CODE.value: (_parse_code, _SINGLE_LINE),
    ColumnType.CODES.value: (_parse_codes, _AS_IS),
    ColumnType.ID.value: (_parse_id, _SINGLE_LINE),
    ColumnType.REFERENCE.value: (_parse_reference, _FORMULA_SINGLE_LINE),
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


