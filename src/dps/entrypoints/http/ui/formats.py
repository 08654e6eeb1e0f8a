"""How values look on a page (ui.md "Formats"): 2026/11/25 (水), 14:30, ¥1,234,567, 2026年度."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS_JA = "月火水木金土日"
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DEFAULT_TIME_ZONE = "Asia/Tokyo"


def zone_of(name: str | None) -> ZoneInfo:
    """The user's zone, the tenant default when it is unknown."""
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


class Formats:
    """Formatters for one user's language and time zone; exposed to templates as ``fmt``."""

    def __init__(self, locale: str = "ja", time_zone: str | None = None) -> None:
        self.english = locale.startswith("en")
        self.zone = zone_of(time_zone)

    def date(self, value: dt.date | dt.datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            value = value.astimezone(self.zone).date()
        weekday = WEEKDAYS_EN[value.weekday()] if self.english else WEEKDAYS_JA[value.weekday()]
        return f"{value:%Y/%m/%d} ({weekday})"

    def time(self, value: dt.datetime | None) -> str:
        return "" if value is None else value.astimezone(self.zone).strftime("%H:%M")

    def datetime(self, value: dt.datetime | None) -> str:
        if value is None:
            return ""
        return f"{self.date(value)} {self.time(value)}"

    def iso_date(self, value: dt.date | dt.datetime | None) -> str:
        """The value an ``<input type=date>`` expects."""
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            value = value.astimezone(self.zone).date()
        return value.isoformat()

    def iso_local(self, value: dt.datetime | None) -> str:
        """The value an ``<input type=datetime-local>`` expects, in the user's zone."""
        return "" if value is None else value.astimezone(self.zone).strftime("%Y-%m-%dT%H:%M")

    @staticmethod
    def yen(value: Decimal | int | float | None) -> str:
        if value is None:
            return ""
        amount = Decimal(value)
        sign = "-" if amount < 0 else ""
        return f"{sign}¥{abs(amount).quantize(Decimal(1)):,}"

    @staticmethod
    def number(value: Decimal | int | float | None) -> str:
        if value is None:
            return ""
        amount = Decimal(value).normalize()
        text = f"{amount:,f}"
        return text

    @staticmethod
    def thousand_yen(value: Decimal | int | float | None) -> str:
        """Amounts in 千円 (the unit goes in the header)."""
        if value is None:
            return ""
        return f"{(Decimal(value) / 1000).quantize(Decimal(1)):,}"

    def fiscal_year(self, year: int) -> str:
        return f"FY{year}" if self.english else f"{year}年度"
