"""SQL repository for organisations: a header row plus one row per version."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.tables.directory import organization_versions, organizations
from dps.application.directory.ports import OrganizationRepository
from dps.domain.directory.organizations import Organization, OrgVersion
from dps.domain.shared.ids import CompanyId, OrganizationId
from dps.domain.shared.periods import Period

ov = organization_versions


class SqlOrganizationRepository(TenantScoped, OrganizationRepository):
    def get(self, organization_id: OrganizationId) -> Organization | None:
        found = self._load(organizations.c.id == organization_id)
        return found[0] if found else None

    def get_by_code(self, company_id: CompanyId, code: str) -> Organization | None:
        found = self._load(organizations.c.company_id == company_id, organizations.c.code == code)
        return found[0] if found else None

    def list_for_company(self, company_id: CompanyId) -> Sequence[Organization]:
        return self._load(organizations.c.company_id == company_id)

    def list_all(self) -> Sequence[Organization]:
        return self._load()

    def add(self, organization: Organization) -> None:
        self._insert(organizations, {
            "id": organization.id, "company_id": organization.company_id, "code": organization.code, "version": 1,
        }, what="organisation")
        self._write_versions(organization)

    def update(self, organization: Organization) -> None:
        organization.version = self._update_versioned(
            organizations, organization.id, organization.version, {"code": organization.code},
            what="organisation",
        )
        self._conn.execute(ov.delete().where(ov.c.tenant_id == self._tenant, ov.c.organization_id == organization.id))
        self._write_versions(organization)

    def _write_versions(self, org: Organization) -> None:
        self._conn.execute(ov.insert(), [
            {
                "tenant_id": self._tenant, "organization_id": org.id, "valid_from": v.period.start,
                "valid_to": v.period.end, "name": v.name, "kana": v.kana, "parent_id": v.parent_id,
                "sort_key": v.sort_key,
            }
            for v in org.versions
        ])

    def _load(self, *where: sa.ColumnElement[bool]) -> list[Organization]:
        heads = list(self._conn.execute(self._select(organizations, *where).order_by(organizations.c.code)))
        if not heads:
            return []
        q = sa.select(ov).where(ov.c.tenant_id == self._tenant).order_by(ov.c.organization_id, ov.c.valid_from)
        if where:
            q = q.where(ov.c.organization_id.in_([h.id for h in heads]))
        versions: dict[Any, list[OrgVersion]] = defaultdict(list)
        for r in self._conn.execute(q):
            versions[r.organization_id].append(
                OrgVersion(Period(r.valid_from, r.valid_to), r.name, r.parent_id, r.kana, r.sort_key)
            )
        return [
            Organization(id=h.id, company_id=h.company_id, code=h.code, versions=versions[h.id], version=h.version)
            for h in heads
        ]
