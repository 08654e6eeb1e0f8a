"""通知 Notification: one user's note that something happened to a record they care about, with
read/unread state. Who cares (owner, creator, staff, extra recipients, previous commenters) is decided
here; whether each may still see the record is the application's check (R7: never leak a record)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from attrs import define, field

from dps.domain.sales.events import EventKind, RecordEvent
from dps.domain.sales.records import RecordType
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import UserId
from dps.domain.visibility.records import RecordAccess

MAX_SUMMARY_LENGTH = 400
EXCERPT_LENGTH = 40


def excerpt(text: str, limit: int = EXCERPT_LENGTH) -> str:
    """The text on one line, cut to `limit` characters with an ellipsis."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _fit_summary(summary: str) -> str:
    return excerpt(summary, MAX_SUMMARY_LENGTH)


def interested_users(event: RecordEvent, record: RecordAccess, *, also: Iterable[UserId] = ()) -> frozenset[UserId]:
    """Owner, creator, staff, the event's extra recipients and `also` (e.g. earlier commenters),
    never the actor. Visibility is not judged here."""
    people = {record.owner_id, record.created_by, *record.staff_ids, *event.extra_recipients, *also}
    return frozenset(p for p in people if p is not None and p != event.actor_id)


def summary_of(kind: EventKind, *, actor: str, label: str, detail: str = "") -> str:
    """The line a recipient reads, e.g. 「山田 さんが「A社訪問」にコメントしました: 見積の件…」."""
    target = f"「{label}」" if label else "レコード"
    text = excerpt(detail) if detail else ""
    match kind:
        case EventKind.COMMENT_ADDED:
            line = f"{actor} さんが{target}にコメントしました"
        case EventKind.LIKE_ADDED:
            line = f"{actor} さんが{target}{'のコメント' if text else ''}にライク！しました"
        case EventKind.ACTIVITY_REGISTERED:
            line = f"{actor} さんが{target}に活動を登録しました"
        case EventKind.STAFF_ASSIGNED:
            line = f"{actor} さんが{target}の担当者を設定しました"
        case _:
            line = f"{actor} さんが{target}を更新しました"
    return _fit_summary(f"{line}: {text}" if text else line)


@define(kw_only=True, eq=False)
class Notification:
    id: UUID
    user_id: UserId
    kind: EventKind
    record_type: RecordType
    record_id: UUID
    actor_id: UserId | None
    summary: str = field(converter=_fit_summary)
    created_at: datetime
    read_at: datetime | None = None

    @classmethod
    def of_event(
        cls, event: RecordEvent, *, id: UUID, recipient: UserId, summary: str, at: datetime,
        record_type: RecordType | None = None, record_id: UUID | None = None, actor_known: bool = True,
    ) -> Notification:
        """The note for `recipient`; the actor is never told of their own doing. `record_type`/`record_id`
        override the event's target (a like on a comment points at the commented record); an actor who
        is no user of the tenant (batch work) is left blank."""
        if recipient == event.actor_id:
            raise DomainError("the actor is not notified of their own action", field="recipient")
        return cls(
            id=id, user_id=recipient, kind=event.kind, record_type=record_type or event.record_type,
            record_id=record_id or event.record_id, actor_id=event.actor_id if actor_known else None,
            summary=summary, created_at=at,
        )

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    def mark_read(self, at: datetime) -> bool:
        """True if it was unread; reading twice keeps the first time."""
        if self.read_at is not None:
            return False
        self.read_at = at
        return True
