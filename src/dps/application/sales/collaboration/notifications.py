"""Notifications (M5): who hears of a record event, and reading/marking them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from uuid import UUID

from dps.application.auth.principals import principal_for
from dps.application.sales.access import visible_chain
from dps.application.sales.notifier import Notifier
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.ports import Clock, IdFactory
from dps.application.shared.time import today_in
from dps.application.visibility.viewers import viewer_for
from dps.domain.sales.events import EventKind, RecordEvent
from dps.domain.sales.notifications import Notification, interested_users, summary_of
from dps.domain.sales.records import RecordType
from dps.domain.shared.ids import UserId


class _UtcClock(Clock):
    def now(self) -> datetime:
        return datetime.now(UTC)


class _RandomIds(IdFactory):
    def new_id(self) -> UUID:
        return uuid.uuid4()


class NotifyInterestedUsers(Notifier):
    """One notification per interested user (owner, creator, staff, the event's extra recipients and,
    for a comment, everyone who commented on the record before), never the actor, and only to users
    who can see the record now, evaluated with their own Viewer (R7). Inactive users are skipped.

    Give it the application's clock and id factory; without them it uses the system time and
    random ids."""

    def __init__(self, clock: Clock | None = None, ids: IdFactory | None = None) -> None:
        self._clock = clock or _UtcClock()
        self._ids = ids or _RandomIds()

    def notify(self, uow: SalesUnitOfWork, event: RecordEvent) -> None:
        record_type, record_id, also = event.record_type, event.record_id, set[UserId]()
        if record_type is RecordType.COMMENT:  # an event on a comment is news of its record
            comment = uow.comments.get(record_id)
            if comment is None:
                return
            record_type, record_id = comment.record_type, comment.record_id
            also.add(comment.author_id)
        chain = uow.records.access_chain(record_type, record_id)
        if chain is None:
            return
        if event.kind is EventKind.COMMENT_ADDED:
            also |= uow.comments.authors_on(record_type, record_id)
        candidates = interested_users(event, chain[0], also=also)
        if not candidates:
            return
        tenant = uow.tenant()
        today = today_in(self._clock, tenant.time_zone)
        actor = uow.users.get(event.actor_id)
        summary = summary_of(
            event.kind, actor=actor.name if actor is not None else "システム",
            label=uow.records.label_of(record_type, record_id) or "", detail=event.summary,
        )
        now = self._clock.now()
        notes = []
        for user_id in sorted(candidates):
            user = uow.users.get(user_id)
            if user is None or not user.is_active:
                continue
            viewer = viewer_for(uow, principal_for(uow, tenant.id, user, today), today)
            if not visible_chain(viewer, chain):
                continue
            notes.append(Notification.of_event(
                event, id=self._ids.new_id(), recipient=user_id, summary=summary, at=now,
                record_type=record_type, record_id=record_id, actor_known=actor is not None,
            ))
        if notes:
            uow.notifications.add_many(notes)
