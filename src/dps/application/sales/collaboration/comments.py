"""Comments on a sales record: add (optionally replying), list, edit and delete one's own.
Everyone who sees a record may comment on it (light users on activities only, R5); adding one
notifies the people interested in the record."""

from __future__ import annotations

from uuid import UUID

from attrs import frozen

from dps.application.sales.access import viewer_in
from dps.application.sales.collaboration.targets import (
    comment_to_act_on,
    ensure_record_commentable,
    ensure_record_readable,
    refuse,
)
from dps.application.sales.collaboration.views import CommentView
from dps.application.sales.deps import SalesDeps
from dps.application.shared.audit import log_master_change
from dps.application.shared.errors import Conflict, Invalid, domain_rules
from dps.application.shared.paging import Page, PageRequest
from dps.application.shared.snapshots import snapshot
from dps.domain.sales.comments import Comment
from dps.domain.sales.events import EventKind, RecordEvent
from dps.domain.sales.notifications import excerpt
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal


@frozen
class AddCommentCommand:
    record_type: RecordType
    record_id: UUID
    body: str
    reply_to_id: UUID | None = None


@frozen
class EditCommentCommand:
    comment_id: UUID
    body: str
    expected_version: int


class AddComment:
    """Write a comment on a record; a reply must answer a comment of the same record, and its
    author hears of it too."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: AddCommentCommand) -> CommentView:
        d = self._d
        with d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, d.clock)
            ensure_record_commentable(uow, viewer, d.audit, cmd.record_type, cmd.record_id, action="comment.add")
            reply_to = uow.comments.get(cmd.reply_to_id) if cmd.reply_to_id is not None else None
            if cmd.reply_to_id is not None and reply_to is None:
                raise Invalid.field("reply_to_id", "返信先のコメントがありません / no such comment")
            with domain_rules():
                comment = Comment.write(
                    id=d.ids.new_id(), record_type=cmd.record_type, record_id=cmd.record_id,
                    author_id=principal.user_id, body=cmd.body, at=d.clock.now(), reply_to=reply_to,
                )
            uow.comments.add(comment)
            d.notifier.notify(uow, RecordEvent(
                kind=EventKind.COMMENT_ADDED, record_type=comment.record_type, record_id=comment.record_id,
                actor_id=principal.user_id, summary=excerpt(comment.body),
                extra_recipients=frozenset({reply_to.author_id}) if reply_to is not None else frozenset(),
            ))
            view = uow.comments.view(comment.id, reader=principal.user_id)
            uow.commit()
        log_master_change(d.audit, principal, "comment", "create", comment)
        assert view is not None
        return view


class ListComments:
    """A record's comments, oldest first, for anyone who sees the record."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(
        self, principal: Principal, record_type: RecordType, record_id: UUID, request: PageRequest
    ) -> Page[CommentView]:
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            ensure_record_readable(uow, viewer, record_type, record_id)
            return uow.comments.page_for_record(record_type, record_id, reader=principal.user_id, request=request)


class EditComment:
    """Rewrite one's own comment, carrying the version read (409 when stale)."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: EditCommentCommand) -> CommentView:
        d = self._d
        with d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, d.clock)
            comment = comment_to_act_on(uow, viewer, d.audit, cmd.comment_id, action="comment.edit")
            if not comment.may_be_edited_by(principal.user_id):
                refuse(principal, d.audit, "comment.edit", comment.id, "only its author edits a comment")
            if comment.version != cmd.expected_version:
                raise Conflict("the comment was changed by someone else", current_version=comment.version)
            before = snapshot(comment)
            with domain_rules():
                comment.edit(cmd.body, d.clock.now())
            uow.comments.update(comment)
            view = uow.comments.view(comment.id, reader=principal.user_id)
            uow.commit()
        log_master_change(d.audit, principal, "comment", "update", comment, before=before)
        assert view is not None
        return view


class DeleteComment:
    """Delete one's own comment (administrators: any); replies to it stay, likes of it go."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, comment_id: UUID) -> None:
        d = self._d
        with d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, d.clock)
            comment = comment_to_act_on(uow, viewer, d.audit, comment_id, action="comment.delete")
            if not comment.may_be_deleted_by(principal.user_id, is_admin=principal.is_admin):
                refuse(principal, d.audit, "comment.delete", comment.id, "only its author or an administrator")
            before = snapshot(comment)
            uow.comments.delete(comment.id)
            uow.commit()
        d.audit.master_change(entity="comment", record_id=comment.id, action="delete", actor=principal.login_id,
                              before=before, after=None)
