"""Stores of comments, likes, attachment metadata and notifications."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from dps.application.sales.collaboration.views import CommentView, LikerView, NotificationView
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.attachments import Attachment
from dps.domain.sales.comments import Comment
from dps.domain.sales.likes import Like, LikeTarget
from dps.domain.sales.notifications import Notification
from dps.domain.sales.records import RecordType
from dps.domain.shared.ids import UserId
from dps.domain.visibility.policy import Viewer


class CommentRepository(Protocol):
    """Comments on any record (record_type, record_id)."""

    @abstractmethod
    def get(self, comment_id: UUID) -> Comment | None: ...

    @abstractmethod
    def add(self, comment: Comment) -> None: ...

    @abstractmethod
    def update(self, comment: Comment) -> None:
        """Saves body and updated_at if `comment.version` is still current (else Conflict with the
        current version); bumps `comment.version`."""

    @abstractmethod
    def delete(self, comment_id: UUID) -> None:
        """Removes the comment and the likes of it; its replies stay, no longer replying to anything."""

    @abstractmethod
    def view(self, comment_id: UUID, *, reader: UserId) -> CommentView | None: ...

    @abstractmethod
    def page_for_record(
        self, record_type: RecordType, record_id: UUID, *, reader: UserId, request: PageRequest
    ) -> Page[CommentView]:
        """The record's comments, oldest first by default (sort `created_at` / `-created_at`)."""

    @abstractmethod
    def authors_on(self, record_type: RecordType, record_id: UUID) -> frozenset[UserId]:
        """Everyone who has commented on the record."""


class LikeRepository(Protocol):
    """Likes on any record or comment; one per user and target."""

    @abstractmethod
    def add(self, like: Like) -> bool:
        """False (and nothing changes) when the user already likes the target."""

    @abstractmethod
    def remove(self, target: LikeTarget, user_id: UserId) -> bool:
        """False when there was no such like."""

    @abstractmethod
    def count(self, target: LikeTarget) -> int: ...

    @abstractmethod
    def likes(self, target: LikeTarget, user_id: UserId) -> bool: ...

    @abstractmethod
    def page_of_likers(self, target: LikeTarget, request: PageRequest) -> Page[LikerView]:
        """Who liked, earliest first."""


class AttachmentRepository(Protocol):
    """Attachment metadata (the bytes live in the FileStore)."""

    @abstractmethod
    def get(self, attachment_id: UUID) -> Attachment | None: ...

    @abstractmethod
    def add(self, attachment: Attachment) -> None: ...

    @abstractmethod
    def list_for(self, record_type: RecordType, record_id: UUID) -> Sequence[Attachment]:
        """The record's attachments, oldest first."""

    @abstractmethod
    def delete(self, attachment_id: UUID) -> bool:
        """False when there was no such attachment."""


class NotificationRepository(Protocol):
    """Per-user notifications with read state. Reads take the reader's Viewer: a notification whose
    record the reader can no longer see is left out (R7), as if it did not exist."""

    @abstractmethod
    def add_many(self, notifications: Sequence[Notification]) -> None: ...

    @abstractmethod
    def view(self, viewer: Viewer, notification_id: UUID) -> NotificationView | None:
        """The reader's own notification, if its record is visible to them."""

    @abstractmethod
    def page_for(self, viewer: Viewer, *, unread_only: bool, request: PageRequest) -> Page[NotificationView]:
        """The reader's notifications, newest first."""

    @abstractmethod
    def count_unread(self, viewer: Viewer) -> int: ...

    @abstractmethod
    def mark_read(self, user_id: UserId, notification_id: UUID, at: datetime) -> bool:
        """False if it is not the user's or was already read."""

    @abstractmethod
    def mark_all_read(self, viewer: Viewer, at: datetime) -> int:
        """Marks every unread notification of the reader (visible or not); returns how many."""
