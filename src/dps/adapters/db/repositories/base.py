"""What every tenant-scoped repository shares: the connection, the tenant predicate, versioned updates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from dps.application.shared.errors import Conflict
from dps.domain.shared.ids import TenantId


class TenantScoped:
    """Every statement built here carries `tenant_id = :tenant`; no caller can forget it."""

    def __init__(self, conn: sa.Connection, tenant_id: TenantId) -> None:
        self._conn = conn
        self._tenant = tenant_id

    def _select(self, table: sa.Table, *where: sa.ColumnElement[bool]) -> sa.Select[Any]:
        return sa.select(table).where(table.c.tenant_id == self._tenant, *where)

    def _insert(self, table: sa.Table, values: Mapping[str, Any], *, what: str) -> None:
        try:
            with self._conn.begin_nested():
                self._conn.execute(table.insert().values(tenant_id=self._tenant, **values))
        except IntegrityError as e:
            raise Conflict(f"{what} already exists (a unique key is taken)") from e

    def _update_versioned(
        self, table: sa.Table, record_id: UUID, expected_version: int, values: Mapping[str, Any], *, what: str
    ) -> int:
        """UPDATE ... WHERE version = expected; returns the new version or raises Conflict."""
        result = self._conn.execute(
            table.update()
            .where(table.c.tenant_id == self._tenant, table.c.id == record_id, table.c.version == expected_version)
            .values(version=expected_version + 1, **values)
        )
        if result.rowcount != 1:
            current = self._conn.execute(
                sa.select(table.c.version).where(table.c.tenant_id == self._tenant, table.c.id == record_id)
            ).scalar()
            raise Conflict(f"{what} was changed by someone else", current_version=current)
        return expected_version + 1
