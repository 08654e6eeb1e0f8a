"""Users in bulk: lookups by login id or id, active counts per licence, executemany insert/update and
the export stream. Writes go through the unit of work's connection, whose directory watch bumps the
tenant's directory_version on commit."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.transfer.common import chunked, versioned_update
from dps.adapters.db.repositories.users import _user, _values
from dps.adapters.db.tables.directory import users
from dps.application.shared.errors import Conflict
from dps.application.transfer.ports_store import UserBulkStore
from dps.domain.directory.users import User
from dps.domain.shared.principal import License


class SqlUserBulkStore(TenantScoped, UserBulkStore):
    def _by(self, column: sa.ColumnElement[object], values: Collection[object]) -> list[User]:
        out: list[User] = []
        for part in chunked(values):
            out.extend(_user(r) for r in self._conn.execute(self._select(users, column.in_(part))))
        return out

    def by_logins(self, logins: Collection[str]) -> dict[str, User]:
        return {u.login_id: u for u in self._by(users.c.login_id, logins)}

    def by_ids(self, ids: Collection[UUID]) -> dict[UUID, User]:
        return {u.id: u for u in self._by(users.c.id, ids)}

    def count_active(self) -> dict[License, int]:
        rows = self._conn.execute(sa.select(users.c.license, sa.func.count()).where(
            users.c.tenant_id == self._tenant, users.c.is_active.is_(True)).group_by(users.c.license))
        return {License(lic): int(n) for lic, n in rows}

    def insert(self, items: Sequence[User]) -> None:
        rows = [_values(u) | {"tenant_id": self._tenant, "id": u.id, "version": 1} for u in items]
        try:
            with self._conn.begin_nested():
                self._conn.execute(users.insert(), rows)
        except IntegrityError as e:
            raise Conflict("ログインIDは既に使われています / a login id is already used", field="login_id") from e

    def update(self, items: Sequence[tuple[User, int]]) -> None:
        rows = [_values(u) | {"b_id": u.id, "b_version": v} for u, v in items]
        try:
            with self._conn.begin_nested():
                versioned_update(self._conn, users, self._tenant, rows, what="users")
        except IntegrityError as e:
            raise Conflict("ログインIDは既に使われています / a login id is already used", field="login_id") from e
        for u, v in items:
            u.version = v + 1

    def stream(self, page_size: int = 1000) -> Iterator[User]:
        stmt = self._select(users).order_by(users.c.login_id).limit(page_size)
        last: str | None = None
        while True:
            page = list(self._conn.execute(stmt if last is None else stmt.where(users.c.login_id > last)))
            yield from (_user(r) for r in page)
            if len(page) < page_size:
                return
            last = page[-1].login_id
