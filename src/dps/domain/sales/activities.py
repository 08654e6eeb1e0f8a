"""活動 Activity (S7): a planned (予定), actual (実績) or cancelled (中止) contact with a customer -
a visit, call, mail, web meeting - with its date and time, purpose, content, result and next action,
linked to an account, opportunity, campaign or lead, the persons met (面談者) and the colleagues who
came along (同行者).

Attribute names equal the columns of the `activities` table; `person_ids` and `attendee_ids` are the
rows of `activity_persons` and `activity_attendees`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime, tzinfo
from typing import Any, TypeVar
from uuid import UUID

import attrs
from attrs import define, evolve, field, frozen

from dps.domain.catalog.code_lists import CodeList
from dps.domain.sales.records import SalesRecord
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import UserId
from dps.domain.shared.text import normalize_for_search

SUBJECT_MAX = 200
NEXT_ACTION_MAX = 400


class ActivityStatus(enum.StrEnum):
    """予定 / 実績 / 中止. Only actual activities count in actual-based analysis."""

    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"


ALLOWED_STATUS_CHANGES: frozenset[tuple[ActivityStatus, ActivityStatus]] = frozenset({
    (ActivityStatus.PLANNED, ActivityStatus.DONE),
    (ActivityStatus.PLANNED, ActivityStatus.CANCELLED),
    (ActivityStatus.CANCELLED, ActivityStatus.PLANNED),
    (ActivityStatus.CANCELLED, ActivityStatus.DONE),
})
"""A plan becomes an actual or is cancelled; a cancelled plan may be revived. An actual stays an
actual: what happened cannot become a plan again (copy it to plan the next visit)."""


def parse_status(value: str | ActivityStatus) -> ActivityStatus:
    try:
        return ActivityStatus(value)
    except ValueError:
        allowed = ", ".join(s.value for s in ActivityStatus)
        raise DomainError(f"'{value}' is not an activity status (allowed: {allowed})", field="status") from None


@frozen
class ActivityCodes:
    """The tenant's code lists an activity's picklist fields are checked against."""

    kinds: CodeList
    purposes: CodeList
    results: CodeList


@frozen
class ActivityDetails:
    """Everything a user enters about an activity, checked as a whole by `Activity.revise`.

    `activity_date` may be None when `starts_at` is given: it is then the local date of the start."""

    status: ActivityStatus
    kind_code: str
    subject: str
    activity_date: date | None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    purpose_code: str | None = None
    result_code: str | None = None
    content: str = ""
    next_action: str = ""
    next_action_on: date | None = None
    account_id: UUID | None = None
    opportunity_id: UUID | None = None
    campaign_id: UUID | None = None
    lead_id: UUID | None = None
    person_ids: tuple[UUID, ...] = ()
    attendee_ids: tuple[UserId, ...] = ()


T = TypeVar("T")


def _unique(items: Iterable[T]) -> tuple[T, ...]:
    return tuple(dict.fromkeys(items))


def _unique_ids(items: Iterable[UUID]) -> tuple[UUID, ...]:
    return _unique(items)


def _unique_users(items: Iterable[UserId]) -> tuple[UserId, ...]:
    return _unique(items)


def _aware(value: datetime | None, name: str) -> datetime | None:
    if value is not None and value.utcoffset() is None:
        raise DomainError("needs a time zone (e.g. 2026-11-25T10:00:00+09:00)", field=name)
    return value


def _code(codes: CodeList, value: str | None, name: str, kept: str | None = None) -> str | None:
    """The code checked against its list; a value the record already holds stays valid even after the
    tenant retired it, so editing other fields of an old activity still works."""
    if value is None or not value.strip():
        return None
    if kept is not None and value.strip() == kept:
        return kept
    return codes.validate(value.strip(), field_name=name).code


@define(kw_only=True, eq=False)
class Activity(SalesRecord):
    """An activity. Build one with `Activity.register` and change it with `revise`; both check
    every rule below against the tenant's code lists, the user's time zone and today's date:

    - kind (activity_kind) and subject are required; purpose and result come from their code lists;
    - times carry a zone; an end needs a start and lies after it; the activity date is the local
      date of the start;
    - an actual (done) activity has happened: its date is not after today; only it has a result;
    - the next action is not dated before the activity;
    - status changes follow `ALLOWED_STATUS_CHANGES`.
    """

    status: ActivityStatus = field(converter=parse_status)
    kind_code: str
    subject: str
    activity_date: date
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    purpose_code: str | None = None
    result_code: str | None = None
    content: str = ""
    next_action: str = ""
    next_action_on: date | None = None
    account_id: UUID | None = None
    opportunity_id: UUID | None = None
    campaign_id: UUID | None = None
    lead_id: UUID | None = None
    person_ids: tuple[UUID, ...] = field(factory=tuple, converter=_unique_ids)
    attendee_ids: tuple[UserId, ...] = field(factory=tuple, converter=_unique_users)

    @classmethod
    def register(
        cls, activity_id: UUID, details: ActivityDetails, *, codes: ActivityCodes, tz: tzinfo, today: date
    ) -> Activity:
        """A new activity (plan, actual or cancelled plan) from what the user entered."""
        checked = _checked(details, codes=codes, tz=tz, today=today)
        return cls(id=activity_id, **_fields(checked))

    @property
    def details(self) -> ActivityDetails:
        """The user-entered part, to merge a partial change into before `revise`."""
        return ActivityDetails(**{name: getattr(self, name) for name in DETAIL_FIELDS})

    def revise(self, details: ActivityDetails, *, codes: ActivityCodes, tz: tzinfo, today: date) -> None:
        """Replace the user-entered part; all rules are checked before anything changes."""
        new_status = parse_status(details.status)
        if new_status is not self.status and (self.status, new_status) not in ALLOWED_STATUS_CHANGES:
            raise DomainError(
                f"an activity cannot go from {self.status.value} to {new_status.value}"
                + (" (an actual stays an actual; copy it to plan the next one)"
                   if self.status is ActivityStatus.DONE else ""),
                field="status",
            )
        checked = _checked(details, codes=codes, tz=tz, today=today, kept=self.details)
        for name, value in _fields(checked).items():
            setattr(self, name, value)

    @property
    def is_actual(self) -> bool:
        return self.status is ActivityStatus.DONE

    def check_can_report_progress(self) -> None:
        """Updating the opportunity's stage, certainty, dates and amount goes with an actual activity
        on that opportunity (the mobile 活動報告 screen)."""
        if self.opportunity_id is None:
            raise DomainError("the activity is not linked to an opportunity", field="opportunity_update")
        if not self.is_actual:
            raise DomainError("only an actual (done) activity may update its opportunity", field="opportunity_update")

    def copy_as_plan(
        self, new_id: UUID, *, codes: ActivityCodes, tz: tzinfo, today: date, activity_date: date | None = None,
        starts_at: datetime | None = None, ends_at: datetime | None = None,
    ) -> Activity:
        """A new 予定 with the same content, links, persons, attendees, staff, restriction and custom
        fields - without result, next action, history or stamps (the caller stamps and assigns the owner).

        The date is `activity_date`, else the original's next-action date, else its own date; without
        explicit times the original's local start and duration move to that date."""
        if ends_at is not None and starts_at is None:
            raise DomainError("an end time needs a start time", field="ends_at")
        starts_at, ends_at = _aware(starts_at, "starts_at"), _aware(ends_at, "ends_at")
        if starts_at is not None:
            day = activity_date or starts_at.astimezone(tz).date()
        else:
            day = activity_date or self.next_action_on or self.activity_date
            if self.starts_at is not None:
                local = self.starts_at.astimezone(tz)
                starts_at = datetime.combine(day, local.time(), tzinfo=tz)
                if self.ends_at is not None:
                    ends_at = starts_at + (self.ends_at - self.starts_at)
        details = ActivityDetails(
            status=ActivityStatus.PLANNED, kind_code=self.kind_code, subject=self.subject, activity_date=day,
            starts_at=starts_at, ends_at=ends_at, purpose_code=self.purpose_code, content=self.content,
            account_id=self.account_id, opportunity_id=self.opportunity_id, campaign_id=self.campaign_id,
            lead_id=self.lead_id, person_ids=self.person_ids, attendee_ids=self.attendee_ids,
        )
        copy = Activity(id=new_id, **_fields(_checked(details, codes=codes, tz=tz, today=today)))
        copy.set_staff(self.staff)
        copy.restrict(self.restriction)
        copy.set_custom_fields(self.custom_fields)
        return copy

    @property
    def search_text(self) -> str:
        """What the free-text search matches: subject and content, normalised."""
        return normalize_for_search(self.subject, self.content)


