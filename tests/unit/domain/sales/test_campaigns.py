"""Campaign rules: required fields, the period, amounts and targets, the parent hierarchy, members,
the copy and the effect summary."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dps.domain.catalog.defaults import default_code_lists
from dps.domain.sales.campaigns import Campaign, CampaignMember, CampaignSummary, period_overlaps
from dps.domain.sales.records import Relation, StaffMember
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import UserId
from dps.domain.visibility.records import Restriction

DAY = date(2026, 4, 1)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


def campaign(**values: object) -> Campaign:
    base: dict[str, object] = {"id": uuid.uuid4(), "name": "春の新製品セミナー", "starts_on": DAY}
    return Campaign(**(base | values))  # type: ignore[arg-type]


def lists() -> dict[str, object]:
    return {cl.key: cl for cl in default_code_lists()}


def test_name_and_start_are_required_and_texts_are_trimmed() -> None:
    with pytest.raises(DomainError) as e:
        campaign(name="   ")
    assert e.value.field == "name"
    with pytest.raises(DomainError) as e:
        campaign(starts_on=None)
    assert e.value.field == "starts_on"
    c = campaign(name="  展示会 2026  ", kind_code=" ", description="  説明 ")
    assert (c.name, c.kind_code, c.description) == ("展示会 2026", None, "説明")
    with pytest.raises(DomainError) as e:
        campaign(name="x" * 201)
    assert e.value.field == "name"


@given(start=days, end=days)
def test_the_period_ends_on_or_after_its_start(start: date, end: date) -> None:
    if end >= start:
        assert campaign(starts_on=start, ends_on=end).ends_on == end
    else:
        with pytest.raises(DomainError) as e:
            campaign(starts_on=start, ends_on=end)
        assert e.value.field == "ends_on"


@given(start=days, length=st.integers(0, 400), shift=st.integers(-500, 500))
def test_revising_both_dates_at_once_is_judged_as_a_whole(start: date, length: int, shift: int) -> None:
    c = campaign(starts_on=start, ends_on=start + timedelta(days=length))
    new_start = start + timedelta(days=shift)
    new_end = new_start + timedelta(days=length)
    c.revise({"starts_on": new_start, "ends_on": new_end})
    assert (c.starts_on, c.ends_on) == (new_start, new_end)


def test_a_revision_that_breaks_the_period_changes_nothing() -> None:
    c = campaign(starts_on=DAY, ends_on=DAY + timedelta(days=3), name="A")
    with pytest.raises(DomainError):
        c.revise({"name": "B", "ends_on": DAY - timedelta(days=1)})
    assert (c.name, c.ends_on) == ("A", DAY + timedelta(days=3))
    with pytest.raises(DomainError) as e:
        c.revise({"owner_id": None})
    assert e.value.field == "owner_id"


near = st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31))


@given(start=near, length=st.one_of(st.none(), st.integers(0, 60)), lo=st.one_of(st.none(), near),
       hi=st.one_of(st.none(), near))
def test_overlap_means_sharing_a_day(start: date, length: int | None, lo: date | None, hi: date | None) -> None:
    end = None if length is None else start + timedelta(days=length)
    # brute force over a window wide enough for every generated bound
    horizon = max(d for d in (start, end, lo, hi) if d is not None) + timedelta(days=1)
    last = end if end is not None else horizon
    shared = any(
        (lo is None or d >= lo) and (hi is None or d <= hi)
        for d in (start + timedelta(days=i) for i in range((last - start).days + 1))
    )
    assert period_overlaps(start, end, lo, hi) == shared
    assert campaign(starts_on=start, ends_on=end).overlaps(lo, hi) == shared


@pytest.mark.parametrize("name", ["budget_amount", "actual_cost", "target_amount"])
def test_amounts_are_money(name: str) -> None:
    assert getattr(campaign(**{name: Decimal("1200000")}), name) == Decimal("1200000")
    for bad in (Decimal("-1"), Decimal("0.001")):
        with pytest.raises(DomainError) as e:
            campaign(**{name: bad})
        assert e.value.field == name


@pytest.mark.parametrize("name", ["target_leads", "target_opportunities"])
def test_targets_are_whole_numbers(name: str) -> None:
    assert getattr(campaign(**{name: 30}), name) == 30
    for bad in (-1, True, 1.5):
        with pytest.raises(DomainError) as e:
            campaign(**{name: bad})
        assert e.value.field == name


def test_codes_are_checked_against_the_code_lists_only_where_set() -> None:
    cl = lists()
    c = campaign(kind_code="seminar", status_code="planned")
    c.check_codes(cl["campaign_kind"], cl["campaign_status"])  # type: ignore[arg-type]
    c.kind_code = "bogus"
    with pytest.raises(DomainError) as e:
        c.check_codes(cl["campaign_kind"], cl["campaign_status"])  # type: ignore[arg-type]
    assert e.value.field == "kind_code"
    c.check_codes(cl["campaign_kind"], cl["campaign_status"], only={"status_code"})  # type: ignore[arg-type]


def test_a_campaign_is_never_its_own_ancestor() -> None:
    a, b, c = campaign(), campaign(), campaign()
    b.attach_to(a.id)
    c.attach_to(b.id, [a.id])
    with pytest.raises(DomainError) as e:
        a.attach_to(c.id, [b.id, a.id])  # c's ancestors are b and a: a under c would loop
    assert e.value.field == "parent_campaign_id"
    with pytest.raises(DomainError):
        a.attach_to(a.id)
    with pytest.raises(DomainError):
        campaign(id=a.id, parent_campaign_id=a.id)
    a.attach_to(None)
    assert a.parent_campaign_id is None


def test_relations_list_each_person_once() -> None:
    p = uuid.uuid4()
    with pytest.raises(DomainError) as e:
        campaign(relations=(Relation(person_id=p), Relation(person_id=p, role_code="contact")))
    assert e.value.field == "relations"


def test_a_copy_has_the_content_but_a_new_identity() -> None:
    user = UserId(uuid.uuid4())
    original = campaign(
        kind_code="seminar", budget_amount=Decimal("500000"), staff=(StaffMember(user, is_main=True),),
        restriction=Restriction(users=frozenset({user})), custom_fields={"area": "関東"},
        relations=(Relation(person_id=uuid.uuid4()),), parent_campaign_id=uuid.uuid4(), version=7,
    )
    copy = original.copy_as(uuid.uuid4(), name="秋の新製品セミナー")
    assert copy.id != original.id
    assert copy.version == 1
    assert copy.name == "秋の新製品セミナー"
    for name in ("kind_code", "budget_amount", "staff", "restriction", "custom_fields", "relations",
                 "parent_campaign_id", "starts_on"):
        assert getattr(copy, name) == getattr(original, name)
    assert copy.created_at is None
    assert copy.owner_id is None
    copy.custom_fields["area"] = "関西"
    assert original.custom_fields["area"] == "関東"
    with pytest.raises(DomainError):
        original.copy_as(uuid.uuid4(), ends_on=DAY - timedelta(days=1))


def test_a_member_is_a_lead_or_a_person() -> None:
    now = datetime(2026, 4, 1, tzinfo=UTC)
    with pytest.raises(DomainError):
        CampaignMember(id=uuid.uuid4(), campaign_id=uuid.uuid4(), created_at=now)
    with pytest.raises(DomainError):
        CampaignMember(id=uuid.uuid4(), campaign_id=uuid.uuid4(), lead_id=uuid.uuid4(), person_id=uuid.uuid4(),
                       created_at=now)
    m = CampaignMember(id=uuid.uuid4(), campaign_id=uuid.uuid4(), person_id=uuid.uuid4(), created_at=now,
                       follow_status_code="invited")
    m.check_codes(lists()["campaign_follow_status"])  # type: ignore[arg-type]
    m.record_response(follow_status_code="attended", invited_on=DAY, attended=True, notes=" 来場 ")
    assert (m.follow_status_code, m.attended, m.notes) == ("attended", True, "来場")
    m.follow_status_code = "maybe"
    with pytest.raises(DomainError) as e:
        m.check_codes(lists()["campaign_follow_status"])  # type: ignore[arg-type]
    assert e.value.field == "follow_status_code"


@given(members=st.integers(0, 500), leads=st.integers(0, 500), data=st.data())
def test_rates_are_percentages_of_what_was_counted(members: int, leads: int, data: st.DataObject) -> None:
    attended = data.draw(st.integers(0, members))
    converted = data.draw(st.integers(0, leads))
    s = CampaignSummary(members=members, attended=attended, leads=leads, converted_leads=converted)
    if members == 0:
        assert s.attendance_rate is None
    else:
        assert s.attendance_rate is not None
        assert Decimal(0) <= s.attendance_rate <= Decimal(100)
        assert abs(s.attendance_rate - Decimal(attended) * 100 / members) <= Decimal("0.05")
    assert (s.conversion_rate is None) == (leads == 0)
