"""SQL store of comments, with their authors' names and like counts for the list."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

import sqlalchemy as sa

from dps.adapters.db.paging import keyset_page, resolve_sort
from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.tables.collaboration import comments, likes, notifications
from dps.adapters.db.tables.directory import users
from dps.application.sales.collaboration.ports import CommentRepository
from dps.application.sales.collaboration.views import CommentView
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.comments import Comment
from dps.domain.sales.records import RecordType
from dps.domain.shared.ids import UserId

c = comments
_COMMENT = RecordType.COMMENT.value


def _to_comment(row: sa.Row[Any]) -> Comment:
    return Comment(
        id=row.id, record_type=RecordType(row.record_type), record_id=row.record_id,
        author_id=cast(UserId, row.created_by), body=row.body, created_at=row.created_at,
        reply_to_id=row.reply_to_id, updated_at=row.updated_at, version=row.version,
    )


def _to_view(row: sa.Row[Any]) -> CommentView:
    return CommentView(
        id=row.id, record_type=RecordType(row.record_type), record_id=row.record_id, body=row.body,
        reply_to_id=row.reply_to_id, author_id=cast(UserId, row.created_by), author_name=row.author_name or "",
        created_at=row.created_at, updated_at=row.updated_at, version=row.version,
        like_count=int(row.like_count), liked_by_me=bool(row.liked_by_me),
    )


class SqlCommentRepository(TenantScoped, CommentRepository):
    def get(self, comment_id: UUID) -> Comment | None:
        row = self._conn.execute(self._select(c, c.c.id == comment_id)).first()
        return None if row is None else _to_comment(row)

    def add(self, comment: Comment) -> None:
        self._insert(c, {
            "id": comment.id, "record_type": comment.record_type.value, "record_id": comment.record_id,
            "body": comment.body, "reply_to_id": comment.reply_to_id, "created_by": comment.author_id,
            "created_at": comment.created_at, "updated_at": comment.updated_at, "version": comment.version,
        }, what="comment")

    def update(self, comment: Comment) -> None:
        comment.version = self._update_versioned(
            c, comment.id, comment.version, {"body": comment.body, "updated_at": comment.updated_at}, what="comment"
        )

    def delete(self, comment_id: UUID) -> None:
        mine = c.c.tenant_id == self._tenant
        self._conn.execute(c.update().where(mine, c.c.reply_to_id == comment_id).values(reply_to_id=None))
        for table in (likes, notifications):
            self._conn.execute(table.delete().where(
                table.c.tenant_id == self._tenant, table.c.record_type == _COMMENT, table.c.record_id == comment_id
            ))
        self._conn.execute(c.delete().where(mine, c.c.id == comment_id))

    def _views(self, reader: UserId) -> sa.Select[Any]:
        of_comment = sa.and_(likes.c.tenant_id == c.c.tenant_id, likes.c.record_type == _COMMENT,
                             likes.c.record_id == c.c.id)
        like_count = sa.select(sa.func.count()).select_from(likes).where(of_comment).scalar_subquery()
        liked = sa.exists().where(of_comment, likes.c.user_id == reader)
        author = sa.and_(users.c.tenant_id == c.c.tenant_id, users.c.id == c.c.created_by)
        return (
            sa.select(c, users.c.name.label("author_name"), like_count.label("like_count"),
                      liked.label("liked_by_me"))
            .select_from(c.outerjoin(users, author))
            .where(c.c.tenant_id == self._tenant)
        )

    def view(self, comment_id: UUID, *, reader: UserId) -> CommentView | None:
        row = self._conn.execute(self._views(reader).where(c.c.id == comment_id)).first()
        return None if row is None else _to_view(row)

    def page_for_record(
        self, record_type: RecordType, record_id: UUID, *, reader: UserId, request: PageRequest
    ) -> Page[CommentView]:
        sort = resolve_sort(request, {"created_at": c.c.created_at}, "created_at")
        query = self._views(reader).where(c.c.record_type == record_type.value, c.c.record_id == record_id)
        return keyset_page(self._conn, query, sort=sort, id_column=c.c.id, request=request, to_item=_to_view,
                           sort_value=lambda row: row.created_at)

    def authors_on(self, record_type: RecordType, record_id: UUID) -> frozenset[UserId]:
        rows = self._conn.execute(
            sa.select(c.c.created_by).distinct().where(
                c.c.tenant_id == self._tenant, c.c.record_type == record_type.value, c.c.record_id == record_id)
        )
        return frozenset(cast(UserId, r.created_by) for r in rows)