DETAIL_FIELDS = tuple(a.name for a in attrs.fields(ActivityDetails))


def _fields(details: ActivityDetails) -> dict[str, Any]:
    return attrs.asdict(details, recurse=False)


def _checked_times(details: ActivityDetails, tz: tzinfo) -> ActivityDetails:
    """Zones present, end after start, and the activity date filled in from (or checked against) the start."""
    starts_at, ends_at = _aware(details.starts_at, "starts_at"), _aware(details.ends_at, "ends_at")
    if ends_at is not None:
        if starts_at is None:
            raise DomainError("an end time needs a start time", field="ends_at")
        if ends_at <= starts_at:
            raise DomainError("the end must be after the start", field="ends_at")
    day = details.activity_date
    if starts_at is not None:
        local_day = starts_at.astimezone(tz).date()
        if day is None:
            day = local_day
        elif day != local_day:
            raise DomainError(f"the activity date must be the local date of the start ({local_day})",
                              field="activity_date")
    if day is None:
        raise DomainError("the activity date is required", field="activity_date")
    return evolve(details, activity_date=day, starts_at=starts_at, ends_at=ends_at)


def _checked(
    details: ActivityDetails, *, codes: ActivityCodes, tz: tzinfo, today: date, kept: ActivityDetails | None = None
) -> ActivityDetails:
    status = parse_status(details.status)
    subject = (details.subject or "").strip()
    if not subject:
        raise DomainError("the subject is required", field="subject")
    if len(subject) > SUBJECT_MAX:
        raise DomainError(f"at most {SUBJECT_MAX} characters", field="subject")
    next_action = (details.next_action or "").strip()
    if len(next_action) > NEXT_ACTION_MAX:
        raise DomainError(f"at most {NEXT_ACTION_MAX} characters", field="next_action")
    kind = _code(codes.kinds, details.kind_code, "kind_code", kept.kind_code if kept else None)
    if kind is None:
        raise DomainError("the kind of activity is required", field="kind_code")
    purpose = _code(codes.purposes, details.purpose_code, "purpose_code", kept.purpose_code if kept else None)
    result = _code(codes.results, details.result_code, "result_code", kept.result_code if kept else None)
    timed = _checked_times(details, tz)
    assert timed.activity_date is not None
    if status is ActivityStatus.DONE and timed.activity_date > today:
        raise DomainError("an actual activity cannot lie in the future; register it as a plan",
                          field="activity_date")
    if result is not None and status is not ActivityStatus.DONE:
        raise DomainError("only an actual (done) activity has a result", field="result_code")
    if details.next_action_on is not None and details.next_action_on < timed.activity_date:
        raise DomainError("the next action cannot be dated before the activity", field="next_action_on")
    return evolve(
        timed, status=status, subject=subject, kind_code=kind, purpose_code=purpose, result_code=result,
        content=details.content or "", next_action=next_action, person_ids=_unique(details.person_ids),
        attendee_ids=_unique(details.attendee_ids),
    )
