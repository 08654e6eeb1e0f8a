"""SQL store of account groups (取引先汎用グループ) and their members."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.sales.accounts import unique_conflict
from dps.adapters.db.tables.sales_accounts import account_group_members, account_groups
from dps.application.sales.accounts.ports import AccountGroupRepository
from dps.domain.sales.account_groups import AccountGroup


def _group(r: Any) -> AccountGroup:
    return AccountGroup(id=r.id, code=r.code, name=r.name, description=r.description, created_at=r.created_at,
                        version=r.version)


class SqlAccountGroupRepository(TenantScoped, AccountGroupRepository):
    def add(self, group: AccountGroup) -> None:
        values = {"id": group.id, "code": group.code, "name": group.name, "description": group.description,
                  "created_at": group.created_at, "version": group.version}
        try:
            with self._conn.begin_nested():
                self._conn.execute(account_groups.insert().values(tenant_id=self._tenant, **values))
        except IntegrityError as e:
            raise unique_conflict(e, "account group", [("code", "code")]) from e

    def get(self, group_id: UUID) -> AccountGroup | None:
        row = self._conn.execute(self._select(account_groups, account_groups.c.id == group_id)).first()
        return None if row is None else _group(row)

    def list(self) -> Sequence[AccountGroup]:
        q = self._select(account_groups).order_by(account_groups.c.name, account_groups.c.id)
        return [_group(r) for r in self._conn.execute(q)]

    def update(self, group: AccountGroup, expected_version: int) -> int:
        group.version = self._update_versioned(
            account_groups, group.id, expected_version, {"name": group.name, "description": group.description},
            what="account group")
        return group.version

    def delete(self, group_id: UUID) -> None:
        m = account_group_members
        self._conn.execute(m.delete().where(m.c.tenant_id == self._tenant, m.c.group_id == group_id))
        self._conn.execute(account_groups.delete().where(
            account_groups.c.tenant_id == self._tenant, account_groups.c.id == group_id))

    def add_member(self, group_id: UUID, account_id: UUID) -> bool:
        m = account_group_members
        exists = self._conn.execute(sa.select(m.c.account_id).where(
            m.c.tenant_id == self._tenant, m.c.group_id == group_id, m.c.account_id == account_id)).first()
        if exists is not None:
            return False
        self._conn.execute(m.insert().values(tenant_id=self._tenant, group_id=group_id, account_id=account_id))
        return True

    def remove_member(self, group_id: UUID, account_id: UUID) -> bool:
        m = account_group_members
        result = self._conn.execute(m.delete().where(
            m.c.tenant_id == self._tenant, m.c.group_id == group_id, m.c.account_id == account_id))
        return bool(result.rowcount)

    def groups_of(self, account_id: UUID) -> Sequence[AccountGroup]:
        g, m = account_groups, account_group_members
        q = self._select(g).join(m, sa.and_(m.c.tenant_id == g.c.tenant_id, m.c.group_id == g.c.id)).where(
            m.c.account_id == account_id).order_by(g.c.name, g.c.id)
        return [_group(r) for r in self._conn.execute(q)]

    def member_counts(self) -> dict[UUID, int]:
        m = account_group_members
        q = sa.select(m.c.group_id, sa.func.count()).where(m.c.tenant_id == self._tenant).group_by(m.c.group_id)
        return {r[0]: int(r[1]) for r in self._conn.execute(q)}
