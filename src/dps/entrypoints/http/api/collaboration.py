"""JSON API: comments and likes (ライク！) on any sales record, and my notifications (M5).

Per record kind (accounts, persons, opportunities, activities, leads, campaigns):
``GET/POST /{kind}/{record_id}/comments``, ``PUT/DELETE /{kind}/{record_id}/like`` (my like,
idempotent), ``GET /{kind}/{record_id}/likes``. Per comment: ``PATCH/DELETE /comments/{id}``,
``PUT/DELETE /comments/{id}/like``, ``GET /comments/{id}/likes``. Notifications: ``GET
/notifications``, ``GET /notifications/unread-count``, ``POST /notifications/{id}/read``, ``POST
/notifications/read-all``. A record or comment the caller cannot see is 404, never 403.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
from litestar import delete, get, patch, post, put
from litestar.params import Parameter
from litestar.types import ControllerRouterHandler

from dps.application.sales.collaboration.comments import (
    AddComment,
    AddCommentCommand,
    DeleteComment,
    EditComment,
    EditCommentCommand,
    ListComments,
)
from dps.application.sales.collaboration.inbox import (
    CountUnreadNotifications,
    ListNotifications,
    MarkAllNotificationsRead,
    MarkNotificationRead,
)
from dps.application.sales.collaboration.likes import LikeIt, LikeState, ListLikes, UnlikeIt
from dps.application.sales.collaboration.views import CommentView, LikeSummary, NotificationView
from dps.application.sales.deps import SalesDeps
from dps.domain.sales.likes import LikeTarget
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.api.sales_common import page_request

RESOURCES: dict[str, RecordType] = {
    "accounts": RecordType.ACCOUNT,
    "persons": RecordType.PERSON,
    "opportunities": RecordType.OPPORTUNITY,
    "activities": RecordType.ACTIVITY,
    "leads": RecordType.LEAD,
    "campaigns": RecordType.CAMPAIGN,
}
"""URL resource name -> record kind, for the kinds that carry comments and likes."""

RECORD_PATHS: dict[RecordType, str] = {**{t: r for r, t in RESOURCES.items()}, RecordType.BUDGET: "budgets"}

LIMIT_DOC = "1-200"
CURSOR_DOC = "next_cursor of the previous page"


def record_url(record_type: RecordType, record_id: UUID) -> str | None:
    """The record's page (its stable URL, as every record's `url`); the API lives under /api/v1 beside it."""
    resource = RECORD_PATHS.get(record_type)
    return f"/{resource}/{record_id}" if resource else None


class NewCommentIn(msgspec.Struct):
    body: str
    reply_to_id: UUID | None = None


class CommentEditIn(msgspec.Struct):
    body: str
    expected_version: int


class CommentOut(msgspec.Struct):
    id: UUID
    record_type: str
    record_id: UUID
    body: str
    reply_to_id: UUID | None
    author_id: UUID
    author_name: str
    created_at: datetime
    updated_at: datetime | None
    version: int
    like_count: int
    liked_by_me: bool


class CommentPageOut(msgspec.Struct):
    items: list[CommentOut]
    next_cursor: str | None


class LikeStateOut(msgspec.Struct):
    count: int
    liked_by_me: bool


class LikerOut(msgspec.Struct):
    user_id: UUID
    name: str
    created_at: datetime


class LikesOut(msgspec.Struct):
    count: int
    liked_by_me: bool
    items: list[LikerOut]
    next_cursor: str | None


class NotificationOut(msgspec.Struct):
    id: UUID
    kind: str
    record_type: str
    record_id: UUID
    record_url: str | None
    summary: str
    actor_id: UUID | None
    actor_name: str | None
    created_at: datetime
    read_at: datetime | None


class NotificationPageOut(msgspec.Struct):
    items: list[NotificationOut]
    next_cursor: str | None


class UnreadCountOut(msgspec.Struct):
    count: int


class MarkedOut(msgspec.Struct):
    marked: int


def comment_out(v: CommentView) -> CommentOut:
    return CommentOut(
        id=v.id, record_type=v.record_type.value, record_id=v.record_id, body=v.body, reply_to_id=v.reply_to_id,
        author_id=v.author_id, author_name=v.author_name, created_at=v.created_at, updated_at=v.updated_at,
        version=v.version, like_count=v.like_count, liked_by_me=v.liked_by_me,
    )


def likes_out(s: LikeSummary) -> LikesOut:
    return LikesOut(
        count=s.count, liked_by_me=s.liked_by_me, next_cursor=s.next_cursor,
        items=[LikerOut(user_id=x.user_id, name=x.name, created_at=x.created_at) for x in s.items],
    )


def state_out(s: LikeState) -> LikeStateOut:
    return LikeStateOut(count=s.count, liked_by_me=s.liked_by_me)


def notification_out(v: NotificationView) -> NotificationOut:
    return NotificationOut(
        id=v.id, kind=v.kind.value, record_type=v.record_type.value, record_id=v.record_id,
        record_url=record_url(v.record_type, v.record_id), summary=v.summary, actor_id=v.actor_id,
        actor_name=v.actor_name, created_at=v.created_at, read_at=v.read_at,
    )


def record_routes(resource: str, record_type: RecordType) -> list[ControllerRouterHandler]:
    """The comment and like handlers of one record kind (litestar matches static segments first, so
    each kind gets its own paths rather than one `/{kind}/...` pattern)."""
    base = f"/{resource}/{{record_id:uuid}}"
    kind = record_type.value
    tags = ["collaboration"]

    @get(f"{base}/comments", summary=f"Comments on a {kind}, oldest first", operation_id=f"list_{kind}_comments",
         tags=tags, sync_to_thread=True)
    def list_comments(
        principal: Principal, sales_deps: SalesDeps, record_id: UUID,
        sort: str | None = Parameter(query="sort", default=None, description="created_at (default) or -created_at"),
        limit: int = Parameter(query="limit", default=50, description=LIMIT_DOC),
        cursor: str | None = Parameter(query="cursor", default=None, description=CURSOR_DOC),
    ) -> CommentPageOut:
        page = ListComments(sales_deps)(principal, record_type, record_id, page_request(limit, cursor, sort))
        return CommentPageOut(items=[comment_out(v) for v in page.items], next_cursor=page.next_cursor)

    @post(f"{base}/comments", summary=f"Comment on a {kind} (optionally replying to one of its comments)",
          operation_id=f"add_{kind}_comment", tags=tags, status_code=201, sync_to_thread=True)
    def add_comment(principal: Principal, sales_deps: SalesDeps, record_id: UUID, data: NewCommentIn) -> CommentOut:
        cmd = AddCommentCommand(record_type=record_type, record_id=record_id, body=data.body,
                                reply_to_id=data.reply_to_id)
        return comment_out(AddComment(sales_deps)(principal, cmd))

    @put(f"{base}/like", summary=f"Like a {kind} (ライク！); liking twice changes nothing",
         operation_id=f"like_{kind}", tags=tags, status_code=200, sync_to_thread=True)
    def like_record(principal: Principal, sales_deps: SalesDeps, record_id: UUID) -> LikeStateOut:
        return state_out(LikeIt(sales_deps)(principal, LikeTarget(record_type, record_id)))

    @delete(f"{base}/like", summary=f"Take back my like of a {kind}", operation_id=f"unlike_{kind}", tags=tags,
            status_code=204, sync_to_thread=True)
    def unlike_record(principal: Principal, sales_deps: SalesDeps, record_id: UUID) -> None:
        UnlikeIt(sales_deps)(principal, LikeTarget(record_type, record_id))

    @get(f"{base}/likes", summary=f"Who liked a {kind}", operation_id=f"list_{kind}_likes", tags=tags,
         sync_to_thread=True)
    def list_likes(
        principal: Principal, sales_deps: SalesDeps, record_id: UUID,
        limit: int = Parameter(query="limit", default=50, description=LIMIT_DOC),
        cursor: str | None = Parameter(query="cursor", default=None, description=CURSOR_DOC),
    ) -> LikesOut:
        target = LikeTarget(record_type, record_id)
        return likes_out(ListLikes(sales_deps)(principal, target, page_request(limit, cursor, None)))

    return [list_comments, add_comment, like_record, unlike_record, list_likes]


def _comment(comment_id: UUID) -> LikeTarget:
    return LikeTarget(RecordType.COMMENT, comment_id)


@patch("/comments/{comment_id:uuid}", summary="Edit my comment (with the version read; 409 if stale)",
       tags=["collaboration"], sync_to_thread=True)
def edit_comment_handler(
    principal: Principal, sales_deps: SalesDeps, comment_id: UUID, data: CommentEditIn
) -> CommentOut:
    cmd = EditCommentCommand(comment_id=comment_id, body=data.body, expected_version=data.expected_version)
    return comment_out(EditComment(sales_deps)(principal, cmd))


@delete("/comments/{comment_id:uuid}", summary="Delete my comment (administrators: any); replies stay",
        tags=["collaboration"], status_code=204, sync_to_thread=True)
def delete_comment_handler(principal: Principal, sales_deps: SalesDeps, comment_id: UUID) -> None:
    DeleteComment(sales_deps)(principal, comment_id)


@put("/comments/{comment_id:uuid}/like", summary="Like a comment; liking twice changes nothing",
     tags=["collaboration"], status_code=200, sync_to_thread=True)
def like_comment_handler(principal: Principal, sales_deps: SalesDeps, comment_id: UUID) -> LikeStateOut:
    return state_out(LikeIt(sales_deps)(principal, _comment(comment_id)))


@delete("/comments/{comment_id:uuid}/like", summary="Take back my like of a comment", tags=["collaboration"],
        status_code=204, sync_to_thread=True)
def unlike_comment_handler(principal: Principal, sales_deps: SalesDeps, comment_id: UUID) -> None:
    UnlikeIt(sales_deps)(principal, _comment(comment_id))


@get("/comments/{comment_id:uuid}/likes", summary="Who liked a comment", tags=["collaboration"],
     sync_to_thread=True)
def list_comment_likes_handler(
    principal: Principal, sales_deps: SalesDeps, comment_id: UUID,
    limit: int = Parameter(query="limit", default=50, description=LIMIT_DOC),
    cursor: str | None = Parameter(query="cursor", default=None, description=CURSOR_DOC),
) -> LikesOut:
    return likes_out(ListLikes(sales_deps)(principal, _comment(comment_id), page_request(limit, cursor, None)))


@get("/notifications", summary="My notifications, newest first (only records I can still see)",
     tags=["notifications"], sync_to_thread=True)
def list_notifications_handler(
    principal: Principal, sales_deps: SalesDeps,
    unread: bool = Parameter(query="unread", default=False, description="only the unread ones"),
    limit: int = Parameter(query="limit", default=50, description=LIMIT_DOC),
    cursor: str | None = Parameter(query="cursor", default=None, description=CURSOR_DOC),
) -> NotificationPageOut:
    page = ListNotifications(sales_deps)(principal, unread_only=unread, request=page_request(limit, cursor, None))
    return NotificationPageOut(items=[notification_out(v) for v in page.items], next_cursor=page.next_cursor)


@get("/notifications/unread-count", summary="How many of my notifications are unread", tags=["notifications"],
     sync_to_thread=True)
def unread_count_handler(principal: Principal, sales_deps: SalesDeps) -> UnreadCountOut:
    return UnreadCountOut(count=CountUnreadNotifications(sales_deps)(principal))


@post("/notifications/{notification_id:uuid}/read", summary="Mark one of my notifications read",
      tags=["notifications"], status_code=200, sync_to_thread=True)
def mark_read_handler(principal: Principal, sales_deps: SalesDeps, notification_id: UUID) -> NotificationOut:
    return notification_out(MarkNotificationRead(sales_deps)(principal, notification_id))


@post("/notifications/read-all", summary="Mark all my notifications read", tags=["notifications"],
      status_code=200, sync_to_thread=True)
def mark_all_read_handler(principal: Principal, sales_deps: SalesDeps) -> MarkedOut:
    return MarkedOut(marked=MarkAllNotificationsRead(sales_deps)(principal))


ROUTES: list[ControllerRouterHandler] = [
    *(handler for resource, record_type in RESOURCES.items() for handler in record_routes(resource, record_type)),
    edit_comment_handler, delete_comment_handler, like_comment_handler, unlike_comment_handler,
    list_comment_likes_handler,
    list_notifications_handler, unread_count_handler, mark_read_handler, mark_all_read_handler,
]
"""The handlers of this module, mounted under /api/v1 by the app factory."""
