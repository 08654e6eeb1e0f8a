"""年度: twelve months from the tenant's start month; every day belongs to exactly one fiscal year."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dps.domain.sales.fiscal_years import FiscalYear, add_months, fiscal_year_of, parse_month
from dps.domain.shared.errors import DomainError

start_months = st.integers(min_value=1, max_value=12)
years = st.integers(min_value=1900, max_value=9000)
days = st.dates(min_value=date(1901, 1, 1), max_value=date(9000, 12, 31))


def test_april_start_is_the_japanese_fiscal_year() -> None:
    fy = FiscalYear(2026, 4)
    months = fy.months()
    assert months[0] == date(2026, 4, 1)
    assert months[-1] == date(2027, 3, 1)
    assert (fy.start, fy.end) == (date(2026, 4, 1), date(2027, 4, 1))
    assert fiscal_year_of(date(2027, 3, 31), 4) == 2026
    assert fiscal_year_of(date(2027, 4, 1), 4) == 2027
    assert fy.quarter_of(date(2026, 7, 1)) == 2
    assert fy.quarter_of(date(2027, 1, 1)) == 4
    assert fy.half_of(date(2026, 9, 1)) == 1
    assert fy.half_of(date(2026, 10, 1)) == 2


def test_january_start_is_the_calendar_year() -> None:
    assert FiscalYear(2026, 1).months() == tuple(date(2026, m, 1) for m in range(1, 13))
    assert fiscal_year_of(date(2026, 12, 31), 1) == 2026


@given(year=years, start=start_months)
def test_months_are_twelve_consecutive_months_of_the_year(year: int, start: int) -> None:
    fy = FiscalYear(year, start)
    months = fy.months()
    assert len(months) == 12
    assert months[0] == date(year, start, 1)
    assert all(m.day == 1 for m in months)
    assert all(add_months(a, 1) == b for a, b in itertools.pairwise(months))
    assert add_months(months[-1], 1) == fy.end
    for i, m in enumerate(months):
        assert fiscal_year_of(m, start) == year
        assert fiscal_year_of(m + timedelta(days=27), start) == year
        assert fy.month_index(m) == i
        assert fy.quarter_of(m) == i // 3 + 1
        assert fy.half_of(m) == i // 6 + 1
    assert [sum(1 for m in months if fy.quarter_of(m) == q) for q in (1, 2, 3, 4)] == [3, 3, 3, 3]


@given(year=years, start=start_months)
def test_consecutive_fiscal_years_tile_the_calendar(year: int, start: int) -> None:
    assert FiscalYear(year, start).end == FiscalYear(year + 1, start).start
    assert not FiscalYear(year, start).contains(FiscalYear(year + 1, start).start)
    assert not FiscalYear(year, start).contains(FiscalYear(year, start).start - timedelta(days=1))


@given(day=days, start=start_months)
def test_every_day_lies_in_the_fiscal_year_it_is_assigned_to(day: date, start: int) -> None:
    fy = FiscalYear.containing(day, start)
    assert fy.contains(day)
    assert fy.start <= day < fy.end
    assert not FiscalYear(fy.year - 1, start).contains(day)
    assert not FiscalYear(fy.year + 1, start).contains(day)
    assert day.replace(day=1) in fy.months()


@given(year=years, start=start_months, outside=st.integers(min_value=1, max_value=60))
def test_a_month_outside_the_year_is_refused(year: int, start: int, outside: int) -> None:
    fy = FiscalYear(year, start)
    for month in (add_months(fy.start, -outside), add_months(fy.start, 11 + outside)):
        with pytest.raises(DomainError):
            fy.month_index(month)


@pytest.mark.parametrize(("year", "start"), [(2026, 0), (2026, 13), (1899, 4), (10000, 4)])
def test_bad_years_and_start_months_are_refused(year: int, start: int) -> None:
    with pytest.raises(DomainError) as e:
        FiscalYear(year, start)
    assert e.value.field in ("fiscal_year", "fiscal_year_start_month")


def test_months_are_parsed_from_text() -> None:
    assert parse_month("2026-04", field="m") == date(2026, 4, 1)
    assert parse_month(" 2026-4 ", field="m") == date(2026, 4, 1)
    assert parse_month("2026-04-17", field="m") == date(2026, 4, 1)
    for bad in ("2026/04", "2026-13", "april", "2026-02-30", ""):
        with pytest.raises(DomainError) as e:
            parse_month(bad, field="lines[0].month")
        assert e.value.field == "lines[0].month"
