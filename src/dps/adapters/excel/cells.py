"""How a Python value becomes a cell of an export (xlsx or CSV), the same for both writers: text is
cleaned (characters XML cannot carry dropped, cut at Excel's 32,767 characters) and neutralised against
formula injection; aware datetimes are shown in the configured zone (Excel has no time zones).

The neutraliser is `dps.application.transfer.formulas.neutralise_formula` (an apostrophe before a text
starting with = + - @, tab or a line break; `parse_cell` takes it off again for TEXT and REFERENCE
columns), imported when first needed unless another function is passed in.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime, time, tzinfo
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from dps.adapters.excel.limits import EXCEL_MAX_CELL_CHARS

Neutraliser = Callable[[str], str]
DEFAULT_ZONE = "Asia/Tokyo"
DATE_FORMAT = "yyyy/mm/dd"
DATETIME_FORMAT = "yyyy/mm/dd hh:mm:ss"
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""Control characters XML 1.0 cannot hold (openpyxl refuses them); tab and line breaks stay."""


def default_neutraliser() -> Neutraliser:
    from dps.application.transfer.formulas import neutralise_formula

    return neutralise_formula


class TextCleaner:
    """Every text written goes through here; `neutralise` is resolved on first use."""

    def __init__(self, neutralise: Neutraliser | None = None, *, max_chars: int = EXCEL_MAX_CELL_CHARS) -> None:
        self._neutralise = neutralise
        self._max_chars = max_chars

    def __call__(self, text: str) -> str:
        if self._neutralise is None:
            self._neutralise = default_neutraliser()
        if ILLEGAL_XML.search(text):
            text = ILLEGAL_XML.sub("", text)
        return self._neutralise(text[: self._max_chars])


def zone(name: str | tzinfo) -> tzinfo:
    return ZoneInfo(name) if isinstance(name, str) else name


def local_naive(value: datetime, tz: tzinfo) -> datetime:
    return value.astimezone(tz).replace(tzinfo=None) if value.tzinfo is not None else value


def is_plain_number(value: Any) -> bool:
    """A number a spreadsheet stores as is (not NaN or infinity, which no cell can hold)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, Decimal):
        return value.is_finite()
    return isinstance(value, int)


def csv_text(value: Any, clean: TextCleaner, tz: tzinfo) -> str:
    """One CSV field: dates as 2026/04/01 (and 2026/04/01 09:30:00), decimals without exponent,
    booleans as TRUE/FALSE like Excel, text cleaned and neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, datetime):
        return local_naive(value, tz).strftime("%Y/%m/%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y/%m/%d")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, Decimal) and value.is_finite():
        return format(value, "f")
    if is_plain_number(value):
        return repr(value) if isinstance(value, float) else str(value)
    return clean(str(value))
