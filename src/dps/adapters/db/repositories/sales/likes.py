"""SQL store of likes (ライク！): one row per (target, user)."""

from __future__ import annotations

from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from dps.adapters.db.paging import keyset_page, resolve_sort
from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.tables.collaboration import likes
from dps.adapters.db.tables.directory import users
from dps.application.sales.collaboration.ports import LikeRepository
from dps.application.sales.collaboration.views import LikerView
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.likes import Like, LikeTarget
from dps.domain.shared.ids import UserId

lk = likes


class SqlLikeRepository(TenantScoped, LikeRepository):
    def _of(self, target: LikeTarget) -> sa.ColumnElement[bool]:
        return sa.and_(lk.c.tenant_id == self._tenant, lk.c.record_type == target.record_type.value,
                       lk.c.record_id == target.record_id)

    def add(self, like: Like) -> bool:
        if self.likes(like.target, like.user_id):
            return False
        try:
            with self._conn.begin_nested():
                self._conn.execute(lk.insert().values(
                    tenant_id=self._tenant, record_type=like.record_type.value, record_id=like.record_id,
                    user_id=like.user_id, created_at=like.created_at,
                ))
        except IntegrityError:  # a concurrent request of the same user won the race
            return False
        return True

    def remove(self, target: LikeTarget, user_id: UserId) -> bool:
        return self._conn.execute(lk.delete().where(self._of(target), lk.c.user_id == user_id)).rowcount > 0

    def count(self, target: LikeTarget) -> int:
        return int(self._conn.execute(sa.select(sa.func.count()).select_from(lk).where(self._of(target))).scalar_one())

    def likes(self, target: LikeTarget, user_id: UserId) -> bool:
        query = sa.select(lk.c.user_id).where(self._of(target), lk.c.user_id == user_id)
        return self._conn.execute(query).first() is not None

    def page_of_likers(self, target: LikeTarget, request: PageRequest) -> Page[LikerView]:
        sort = resolve_sort(request, {"created_at": lk.c.created_at}, "created_at")
        query = (
            sa.select(lk.c.user_id.label("id"), lk.c.created_at, users.c.name)
            .select_from(lk.outerjoin(users, sa.and_(users.c.tenant_id == lk.c.tenant_id, users.c.id == lk.c.user_id)))
            .where(self._of(target))
        )

        def to_item(row: sa.Row[Any]) -> LikerView:
            return LikerView(user_id=cast(UserId, row.id), name=row.name or "", created_at=row.created_at)

        return keyset_page(self._conn, query, sort=sort, id_column=lk.c.user_id, request=request, to_item=to_item,
                           sort_value=lambda row: row.created_at)
