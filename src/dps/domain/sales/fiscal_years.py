"""年度 Fiscal years: twelve months starting in the tenant's start month (default April).

A fiscal year is named by the calendar year of its first month: with start month 4, fiscal
year 2026 runs from 2026-04 to 2027-03; with start month 1 it is the calendar year 2026.
Months are represented by the date of their first day.
"""

from __future__ import annotations

import re
from datetime import date

from attrs import field, frozen

from dps.domain.shared.errors import DomainError
from dps.domain.shared.periods import Period

MIN_YEAR = 1900
MAX_YEAR = 9998
"""The last fiscal year whose months all fit in `datetime.date`."""

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\s*$")


def _check_start_month(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 12:
        raise DomainError("fiscal year start month must be 1-12", field="fiscal_year_start_month")
    return value


def _check_year(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_YEAR <= value <= MAX_YEAR:
        raise DomainError(f"fiscal year must be between {MIN_YEAR} and {MAX_YEAR}", field="fiscal_year")
    return value


def add_months(month: date, count: int) -> date:
    """The first day of the month `count` months after the month of `month`."""
    index = month.year * 12 + (month.month - 1) + count
    return date(index // 12, index % 12 + 1, 1)


def month_start(day: date) -> date:
    return day.replace(day=1)


def parse_month(text: str, *, field: str) -> date:
    """'2026-04' or '2026-04-01' (any day of the month) -> the first day of that month."""
    match = _MONTH.match(text)
    if match is None:
        raise DomainError(f"'{text}' is not a month like 2026-04", field=field)
    year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
    try:
        return date(year, month, day).replace(day=1)
    except ValueError:
        raise DomainError(f"'{text}' is not a month like 2026-04", field=field) from None


def fiscal_year_of(day: date, start_month: int) -> int:
    """The fiscal year `day` lies in: months before the start month belong to the previous year."""
    _check_start_month(start_month)
    return day.year if day.month >= start_month else day.year - 1


@frozen
class FiscalYear:
    """Fiscal year `year` of a calendar starting in `start_month`."""

    year: int = field(converter=_check_year)
    start_month: int = field(default=4, converter=_check_start_month)

    @classmethod
    def containing(cls, day: date, start_month: int) -> FiscalYear:
        return cls(fiscal_year_of(day, start_month), start_month)

    @property
    def start(self) -> date:
        """The first day of the fiscal year."""
        return date(self.year, self.start_month, 1)

    @property
    def end(self) -> date:
        """The first day after the fiscal year (exclusive end)."""
        return add_months(self.start, 12)

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)

    def months(self) -> tuple[date, ...]:
        """The twelve months, in order, as the first day of each."""
        return tuple(add_months(self.start, i) for i in range(12))

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    def month_index(self, month: date) -> int:
        """0 for the first month of the year .. 11 for the last; DomainError outside the year."""
        if not self.contains(month):
            raise DomainError(
                f"{month.strftime('%Y-%m')} is outside fiscal year {self.year} "
                f"({self.start.strftime('%Y-%m')} .. {add_months(self.end, -1).strftime('%Y-%m')})",
                field="month",
            )
        return (month.year - self.start.year) * 12 + month.month - self.start.month

    def quarter_of(self, month: date) -> int:
        """四半期 1-4: the first three months of the fiscal year are Q1."""
        return self.month_index(month) // 3 + 1

    def half_of(self, month: date) -> int:
        """上期 1 / 下期 2."""
        return self.month_index(month) // 6 + 1

    def label(self) -> str:
        return f"FY{self.year} ({self.start.strftime('%Y-%m')} .. {add_months(self.end, -1).strftime('%Y-%m')})"
