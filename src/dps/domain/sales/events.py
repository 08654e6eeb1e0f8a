"""Domain events of the sales context; the notifier turns them into per-user notifications (M5)."""

from __future__ import annotations

import enum
from uuid import UUID

from attrs import frozen

from dps.domain.sales.records import RecordType
from dps.domain.shared.ids import UserId


class EventKind(enum.StrEnum):
    COMMENT_ADDED = "comment_added"
    LIKE_ADDED = "like_added"
    RECORD_CHANGED = "record_changed"
    ACTIVITY_REGISTERED = "activity_registered"
    STAFF_ASSIGNED = "staff_assigned"


@frozen
class RecordEvent:
    """Something happened to a record: who did it and a one-line summary for the notification."""

    kind: EventKind
    record_type: RecordType
    record_id: UUID
    actor_id: UserId
    summary: str = ""
    extra_recipients: frozenset[UserId] = frozenset()
