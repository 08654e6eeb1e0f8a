"""The parser of each column type: a raw cell (already trimmed and width-folded where `values.parse_cell`
does that) becomes the column's Python value, or a `CellError` the operator can act on. Pure Python, like
the rest of the cell rules (see `values`); the date, time, era and Excel-serial forms are `dates`', the
matching of CODE / CODES cells to code lists `codes`' (`CodeListResolver`, a `CodeResolver`).

Decisions worth knowing (tests/unit/application/transfer/test_values.py pins each one):

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
  applies the tenant's zone), an explicit offset ("+09:00", "Z") gives an aware value.
- **Booleans**: a bool, 1/0, true/false, yes/no, はい/いいえ, ○/×, 有/無, あり/なし.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
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
    CellError,
)
from dps.application.transfer.schema import Column
from dps.application.transfer.text import decimal_of_float, normalize_text, text_of

__all__ = [
    "CodeResolver",
    "Parser",
    "parse_boolean",
    "parse_code",
    "parse_codes",
    "parse_date",
    "parse_datetime",
    "parse_decimal",
    "parse_id",
    "parse_integer",
    "parse_reference",
    "parse_text",
]


class CodeResolver(Protocol):
    """Resolves the text of a CODE cell (a code, or a value's Japanese or English label) to the code."""

    def resolve(self, code_list_key: str, text: str) -> str:
        """The code `text` names in `code_list_key`, or CellError naming the allowed values."""
        ...


Parser = Callable[[Column, object, "CodeResolver | None"], object]
"""A column type's parser: the column, the raw cell (not None) and the code resolver (CODE / CODES)."""

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
    return decimal_of_float(value)


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


def parse_integer(column: Column, raw: object, codes: CodeResolver | None) -> int:
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


def parse_decimal(column: Column, raw: object, codes: CodeResolver | None) -> Decimal:
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


def _date_and_rest(raw: object, error: str) -> tuple[date, str]:
    """A text cell's date and the text after it (a time, or ""); CellError(`error`) when it has none."""
    if not isinstance(raw, str):
        raise CellError(error)
    found = date_and_rest(raw)
    if found is None:
        raise CellError(error)
    return found


def parse_date(column: Column, raw: object, codes: CodeResolver | None) -> date:
    if isinstance(raw, datetime):
        if raw.time() != _MIDNIGHT:
            raise CellError(DATE_HAS_TIME)
        return raw.date()
    if isinstance(raw, date):
        return raw
    serial = _serial(raw, with_time=False)
    if serial is not None:
        return serial.date()
    value, rest = _date_and_rest(raw, NOT_A_DATE)
    if rest:
        at = time_of(rest)
        if at is None:
            raise CellError(NOT_A_DATE)
        if at[0] != _MIDNIGHT:
            raise CellError(DATE_HAS_TIME)
    return value


def parse_datetime(column: Column, raw: object, codes: CodeResolver | None) -> datetime:
    if isinstance(raw, datetime):
        return raw
    if isinstance(raw, date):
        return datetime.combine(raw, _MIDNIGHT)
    serial = _serial(raw, with_time=True)
    if serial is not None:
        return serial
    day, rest = _date_and_rest(raw, NOT_A_DATETIME)
    at = time_of(rest) if rest else (_MIDNIGHT, None)
    if at is None:
        raise CellError(NOT_A_DATETIME)
    return datetime.combine(day, at[0], at[1])


# ------------------------------------------------------------------------------- other types

_TRUE = frozenset({"true", "t", "1", "yes", "y", "on", "はい", "○", "〇", "◯", "有", "あり", "有効"})
_FALSE = frozenset({"false", "f", "0", "no", "n", "off", "いいえ", "×", "✕", "無", "なし", "無効"})


def parse_boolean(column: Column, raw: object, codes: CodeResolver | None) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float | Decimal):
        if raw in (0, 1):
            return bool(raw)
        raise CellError(NOT_A_BOOLEAN)
    word = (raw if isinstance(raw, str) else text_of(raw)).casefold()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise CellError(NOT_A_BOOLEAN)


def parse_id(column: Column, raw: object, codes: CodeResolver | None) -> UUID:
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


def parse_text(column: Column, raw: object, codes: CodeResolver | None) -> str:
    return _checked_length(column, raw if isinstance(raw, str) else normalize_text(raw, multiline=True))


def parse_reference(column: Column, raw: object, codes: CodeResolver | None) -> str:
    return _checked_length(column, raw if isinstance(raw, str) else normalize_text(raw))


def _resolver(column: Column, codes: CodeResolver | None) -> tuple[CodeResolver, str]:
    if column.code_list is None or codes is None:
        raise ValueError(f"column '{column.key}' needs a code_list and a CodeResolver")
    return codes, column.code_list


def parse_code(column: Column, raw: object, codes: CodeResolver | None) -> str:
    resolver, key = _resolver(column, codes)
    return resolver.resolve(key, raw if isinstance(raw, str) else normalize_text(raw))


_CODE_SEPARATORS = re.compile("[,、，､;；\n\r\u2028\u2029]")


def parse_codes(column: Column, raw: object, codes: CodeResolver | None) -> tuple[str, ...] | None:
    resolver, key = _resolver(column, codes)
    parts = _CODE_SEPARATORS.split(raw) if isinstance(raw, str) else [normalize_text(raw)]
    found: dict[str, None] = {}
    for part in parts:
        text = normalize_text(part)
        if text:
            found[resolver.resolve(key, text)] = None
    return tuple(found) or None


