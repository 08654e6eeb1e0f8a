"""ライク！: one user's like of a record or of a comment; at most one per user and target."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from attrs import frozen

from dps.domain.sales.comments import COMMENTABLE
from dps.domain.sales.records import RecordType
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import UserId

LIKEABLE: frozenset[RecordType] = COMMENTABLE | {RecordType.COMMENT}
"""Records that carry comments, and the comments themselves."""


@frozen
class LikeTarget:
    """What is liked: a record, or a comment (record_type COMMENT, record_id the comment's id)."""

    record_type: RecordType
    record_id: UUID

    def __attrs_post_init__(self) -> None:
        if self.record_type not in LIKEABLE:
            raise DomainError(f"a {self.record_type.value} cannot be liked", field="record_type")

    @property
    def is_comment(self) -> bool:
        return self.record_type is RecordType.COMMENT


@frozen
class Like:
    target: LikeTarget
    user_id: UserId
    created_at: datetime

    @property
    def record_type(self) -> RecordType:
        return self.target.record_type

    @property
    def record_id(self) -> UUID:
        return self.target.record_id
