"""A user's affiliations: one primary at any date, never twice in one organisation."""

from datetime import date, timedelta
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dps.domain.directory.affiliations import Affiliation, check_new_affiliation, current_affiliations
from dps.domain.directory.organizations import Organization
from dps.domain.directory.positions import Position
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import AffiliationId, CompanyId, OrganizationId, PositionId, UserId
from dps.domain.shared.periods import Period

COMPANY = CompanyId(uuid4())
USER = UserId(uuid4())
START = date(2020, 4, 1)


def an_org(code: str = "S1", valid_from: date = START) -> Organization:
    return Organization.open(OrganizationId(uuid4()), COMPANY, code, code, parent_id=None, valid_from=valid_from)


def aff(org: Organization, start: date, end: date | None = None, *, primary: bool = True) -> Affiliation:
    return Affiliation(AffiliationId(uuid4()), USER, org.id, Period(start, end), is_primary=primary)


def test_two_primary_affiliations_may_not_overlap() -> None:
    a, b = an_org("A"), an_org("B")
    existing = [aff(a, START)]
    with pytest.raises(DomainError) as e:
        check_new_affiliation(existing, aff(b, date(2024, 4, 1)), b, None)
    assert e.value.field == "is_primary"


def test_a_concurrent_post_may_overlap_the_primary() -> None:
    a, b = an_org("A"), an_org("B")
    check_new_affiliation([aff(a, START)], aff(b, date(2024, 4, 1), primary=False), b, None)


def test_primary_affiliations_may_follow_each_other() -> None:
    a, b = an_org("A"), an_org("B")
    check_new_affiliation([aff(a, START, date(2024, 4, 1))], aff(b, date(2024, 4, 1)), b, None)


def test_no_two_affiliations_with_one_organisation_at_once() -> None:
    a = an_org("A")
    with pytest.raises(DomainError):
        check_new_affiliation([aff(a, START, primary=False)], aff(a, date(2022, 1, 1)), a, None)


def test_affiliation_must_lie_inside_the_organisation_life() -> None:
    late = an_org("LATE", valid_from=date(2023, 4, 1))
    with pytest.raises(DomainError):
        check_new_affiliation([], aff(late, START), late, None)


def test_position_of_another_company_is_refused() -> None:
    a = an_org("A")
    other = Position(PositionId(uuid4()), CompanyId(uuid4()), "MGR", "部長")
    with pytest.raises(DomainError) as e:
        check_new_affiliation([], aff(a, START), a, other)
    assert e.value.field == "position_id"


@st.composite
def affiliation_histories(draw: st.DrawFn) -> list[tuple[int, int, int | None, bool]]:
    """(org index, start offset, length or None, is_primary) tuples."""
    return draw(st.lists(
        st.tuples(
            st.integers(0, 3), st.integers(0, 2000),
            st.one_of(st.none(), st.integers(1, 1500)), st.booleans(),
        ),
        max_size=8,
    ))


@given(affiliation_histories(), st.integers(0, 3600))
def test_accepted_affiliations_never_give_two_primaries_on_a_day(
    history: list[tuple[int, int, int | None, bool]], probe: int
) -> None:
    orgs = [an_org(f"O{i}") for i in range(4)]
    accepted: list[Affiliation] = []
    for org_index, offset, length, primary in history:
        start = START + timedelta(days=offset)
        new = aff(orgs[org_index], start, None if length is None else start + timedelta(days=length), primary=primary)
        try:
            check_new_affiliation(accepted, new, orgs[org_index], None)
        except DomainError:
            continue
        accepted.append(new)
    day = START + timedelta(days=probe)
    current = current_affiliations(accepted, day)
    assert sum(a.is_primary for a in current) <= 1
    assert len({a.organization_id for a in current}) == len(current)
    if current and any(a.is_primary for a in current):
        assert current[0].is_primary
