from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dps.domain.shared.errors import DomainError
from dps.domain.shared.periods import Period

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 1, 1))


@st.composite
def periods(draw: st.DrawFn) -> Period:
    start = draw(days)
    length = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=4000)))
    return Period(start, None if length is None else start + timedelta(days=length))


def test_end_must_be_after_start() -> None:
    with pytest.raises(DomainError) as e:
        Period(date(2024, 4, 1), date(2024, 4, 1))
    assert e.value.field == "valid_to"


def test_end_is_exclusive() -> None:
    p = Period(date(2024, 4, 1), date(2024, 5, 1))
    assert p.contains(date(2024, 4, 30))
    assert not p.contains(date(2024, 5, 1))


@given(periods(), periods())
def test_overlap_is_symmetric_and_means_a_shared_day(a: Period, b: Period) -> None:
    assert a.overlaps(b) == b.overlaps(a)
    shared_start = max(a.start, b.start)
    assert a.overlaps(b) == (a.contains(shared_start) and b.contains(shared_start))


@given(periods(), days)
def test_split_keeps_every_day_on_exactly_one_side(p: Period, day: date) -> None:
    if not (p.start < day and (p.end is None or day < p.end)):
        with pytest.raises(DomainError):
            p.split_at(day)
        return
    before, after = p.split_at(day)
    for probe in (p.start, day - timedelta(days=1), day, day + timedelta(days=1)):
        if p.contains(probe):
            assert before.contains(probe) != after.contains(probe)
    assert not before.overlaps(after)


@given(periods(), periods())
def test_covers_means_every_day_inside(outer: Period, inner: Period) -> None:
    last = inner.end - timedelta(days=1) if inner.end else None
    expected = outer.contains(inner.start) and (
        outer.end is None if last is None else outer.contains(last)
    )
    assert outer.covers(inner) == expected
