"""SQL repository for the tenant registry."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from dps.adapters.db.tables.tenancy import tenants
from dps.application.shared.errors import Conflict
from dps.application.tenancy.ports import TenantRepository
from dps.domain.shared.ids import TenantId
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.policy import UpdateRule


def _tenant(r: Any) -> Tenant:
    return Tenant(
        id=r.id, code=r.code, name=r.name, time_zone=r.time_zone, fiscal_year_start_month=r.fiscal_year_start_month,
        full_licenses=r.full_licenses, light_licenses=r.light_licenses, is_active=r.is_active,
        update_rule=UpdateRule(r.update_rule), created_at=r.created_at, version=r.version,
    )


class SqlTenantRepository(TenantRepository):
    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn

    def get(self, tenant_id: TenantId) -> Tenant | None:
        r = self._conn.execute(sa.select(tenants).where(tenants.c.id == tenant_id)).first()
        return _tenant(r) if r else None

    def get_by_code(self, code: str) -> Tenant | None:
        r = self._conn.execute(sa.select(tenants).where(tenants.c.code == code)).first()
        return _tenant(r) if r else None

    def list(self) -> Sequence[Tenant]:
        return [_tenant(r) for r in self._conn.execute(sa.select(tenants).order_by(tenants.c.code))]

    def add(self, tenant: Tenant) -> None:
        try:
            with self._conn.begin_nested():
                self._conn.execute(tenants.insert().values(
                    id=tenant.id, code=tenant.code, name=tenant.name, time_zone=tenant.time_zone,
                    fiscal_year_start_month=tenant.fiscal_year_start_month, full_licenses=tenant.full_licenses,
                    light_licenses=tenant.light_licenses, is_active=tenant.is_active, created_at=tenant.created_at,
                    update_rule=tenant.update_rule.value,
                    version=1,
                ))
        except IntegrityError as e:
            raise Conflict(f"tenant code '{tenant.code}' is already used", field="code") from e
