"""ライク！ on a record or a comment: my like is put or removed idempotently (one per user and
target); a new like notifies the people interested in the record (and the comment's author)."""

from __future__ import annotations

from attrs import frozen

from dps.application.sales.access import viewer_in
from dps.application.sales.collaboration.targets import (
    comment_in_view,
    comment_to_act_on,
    ensure_record_commentable,
    ensure_record_readable,
)
from dps.application.sales.collaboration.views import LikeSummary
from dps.application.sales.deps import SalesDeps
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.paging import PageRequest
from dps.domain.sales.events import EventKind, RecordEvent
from dps.domain.sales.likes import Like, LikeTarget
from dps.domain.sales.notifications import excerpt
from dps.domain.shared.principal import Principal
from dps.domain.visibility.policy import Viewer


@frozen
class LikeState:
    """After a put or remove: how many like the target and whether I do."""

    count: int
    liked_by_me: bool


class _LikeUseCase:
    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def _state(self, uow: SalesUnitOfWork, principal: Principal, target: LikeTarget) -> LikeState:
        return LikeState(count=uow.likes.count(target), liked_by_me=uow.likes.likes(target, principal.user_id))


class LikeIt(_LikeUseCase):
    """PUT my like: the second time changes nothing and notifies nobody."""

    def __call__(self, principal: Principal, target: LikeTarget) -> LikeState:
        d = self._d
        with d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, d.clock)
            event = self._event(uow, viewer, principal, target)
            if uow.likes.add(Like(target=target, user_id=principal.user_id, created_at=d.clock.now())):
                d.notifier.notify(uow, event)
            state = self._state(uow, principal, target)
            uow.commit()
        return state

    def _event(self, uow: SalesUnitOfWork, viewer: Viewer, principal: Principal, target: LikeTarget) -> RecordEvent:
        """Checks the principal may like the target; the event names the record (for a comment, the
        commented record, with the comment's author as an extra recipient)."""
        if target.is_comment:
            comment = comment_to_act_on(uow, viewer, self._d.audit, target.record_id, action="like.put")
            return RecordEvent(
                kind=EventKind.LIKE_ADDED, record_type=comment.record_type, record_id=comment.record_id,
                actor_id=principal.user_id, summary=excerpt(comment.body),
                extra_recipients=frozenset({comment.author_id}),
            )
        ensure_record_commentable(uow, viewer, self._d.audit, target.record_type, target.record_id, action="like.put")
        return RecordEvent(kind=EventKind.LIKE_ADDED, record_type=target.record_type, record_id=target.record_id,
                           actor_id=principal.user_id)


class UnlikeIt(_LikeUseCase):
    """DELETE my like: removing a like that is not there is fine."""

    def __call__(self, principal: Principal, target: LikeTarget) -> LikeState:
        d = self._d
        with d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, d.clock)
            if target.is_comment:
                comment_to_act_on(uow, viewer, d.audit, target.record_id, action="like.remove")
            else:
                ensure_record_commentable(uow, viewer, d.audit, target.record_type, target.record_id,
                                          action="like.remove")
            uow.likes.remove(target, principal.user_id)
            state = self._state(uow, principal, target)
            uow.commit()
        return state


class ListLikes(_LikeUseCase):
    """Who liked a record or comment, for anyone who sees it."""

    def __call__(self, principal: Principal, target: LikeTarget, request: PageRequest) -> LikeSummary:
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            if target.is_comment:
                comment_in_view(uow, viewer, target.record_id)
            else:
                ensure_record_readable(uow, viewer, target.record_type, target.record_id)
            page = uow.likes.page_of_likers(target, request)
            state = self._state(uow, principal, target)
        return LikeSummary(count=state.count, liked_by_me=state.liked_by_me, items=tuple(page.items),
                           next_cursor=page.next_cursor)
