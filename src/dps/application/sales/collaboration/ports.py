"""Stores of comments, likes, attachment metadata and notifications."""

from __future__ import annotations

from typing import Protocol


class CommentRepository(Protocol):
    """Comments on any record (record_type, record_id)."""


class LikeRepository(Protocol):
    """Likes on any record or comment; one per user and target."""


class AttachmentRepository(Protocol):
    """Attachment metadata (the bytes live in the FileStore)."""


class NotificationRepository(Protocol):
    """Per-user notifications with read state."""
