"""SQL repositories for affiliations and the organisation closure (集計組織)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.tables.directory import affiliations, org_closure, org_closure_state
from dps.application.directory.ports import AffiliationRepository, OrgClosureRepository
from dps.domain.directory.affiliations import Affiliation
from dps.domain.directory.closure import ClosureRow
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.shared.periods import Period


def _affiliation(r: Any) -> Affiliation:
    return Affiliation(
        id=r.id, user_id=r.user_id, organization_id=r.organization_id, period=Period(r.valid_from, r.valid_to),
        is_primary=r.is_primary, position_id=r.position_id,
    )


class SqlAffiliationRepository(TenantScoped, AffiliationRepository):
    def for_user(self, user_id: UserId) -> Sequence[Affiliation]:
        q = self._select(affiliations, affiliations.c.user_id == user_id).order_by(affiliations.c.valid_from)
        return [_affiliation(r) for r in self._conn.execute(q)]

    def valid_on(self, day: date) -> Sequence[Affiliation]:
        q = self._select(
            affiliations,
            affiliations.c.valid_from <= day,
            sa.or_(affiliations.c.valid_to.is_(None), affiliations.c.valid_to > day),
        )
        return [_affiliation(r) for r in self._conn.execute(q)]

    def add(self, affiliation: Affiliation) -> None:
        self._insert(affiliations, {
            "id": affiliation.id, "user_id": affiliation.user_id, "organization_id": affiliation.organization_id,
            "position_id": affiliation.position_id, "is_primary": affiliation.is_primary,
            "valid_from": affiliation.period.start, "valid_to": affiliation.period.end,
        }, what="affiliation")


class SqlOrgClosureRepository(TenantScoped, OrgClosureRepository):
    _BATCH = 5000

    def replace(self, rows: Iterable[ClosureRow[OrganizationId]], *, as_of: date, refreshed_at: datetime) -> int:
        self._conn.execute(org_closure.delete().where(org_closure.c.tenant_id == self._tenant))
        written = 0
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append({
                "tenant_id": self._tenant, "ancestor_id": row.ancestor, "descendant_id": row.descendant,
                "depth": row.depth,
            })
            if len(batch) >= self._BATCH:
                self._conn.execute(org_closure.insert(), batch)
                written += len(batch)
                batch = []
        if batch:
            self._conn.execute(org_closure.insert(), batch)
            written += len(batch)
        if self._conn.dialect.name == "postgresql":
            # The whole table was just rewritten: fresh statistics keep the closure joins of reports and
            # 自担当 on good plans (stale ones made a tenant-wide report 5x slower on the bench data).
            self._conn.exec_driver_sql("ANALYZE org_closure")
        self._conn.execute(org_closure_state.delete().where(org_closure_state.c.tenant_id == self._tenant))
        self._conn.execute(
            org_closure_state.insert().values(tenant_id=self._tenant, as_of=as_of, refreshed_at=refreshed_at)
        )
        return written

    def rows(self) -> Sequence[ClosureRow[OrganizationId]]:
        q = self._select(org_closure).order_by(org_closure.c.ancestor_id, org_closure.c.descendant_id)
        return [ClosureRow(r.ancestor_id, r.descendant_id, r.depth) for r in self._conn.execute(q)]

    def descendants_or_self(self, organization_ids: Iterable[OrganizationId]) -> set[OrganizationId]:
        ids = list(organization_ids)
        if not ids:
            return set()
        q = sa.select(org_closure.c.descendant_id).where(
            org_closure.c.tenant_id == self._tenant, org_closure.c.ancestor_id.in_(ids)
        )
        return {r.descendant_id for r in self._conn.execute(q)}

    def ancestors_or_self(self, organization_ids: Iterable[OrganizationId]) -> set[OrganizationId]:
        ids = list(organization_ids)
        if not ids:
            return set()
        q = sa.select(org_closure.c.ancestor_id).where(
            org_closure.c.tenant_id == self._tenant, org_closure.c.descendant_id.in_(ids)
        )
        return {r.ancestor_id for r in self._conn.execute(q)}

    def touching(
        self, *, ancestors: Iterable[OrganizationId], descendants: Iterable[OrganizationId]
    ) -> Sequence[ClosureRow[OrganizationId]]:
        above, below = list(ancestors), list(descendants)
        conditions = []
        if above:
            conditions.append(org_closure.c.ancestor_id.in_(above))
        if below:
            conditions.append(org_closure.c.descendant_id.in_(below))
        if not conditions:
            return []
        q = sa.select(org_closure.c.ancestor_id, org_closure.c.descendant_id, org_closure.c.depth).where(
            org_closure.c.tenant_id == self._tenant, sa.or_(*conditions)
        )
        return [ClosureRow(r.ancestor_id, r.descendant_id, r.depth) for r in self._conn.execute(q)]

    def as_of(self) -> date | None:
        q = sa.select(org_closure_state.c.as_of).where(org_closure_state.c.tenant_id == self._tenant)
        value: date | None = self._conn.execute(q).scalar()
        return value
