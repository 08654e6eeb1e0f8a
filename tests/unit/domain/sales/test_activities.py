"""活動 Activity: time ordering, the local activity date, status rules and transitions, codes, copy."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest
from attrs import evolve
from hypothesis import given
from hypothesis import strategies as st

from dps.domain.catalog.code_lists import CodeList
from dps.domain.catalog.defaults import default_code_lists
from dps.domain.sales.activities import (
    ALLOWED_STATUS_CHANGES,
    Activity,
    ActivityCodes,
    ActivityDetails,
    ActivityStatus,
)
from dps.domain.sales.records import StaffMember
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import UserId
from dps.domain.visibility.records import Restriction

TOKYO = ZoneInfo("Asia/Tokyo")
TODAY = date(2026, 11, 25)


def _list(key: str) -> CodeList:
    return next(c for c in default_code_lists() if c.key == key)


CODES = ActivityCodes(kinds=_list("activity_kind"), purposes=_list("activity_purpose"),
                      results=_list("activity_result"))


def details(**overrides: Any) -> ActivityDetails:
    base = ActivityDetails(status=ActivityStatus.PLANNED, kind_code="visit", subject="提案訪問",
                           activity_date=TODAY)
    return evolve(base, **overrides)


def register(d: ActivityDetails, *, today: date = TODAY) -> Activity:
    return Activity.register(uuid4(), d, codes=CODES, tz=TOKYO, today=today)


def field_of(d: ActivityDetails, today: date = TODAY) -> str | None:
    with pytest.raises(DomainError) as e:
        register(d, today=today)
    return e.value.field


# --- times ---------------------------------------------------------------------------------------

def test_the_activity_date_is_the_local_date_of_the_start() -> None:
    start = datetime(2026, 11, 24, 16, 30, tzinfo=UTC)  # 2026-11-25 01:30 in Tokyo
    a = register(details(activity_date=None, starts_at=start, ends_at=start + timedelta(hours=1)))
    assert a.activity_date == date(2026, 11, 25)
    assert field_of(details(activity_date=date(2026, 11, 24), starts_at=start)) == "activity_date"


def test_a_date_is_required_without_a_start_and_times_need_a_zone() -> None:
    assert field_of(details(activity_date=None)) == "activity_date"
    assert field_of(details(starts_at=datetime(2026, 11, 25, 10, 0))) == "starts_at"
    start = datetime(2026, 11, 25, 10, 0, tzinfo=TOKYO)
    assert field_of(details(starts_at=start, ends_at=datetime(2026, 11, 25, 11, 0))) == "ends_at"
    assert field_of(details(ends_at=start)) == "ends_at"


@given(
    start=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)),
    minutes=st.integers(min_value=-600, max_value=600),
)
def test_an_end_must_lie_after_the_start(start: datetime, minutes: int) -> None:
    d = details(activity_date=None, starts_at=start, ends_at=start + timedelta(minutes=minutes))
    if minutes > 0:
        a = register(d, today=date(2031, 1, 1))
        assert a.starts_at is not None
        assert a.ends_at is not None
        assert a.ends_at > a.starts_at
        assert a.activity_date == start.astimezone(TOKYO).date()
    else:
        assert field_of(d, today=date(2031, 1, 1)) == "ends_at"


# --- status rules -----------------------------------------------------------------------------------

@given(
    status=st.sampled_from(list(ActivityStatus)),
    offset=st.integers(min_value=-400, max_value=400),
    result=st.one_of(st.none(), st.sampled_from(["forward", "same", "back", "won", "lost"])),
)
def test_an_actual_has_happened_and_only_an_actual_has_a_result(
    status: ActivityStatus, offset: int, result: str | None
) -> None:
    d = details(status=status, activity_date=TODAY + timedelta(days=offset), result_code=result)
    future_actual = status is ActivityStatus.DONE and offset > 0
    result_without_actual = result is not None and status is not ActivityStatus.DONE
    if future_actual or result_without_actual:
        assert field_of(d) in {"activity_date", "result_code"}
    else:
        a = register(d)
        assert (a.status, a.result_code, a.is_actual) == (status, result, status is ActivityStatus.DONE)


@given(before=st.sampled_from(list(ActivityStatus)), after=st.sampled_from(list(ActivityStatus)))
def test_status_changes_follow_the_allowed_transitions(before: ActivityStatus, after: ActivityStatus) -> None:
    a = register(details(status=before, activity_date=TODAY - timedelta(days=1)))
    change = evolve(a.details, status=after)
    if before is after or (before, after) in ALLOWED_STATUS_CHANGES:
        a.revise(change, codes=CODES, tz=TOKYO, today=TODAY)
        assert a.status is after
    else:
        with pytest.raises(DomainError) as e:
            a.revise(change, codes=CODES, tz=TOKYO, today=TODAY)
        assert e.value.field == "status"
        assert a.status is before


def test_an_actual_never_becomes_a_plan_again() -> None:
    assert (ActivityStatus.DONE, ActivityStatus.PLANNED) not in ALLOWED_STATUS_CHANGES
    assert (ActivityStatus.PLANNED, ActivityStatus.DONE) in ALLOWED_STATUS_CHANGES


def test_a_rejected_revision_changes_nothing() -> None:
    a = register(details(content="前回"))
    with pytest.raises(DomainError):
        a.revise(evolve(a.details, content="今回", kind_code="nope"), codes=CODES, tz=TOKYO, today=TODAY)
    assert (a.content, a.kind_code) == ("前回", "visit")


# --- fields and codes --------------------------------------------------------------------------------

def test_subject_kind_and_codes_are_checked() -> None:
    assert field_of(details(subject="  ")) == "subject"
    assert field_of(details(subject="x" * 201)) == "subject"
    assert field_of(details(kind_code="")) == "kind_code"
    assert field_of(details(kind_code="fax")) == "kind_code"
    assert field_of(details(purpose_code="bribe")) == "purpose_code"
    assert field_of(details(next_action="x" * 401)) == "next_action"
    a = register(details(subject="  提案  ", purpose_code="proposal", next_action=" 見積 "))
    assert (a.subject, a.purpose_code, a.next_action) == ("提案", "proposal", "見積")


def test_a_retired_code_the_activity_holds_stays_valid_on_edit() -> None:
    a = register(details(kind_code="seminar"))
    kinds = CodeList(key="activity_kind", values=list(CODES.kinds.values))
    kinds.deactivate("seminar")
    codes = ActivityCodes(kinds=kinds, purposes=CODES.purposes, results=CODES.results)
    a.revise(evolve(a.details, subject="セミナー後フォロー"), codes=codes, tz=TOKYO, today=TODAY)
    assert a.kind_code == "seminar"
    with pytest.raises(DomainError):
        Activity.register(uuid4(), details(kind_code="seminar"), codes=codes, tz=TOKYO, today=TODAY)


def test_the_next_action_is_not_before_the_activity() -> None:
    assert field_of(details(next_action_on=TODAY - timedelta(days=1))) == "next_action_on"
    assert register(details(next_action_on=TODAY)).next_action_on == TODAY


def test_persons_and_attendees_are_kept_once() -> None:
    p, u = uuid4(), UserId(uuid4())
    a = register(details(person_ids=(p, p), attendee_ids=(u, u)))
    assert (a.person_ids, a.attendee_ids) == ((p,), (u,))


def test_search_text_is_normalised_subject_and_content() -> None:
    a = register(details(subject="ｶﾌﾞｼｷ 訪問", content="デモ"))
    assert a.search_text == "かぶしき 訪問 でも"


def test_progress_needs_an_actual_on_an_opportunity() -> None:
    with pytest.raises(DomainError):
        register(details(status=ActivityStatus.DONE)).check_can_report_progress()
    with pytest.raises(DomainError):
        register(details(opportunity_id=uuid4())).check_can_report_progress()
    register(details(status=ActivityStatus.DONE, opportunity_id=uuid4())).check_can_report_progress()


# --- copy ---------------------------------------------------------------------------------------------

def _original() -> Activity:
    start = datetime(2026, 11, 20, 10, 0, tzinfo=TOKYO)
    a = register(details(
        status=ActivityStatus.DONE, activity_date=None, starts_at=start, ends_at=start + timedelta(minutes=90),
        result_code="forward", content="提案書を説明", next_action="見積提出", next_action_on=date(2026, 12, 1),
        account_id=uuid4(), opportunity_id=uuid4(), person_ids=(uuid4(),), purpose_code="proposal",
    ))
    a.set_staff([StaffMember(UserId(uuid4()), is_main=True)])
    a.restrict(Restriction(users=frozenset({UserId(uuid4())})))
    a.set_custom_fields({"visit_no": 3})
    return a


def test_a_copy_plans_the_next_visit_at_the_same_local_time() -> None:
    original = _original()
    copy = original.copy_as_plan(uuid4(), codes=CODES, tz=TOKYO, today=TODAY)
    assert copy.status is ActivityStatus.PLANNED
    assert copy.result_code is None
    assert copy.activity_date == date(2026, 12, 1)  # the original's next-action date
    assert copy.starts_at == datetime(2026, 12, 1, 10, 0, tzinfo=TOKYO)
    assert copy.ends_at == datetime(2026, 12, 1, 11, 30, tzinfo=TOKYO)
    assert (copy.subject, copy.content, copy.kind_code, copy.purpose_code) == (
        original.subject, original.content, original.kind_code, original.purpose_code)
    assert (copy.account_id, copy.opportunity_id, copy.person_ids) == (
        original.account_id, original.opportunity_id, original.person_ids)
    assert (copy.staff, copy.restriction, copy.custom_fields) == (
        original.staff, original.restriction, original.custom_fields)
    assert (copy.next_action, copy.next_action_on, copy.version, copy.created_by) == ("", None, 1, None)
    assert copy.id != original.id


def test_a_copy_on_a_chosen_day_or_time() -> None:
    original = _original()
    on_day = original.copy_as_plan(uuid4(), codes=CODES, tz=TOKYO, today=TODAY, activity_date=date(2026, 12, 10))
    assert on_day.starts_at == datetime(2026, 12, 10, 10, 0, tzinfo=TOKYO)
    start = datetime(2026, 12, 3, 14, 0, tzinfo=TOKYO)
    at_time = original.copy_as_plan(uuid4(), codes=CODES, tz=TOKYO, today=TODAY, starts_at=start)
    assert (at_time.activity_date, at_time.starts_at, at_time.ends_at) == (date(2026, 12, 3), start, None)
    with pytest.raises(DomainError):
        original.copy_as_plan(uuid4(), codes=CODES, tz=TOKYO, today=TODAY, ends_at=start)


def test_unknown_status_is_refused() -> None:
    with pytest.raises(DomainError) as e:
        Activity(id=UUID(int=1), status="maybe", kind_code="visit", subject="x", activity_date=TODAY)
    assert e.value.field == "status"
