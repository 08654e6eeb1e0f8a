"""Account groups (取引先汎用グループ) in bulk: lookups by code or id, their memberships, executemany
writes and the export stream (groups by code with the member accounts the viewer may see)."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.sales.account_groups import _group
from dps.adapters.db.repositories.transfer.common import chunked, versioned_update
from dps.adapters.db.tables.sales_accounts import account_group_members, account_groups, accounts
from dps.adapters.db.visibility import visible_to
from dps.application.shared.errors import Conflict
from dps.application.transfer.ports_store import AccountGroupBulkStore, AccountKey
from dps.domain.sales.account_groups import AccountGroup
from dps.domain.sales.records import RecordType
from dps.domain.visibility.policy import Viewer


def _values(g: AccountGroup) -> dict[str, Any]:
    return {"code": g.code, "name": g.name, "description": g.description}


class SqlAccountGroupBulkStore(TenantScoped, AccountGroupBulkStore):
    def _by(self, column: sa.ColumnElement[Any], values: Collection[Any]) -> list[AccountGroup]:
        out: list[AccountGroup] = []
        for part in chunked(values):
            out.extend(_group(r) for r in self._conn.execute(self._select(account_groups, column.in_(part))))
        return out

    def by_codes(self, codes: Collection[str]) -> dict[str, AccountGroup]:
        return {g.code: g for g in self._by(account_groups.c.code, codes)}

    def by_ids(self, ids: Collection[UUID]) -> dict[UUID, AccountGroup]:
        return {g.id: g for g in self._by(account_groups.c.id, ids)}

    def members(self, group_ids: Collection[UUID]) -> dict[UUID, set[UUID]]:
        m = account_group_members
        out: dict[UUID, set[UUID]] = {g: set() for g in group_ids}
        for part in chunked(group_ids):
            for r in self._conn.execute(sa.select(m.c.group_id, m.c.account_id).where(
                    m.c.tenant_id == self._tenant, m.c.group_id.in_(part))):
                out[r.group_id].add(r.account_id)
        return out

    def insert(self, groups: Sequence[AccountGroup]) -> None:
        rows = [_values(g) | {"tenant_id": self._tenant, "id": g.id, "created_at": g.created_at,
                              "version": g.version} for g in groups]
        try:
            with self._conn.begin_nested():
                self._conn.execute(account_groups.insert(), rows)
        except IntegrityError as e:
            raise Conflict("グループコードは既に使われています / a group code is already used", field="code") from e

    def update(self, groups: Sequence[tuple[AccountGroup, int]]) -> None:
        rows = [_values(g) | {"b_id": g.id, "b_version": v} for g, v in groups]
        try:
            with self._conn.begin_nested():
                versioned_update(self._conn, account_groups, self._tenant, rows, what="account groups")
        except IntegrityError as e:
            raise Conflict("グループコードは既に使われています / a group code is already used", field="code") from e
        for g, v in groups:
            g.version = v + 1

    def change_members(self, added: Sequence[tuple[UUID, UUID]], removed: Sequence[tuple[UUID, UUID]]) -> None:
        m = account_group_members
        if removed:
            self._conn.execute(m.delete().where(m.c.tenant_id == self._tenant, m.c.group_id == sa.bindparam("g"),
                                                m.c.account_id == sa.bindparam("a")),
                               [{"g": g, "a": a} for g, a in removed])
        if added:
            self._conn.execute(m.insert(), [{"tenant_id": self._tenant, "group_id": g, "account_id": a}
                                            for g, a in added])

    def stream(self, viewer: Viewer, filters: Mapping[str, str], page_size: int = 1000
               ) -> Iterator[tuple[AccountGroup, list[AccountKey]]]:
        g, m, a = account_groups, account_group_members, accounts
        stmt = self._select(g).order_by(g.c.code).limit(page_size)
        if q := (filters.get("q") or "").strip():
            stmt = stmt.where(sa.or_(g.c.code.contains(q, autoescape=True), g.c.name.contains(q, autoescape=True)))
        last: str | None = None
        while True:
            page = [_group(r) for r in self._conn.execute(stmt if last is None else stmt.where(g.c.code > last))]
            members: dict[UUID, list[AccountKey]] = {x.id: [] for x in page}
            if page:
                rows = self._conn.execute(
                    sa.select(m.c.group_id, a.c.id, a.c.code, a.c.corporate_number)
                    .select_from(m.join(a, sa.and_(a.c.tenant_id == m.c.tenant_id, a.c.id == m.c.account_id)))
                    .where(m.c.tenant_id == self._tenant, m.c.group_id.in_([x.id for x in page]),
                           visible_to(a, RecordType.ACCOUNT.value, viewer))
                    .order_by(a.c.id))
                for r in rows:
                    members[r.group_id].append(AccountKey(id=r.id, code=r.code, corporate_number=r.corporate_number,
                                                          version=0, visible=True))
            for x in page:
                yield x, sorted(members[x.id], key=lambda k: (k.corporate_number or k.code or str(k.id), k.id))
            if len(page) < page_size:
                return
            last = page[-1].code
