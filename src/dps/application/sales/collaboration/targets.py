"""Judging comments and likes on their parent record (R6): the record must exist and be visible,
and the principal must be allowed to comment on it (R5: light users on activities only)."""

from __future__ import annotations

from uuid import UUID

from dps.application.sales.access import ensure_can_comment, ensure_visible
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import Forbidden, NotFound, domain_rules
from dps.application.shared.ports import AuditLog
from dps.domain.sales.comments import Comment, check_commentable
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal
from dps.domain.visibility.policy import Viewer


def check_kind(record_type: RecordType) -> None:
    """Invalid unless the record kind carries comments and likes."""
    with domain_rules():
        check_commentable(record_type)


def ensure_record_readable(uow: SalesUnitOfWork, viewer: Viewer, record_type: RecordType, record_id: UUID) -> None:
    """NotFound unless the record exists and its whole access chain is visible."""
    check_kind(record_type)
    ensure_visible(viewer, uow.records.access_chain(record_type, record_id), record_type.value, record_id)


def ensure_record_commentable(
    uow: SalesUnitOfWork, viewer: Viewer, audit: AuditLog, record_type: RecordType, record_id: UUID, *, action: str
) -> None:
    """NotFound if missing or invisible; Forbidden (logged) if the principal may not comment on it."""
    check_kind(record_type)
    ensure_can_comment(viewer, uow.records, record_type, record_id, audit, action=action)


def comment_in_view(uow: SalesUnitOfWork, viewer: Viewer, comment_id: UUID) -> Comment:
    """The comment, if its record is visible; NotFound (naming the comment) otherwise."""
    comment = uow.comments.get(comment_id)
    if comment is None:
        raise NotFound("comment", comment_id)
    try:
        ensure_visible(viewer, uow.records.access_chain(comment.record_type, comment.record_id), "comment",
                       comment_id)
    except NotFound:
        raise NotFound("comment", comment_id) from None
    return comment


def comment_to_act_on(
    uow: SalesUnitOfWork, viewer: Viewer, audit: AuditLog, comment_id: UUID, *, action: str
) -> Comment:
    """The comment, if the principal may comment on its record (to edit, delete or like it)."""
    comment = comment_in_view(uow, viewer, comment_id)
    ensure_record_commentable(uow, viewer, audit, comment.record_type, comment.record_id, action=action)
    return comment


def refuse(principal: Principal, audit: AuditLog, action: str, comment_id: UUID, reason: str) -> None:
    """Forbidden, written to the security log."""
    audit.security("permission.denied", user=principal.login_id, action=action, record_type="comment",
                   record_id=str(comment_id), reason=reason)
    raise Forbidden(f"このコメントは変更できません / you may not change this comment ({reason})")
