"""Notification rules: who is interested (never the actor), the summary line, read state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dps.domain.sales.events import EventKind, RecordEvent
from dps.domain.sales.notifications import (
    EXCERPT_LENGTH,
    MAX_SUMMARY_LENGTH,
    Notification,
    excerpt,
    interested_users,
    summary_of,
)
from dps.domain.sales.records import RecordType
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import UserId
from dps.domain.visibility.records import RecordAccess, Restriction

AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
users = st.builds(lambda n: UserId(UUID(int=n)), st.integers(min_value=1, max_value=8))
user_sets = st.frozensets(users, max_size=4)


def _event(actor: UserId, kind: EventKind = EventKind.COMMENT_ADDED,
           extra: frozenset[UserId] = frozenset()) -> RecordEvent:
    return RecordEvent(kind=kind, record_type=RecordType.ACTIVITY, record_id=UUID(int=100), actor_id=actor,
                       extra_recipients=extra)


@given(owner=st.none() | users, creator=st.none() | users, staff=user_sets, extra=user_sets, also=user_sets,
       actor=users, restricted=st.booleans())
def test_interested_users_are_the_people_of_the_record_never_the_actor(
    owner: UserId | None, creator: UserId | None, staff: frozenset[UserId], extra: frozenset[UserId],
    also: frozenset[UserId], actor: UserId, restricted: bool,
) -> None:
    record = RecordAccess(owner_id=owner, created_by=creator, staff_ids=staff,
                          restriction=Restriction() if restricted else None)
    people = interested_users(_event(actor, extra=extra), record, also=also)
    assert actor not in people
    assert people == ({owner, creator} | staff | extra | also) - {None, actor}


@given(st.text(max_size=200))
def test_an_excerpt_is_one_line_and_short(text: str) -> None:
    cut = excerpt(text)
    assert "\n" not in cut
    assert len(cut) <= EXCERPT_LENGTH
    if len(" ".join(text.split())) <= EXCERPT_LENGTH:
        assert cut == " ".join(text.split())
    else:
        assert cut.endswith("…")


def test_summaries_name_the_actor_the_record_and_what_happened() -> None:
    assert summary_of(EventKind.COMMENT_ADDED, actor="山田", label="A社訪問", detail="見積の件") == (
        "山田 さんが「A社訪問」にコメントしました: 見積の件")
    assert summary_of(EventKind.LIKE_ADDED, actor="山田", label="A社訪問") == "山田 さんが「A社訪問」にライク！しました"
    assert summary_of(EventKind.LIKE_ADDED, actor="山田", label="A社訪問", detail="見積の件") == (
        "山田 さんが「A社訪問」のコメントにライク！しました: 見積の件")
    assert summary_of(EventKind.STAFF_ASSIGNED, actor="山田", label="") == (
        "山田 さんがレコードの担当者を設定しました")
    assert summary_of(EventKind.ACTIVITY_REGISTERED, actor="山田", label="大型案件") == (
        "山田 さんが「大型案件」に活動を登録しました")
    assert summary_of(EventKind.RECORD_CHANGED, actor="山田", label="大型案件", detail="ステージ変更") == (
        "山田 さんが「大型案件」を更新しました: ステージ変更")
    assert len(summary_of(EventKind.COMMENT_ADDED, actor="山" * 500, label="x")) <= MAX_SUMMARY_LENGTH


def test_the_actor_is_never_notified_and_reading_keeps_the_first_time() -> None:
    actor, reader = UserId(UUID(int=1)), UserId(UUID(int=2))
    with pytest.raises(DomainError):
        Notification.of_event(_event(actor), id=UUID(int=9), recipient=actor, summary="x", at=AT)
    note = Notification.of_event(_event(actor), id=UUID(int=9), recipient=reader, summary="x", at=AT,
                                 record_type=RecordType.ACCOUNT, record_id=UUID(int=7), actor_known=False)
    assert (note.record_type, note.record_id, note.actor_id, note.kind) == (
        RecordType.ACCOUNT, UUID(int=7), None, EventKind.COMMENT_ADDED)
    assert note.is_unread
    assert note.mark_read(AT + timedelta(minutes=1))
    assert not note.mark_read(AT + timedelta(minutes=2))
    assert note.read_at == AT + timedelta(minutes=1)
    assert not note.is_unread
