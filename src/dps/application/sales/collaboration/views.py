"""Read models of comments, likes and notifications, as lists and the API show them."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from attrs import frozen

from dps.domain.sales.events import EventKind
from dps.domain.sales.records import RecordType
from dps.domain.shared.ids import UserId


@frozen
class CommentView:
    """A comment with its author's name, its like count and whether the reader liked it."""

    id: UUID
    record_type: RecordType
    record_id: UUID
    body: str
    reply_to_id: UUID | None
    author_id: UserId
    author_name: str
    created_at: datetime
    updated_at: datetime | None
    version: int
    like_count: int
    liked_by_me: bool


@frozen
class LikerView:
    """Who liked, and when."""

    user_id: UserId
    name: str
    created_at: datetime


@frozen
class LikeSummary:
    """How many liked a target, whether the reader did, and a page of who."""

    count: int
    liked_by_me: bool
    items: tuple[LikerView, ...]
    next_cursor: str | None = None


@frozen
class NotificationView:
    id: UUID
    kind: EventKind
    record_type: RecordType
    record_id: UUID
    summary: str
    actor_id: UserId | None
    actor_name: str | None
    created_at: datetime
    read_at: datetime | None
