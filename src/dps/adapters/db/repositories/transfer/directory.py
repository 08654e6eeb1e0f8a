"""Users by login id or id and their primary organisation, in bulk (references of imported rows)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from uuid import UUID

import sqlalchemy as sa

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.transfer.common import chunked
from dps.adapters.db.tables.directory import affiliations, users
from dps.application.transfer.ports_store import DirectoryLookup, UserRef
from dps.domain.shared.ids import OrganizationId, UserId


class SqlDirectoryLookup(TenantScoped, DirectoryLookup):
    def _refs(self, column: sa.ColumnElement[object], values: Collection[object]) -> list[UserRef]:
        out: list[UserRef] = []
        for part in chunked(values):
            rows = self._conn.execute(sa.select(users.c.id, users.c.login_id, users.c.is_active).where(
                users.c.tenant_id == self._tenant, column.in_(part)))
            out.extend(UserRef(id=UserId(r.id), login_id=r.login_id, is_active=r.is_active) for r in rows)
        return out

    def users_by_login(self, logins: Collection[str]) -> dict[str, UserRef]:
        return {u.login_id: u for u in self._refs(users.c.login_id, logins)}

    def users_by_id(self, ids: Collection[UUID]) -> dict[UUID, UserRef]:
        return {u.id: u for u in self._refs(users.c.id, ids)}

    def primary_organizations(self, user_ids: Collection[UUID], today: date) -> dict[UUID, OrganizationId]:
        a = affiliations
        out: dict[UUID, OrganizationId] = {}
        for part in chunked(user_ids):
            rows = self._conn.execute(sa.select(a.c.user_id, a.c.organization_id).where(
                a.c.tenant_id == self._tenant, a.c.user_id.in_(part), a.c.is_primary.is_(True),
                a.c.valid_from <= today, sa.or_(a.c.valid_to.is_(None), a.c.valid_to > today)))
            out.update({r.user_id: OrganizationId(r.organization_id) for r in rows})
        return out
