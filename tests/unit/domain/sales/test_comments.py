"""Comment rules: body required and bounded, replies stay on their record, who edits and deletes."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dps.domain.sales.comments import COMMENTABLE, MAX_BODY_LENGTH, Comment, check_body
from dps.domain.sales.records import RecordType
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import UserId

AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
AUTHOR, OTHER = UserId(UUID(int=1)), UserId(UUID(int=2))
RECORD = UUID(int=100)


def _write(body: str = "よろしくお願いします", *, record_type: RecordType = RecordType.ACTIVITY,
           record_id: UUID = RECORD, reply_to: Comment | None = None, id: int = 10) -> Comment:
    return Comment.write(id=UUID(int=id), record_type=record_type, record_id=record_id, author_id=AUTHOR,
                         body=body, at=AT, reply_to=reply_to)


@given(st.text(max_size=MAX_BODY_LENGTH + 20))
def test_a_body_is_kept_trimmed_when_it_has_text_and_fits(body: str) -> None:
    text = body.strip()
    if text and len(text) <= MAX_BODY_LENGTH:
        assert check_body(body) == text
    else:
        with pytest.raises(DomainError) as e:
            check_body(body)
        assert e.value.field == "body"


def test_write_and_reply_on_the_same_record_only() -> None:
    first = _write("  見積を送付しました \n")
    assert (first.body, first.version, first.reply_to_id, first.updated_at) == ("見積を送付しました", 1, None, None)
    reply = _write("受領しました", reply_to=first, id=11)
    assert reply.reply_to_id == first.id
    with pytest.raises(DomainError) as other_record:
        _write("別レコードへの返信", record_id=UUID(int=101), reply_to=first, id=12)
    assert other_record.value.field == "reply_to_id"
    with pytest.raises(DomainError) as other_kind:
        _write("種類違いの返信", record_type=RecordType.ACCOUNT, reply_to=first, id=13)
    assert other_kind.value.field == "reply_to_id"


@pytest.mark.parametrize("record_type", sorted(set(RecordType) - COMMENTABLE))
def test_only_sales_records_carry_comments(record_type: RecordType) -> None:
    with pytest.raises(DomainError) as e:
        _write(record_type=record_type)
    assert e.value.field == "record_type"


def test_edit_checks_the_body_and_stamps_the_time() -> None:
    comment = _write()
    later = datetime(2026, 1, 6, tzinfo=UTC)
    comment.edit(" 修正しました ", later)
    assert (comment.body, comment.updated_at) == ("修正しました", later)
    with pytest.raises(DomainError):
        comment.edit("   ", later)
    assert comment.body == "修正しました"


def test_only_the_author_edits_and_the_author_or_an_admin_deletes() -> None:
    comment = _write()
    assert comment.may_be_edited_by(AUTHOR)
    assert not comment.may_be_edited_by(OTHER)
    assert comment.may_be_deleted_by(AUTHOR, is_admin=False)
    assert not comment.may_be_deleted_by(OTHER, is_admin=False)
    assert comment.may_be_deleted_by(OTHER, is_admin=True)
