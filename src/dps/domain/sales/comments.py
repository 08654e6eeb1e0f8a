"""コメント: a remark on a sales record, optionally a reply to another comment of the same record.
Only its author edits it; its author or an administrator deletes it."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from attrs import define, field

from dps.domain.sales.records import RecordType
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import UserId

MAX_BODY_LENGTH = 4000
"""Characters of one comment (after trimming surrounding blanks)."""

COMMENTABLE: frozenset[RecordType] = frozenset({
    RecordType.ACCOUNT, RecordType.PERSON, RecordType.OPPORTUNITY, RecordType.ACTIVITY, RecordType.LEAD,
    RecordType.CAMPAIGN,
})
"""Record kinds that carry comments and likes."""


def check_body(body: str) -> str:
    """The body trimmed; empty or longer than MAX_BODY_LENGTH is refused."""
    text = body.strip()
    if not text:
        raise DomainError("コメントを入力してください / the comment is empty", field="body")
    if len(text) > MAX_BODY_LENGTH:
        raise DomainError(
            f"コメントは{MAX_BODY_LENGTH}文字以内で入力してください / at most {MAX_BODY_LENGTH} characters",
            field="body",
        )
    return text


def check_commentable(record_type: RecordType) -> RecordType:
    if record_type not in COMMENTABLE:
        raise DomainError(f"a {record_type.value} cannot carry comments or likes", field="record_type")
    return record_type


@define(kw_only=True, eq=False)
class Comment:
    id: UUID
    record_type: RecordType
    record_id: UUID
    author_id: UserId
    body: str = field(converter=check_body)
    created_at: datetime
    reply_to_id: UUID | None = None
    updated_at: datetime | None = None
    version: int = 1

    @classmethod
    def write(
        cls, *, id: UUID, record_type: RecordType, record_id: UUID, author_id: UserId, body: str, at: datetime,
        reply_to: Comment | None = None,
    ) -> Comment:
        """A new comment; a reply must answer a comment of the same record."""
        check_commentable(record_type)
        if reply_to is not None and not reply_to.is_on(record_type, record_id):
            raise DomainError("返信先は同じレコードのコメントにしてください / reply to a comment of the same record",
                              field="reply_to_id")
        return cls(
            id=id, record_type=record_type, record_id=record_id, author_id=author_id, body=body, created_at=at,
            reply_to_id=reply_to.id if reply_to is not None else None,
        )

    def is_on(self, record_type: RecordType, record_id: UUID) -> bool:
        return self.record_type is record_type and self.record_id == record_id

    def may_be_edited_by(self, user_id: UserId) -> bool:
        """Nobody rewrites another person's words, administrators included."""
        return self.author_id == user_id

    def may_be_deleted_by(self, user_id: UserId, *, is_admin: bool) -> bool:
        """The author, or an administrator (moderation)."""
        return self.author_id == user_id or is_admin

    def edit(self, body: str, at: datetime) -> None:
        self.body = body  # the converter checks it
        self.updated_at = at
