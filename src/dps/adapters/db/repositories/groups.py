"""SQL repositories for public groups (with their roles) and group memberships."""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.tables.directory import group_memberships, group_roles, public_groups
from dps.application.directory.ports import GroupMembershipRepository, PublicGroupRepository
from dps.domain.directory.groups import GroupMembership, GroupRole, PublicGroup
from dps.domain.shared.ids import GroupMembershipId, PublicGroupId, UserId
from dps.domain.shared.periods import Period


class SqlPublicGroupRepository(TenantScoped, PublicGroupRepository):
    def get(self, group_id: PublicGroupId) -> PublicGroup | None:
        found = self._load(public_groups.c.id == group_id)
        return found[0] if found else None

    def get_by_code(self, code: str) -> PublicGroup | None:
        found = self._load(public_groups.c.code == code)
        return found[0] if found else None

    def list(self) -> Sequence[PublicGroup]:
        return self._load()

    def ancestors_or_self(self, group_ids: Iterable[PublicGroupId], day: date) -> set[PublicGroupId]:
        ids = builtins.list(group_ids)
        if not ids:
            return set()
        g = public_groups

        def valid(t: sa.FromClause) -> sa.ColumnElement[bool]:
            return sa.and_(
                t.c.tenant_id == self._tenant, t.c.valid_from <= day, sa.or_(t.c.valid_to.is_(None), t.c.valid_to > day)
            )

        # UNION (not UNION ALL) keeps the recursion finite even if bad data made a cycle.
        chain = sa.select(g.c.id, g.c.parent_id).where(valid(g), g.c.id.in_(ids)).cte("chain", recursive=True)
        parent = g.alias("parent")
        step = sa.select(parent.c.id, parent.c.parent_id).join(chain, parent.c.id == chain.c.parent_id)
        chain = chain.union(step.where(valid(parent)))
        return {r.id for r in self._conn.execute(sa.select(chain.c.id))}

    def add(self, group: PublicGroup) -> None:
        self._insert(public_groups, self._values(group) | {"id": group.id, "version": 1}, what="public group")
        self._write_roles(group)

    def update(self, group: PublicGroup) -> None:
        group.version = self._update_versioned(
            public_groups, group.id, group.version, self._values(group), what="public group"
        )
        known = {
            r.id for r in self._conn.execute(
                sa.select(group_roles.c.id).where(
                    group_roles.c.tenant_id == self._tenant, group_roles.c.group_id == group.id
                )
            )
        }
        self._write_roles(group, skip=known)

    @staticmethod
    def _values(g: PublicGroup) -> dict[str, Any]:
        return {
            "code": g.code, "name": g.name, "parent_id": g.parent_id,
            "valid_from": g.period.start, "valid_to": g.period.end,
        }

    def _write_roles(self, group: PublicGroup, skip: set[Any] | None = None) -> None:
        rows = [
            {"tenant_id": self._tenant, "id": r.id, "group_id": group.id, "code": r.code, "name": r.name}
            for r in group.roles if not skip or r.id not in skip
        ]
        if rows:
            self._conn.execute(group_roles.insert(), rows)

    def _load(self, *where: sa.ColumnElement[bool]) -> builtins.list[PublicGroup]:
        heads = list(self._conn.execute(self._select(public_groups, *where).order_by(public_groups.c.code)))
        if not heads:
            return []
        q = self._select(group_roles, group_roles.c.group_id.in_([h.id for h in heads])).order_by(group_roles.c.code)
        roles: dict[Any, list[GroupRole]] = defaultdict(list)
        for r in self._conn.execute(q):
            roles[r.group_id].append(GroupRole(r.id, r.code, r.name))
        return [
            PublicGroup(
                id=h.id, code=h.code, name=h.name, period=Period(h.valid_from, h.valid_to), parent_id=h.parent_id,
                roles=roles[h.id], version=h.version,
            )
            for h in heads
        ]


def _membership(r: Any) -> GroupMembership:
    return GroupMembership(
        id=r.id, group_id=r.group_id, user_id=r.user_id, period=Period(r.valid_from, r.valid_to), role_id=r.role_id
    )


class SqlGroupMembershipRepository(TenantScoped, GroupMembershipRepository):
    def get(self, membership_id: GroupMembershipId) -> GroupMembership | None:
        r = self._conn.execute(self._select(group_memberships, group_memberships.c.id == membership_id)).first()
        return _membership(r) if r else None

    def for_user(self, user_id: UserId) -> Sequence[GroupMembership]:
        q = self._select(group_memberships, group_memberships.c.user_id == user_id)
        return [_membership(r) for r in self._conn.execute(q.order_by(group_memberships.c.valid_from))]

    def for_group(self, group_id: PublicGroupId) -> Sequence[GroupMembership]:
        q = self._select(group_memberships, group_memberships.c.group_id == group_id)
        return [_membership(r) for r in self._conn.execute(q.order_by(group_memberships.c.valid_from))]

    def add(self, membership: GroupMembership) -> None:
        self._insert(group_memberships, {
            "id": membership.id, "group_id": membership.group_id, "user_id": membership.user_id,
            "role_id": membership.role_id, "valid_from": membership.period.start,
            "valid_to": membership.period.end,
        }, what="group membership")

    def remove(self, membership_id: GroupMembershipId) -> None:
        self._conn.execute(group_memberships.delete().where(
            group_memberships.c.tenant_id == self._tenant, group_memberships.c.id == membership_id
        ))
