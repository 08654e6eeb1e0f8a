"""What may be liked: records that carry comments, and comments."""

from __future__ import annotations

from uuid import UUID

import pytest

from dps.domain.sales.comments import COMMENTABLE
from dps.domain.sales.likes import LIKEABLE, LikeTarget
from dps.domain.sales.records import RecordType
from dps.domain.shared.errors import DomainError


@pytest.mark.parametrize("record_type", sorted(RecordType))
def test_a_target_is_a_commentable_record_or_a_comment(record_type: RecordType) -> None:
    if record_type in COMMENTABLE or record_type is RecordType.COMMENT:
        target = LikeTarget(record_type, UUID(int=1))
        assert target.is_comment is (record_type is RecordType.COMMENT)
    else:
        with pytest.raises(DomainError):
            LikeTarget(record_type, UUID(int=1))


def test_likeable_kinds() -> None:
    assert RecordType.ACTIVITY in LIKEABLE
    assert RecordType.COMMENT in LIKEABLE
    assert RecordType.BUDGET not in LIKEABLE
    assert RecordType.BUSINESS_CARD not in LIKEABLE
    assert LikeTarget(RecordType.ACTIVITY, UUID(int=1)) == LikeTarget(RecordType.ACTIVITY, UUID(int=1))
