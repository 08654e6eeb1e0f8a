"""SQL store of the staff, relations and 非公開 allow-list sub-resources of any sales record: the rows
are written by `record_rows`, the record's own row gets `is_restricted`, the update stamps and a
version bump (optimistic lock)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.sales.record_access import RECORD_TABLES
from dps.adapters.db.repositories.sales.record_rows import (
    load_relations,
    load_restrictions,
    load_staff,
    save_relations,
    save_restriction,
    save_staff,
)
from dps.application.sales.record_people_ports import RecordPeopleRepository
from dps.domain.sales.records import RecordType, Relation, StaffMember
from dps.domain.shared.ids import UserId
from dps.domain.visibility.records import Restriction


class SqlRecordPeopleRepository(TenantScoped, RecordPeopleRepository):
    def version(self, record_type: RecordType, record_id: UUID) -> int | None:
        table = RECORD_TABLES[record_type]
        value = self._conn.execute(
            sa.select(table.c.version).where(table.c.tenant_id == self._tenant, table.c.id == record_id)
        ).scalar()
        return None if value is None else int(value)

    def staff(self, record_type: RecordType, record_id: UUID) -> tuple[StaffMember, ...]:
        return load_staff(self._conn, self._tenant, record_type, [record_id]).get(record_id, ())

    def relations(self, record_type: RecordType, record_id: UUID) -> tuple[Relation, ...]:
        return load_relations(self._conn, self._tenant, record_type, [record_id]).get(record_id, ())

    def restriction(self, record_type: RecordType, record_id: UUID) -> Restriction | None:
        table = RECORD_TABLES[record_type]
        restricted = self._conn.execute(
            sa.select(table.c.is_restricted).where(table.c.tenant_id == self._tenant, table.c.id == record_id)
        ).scalar()
        if not restricted:
            return None
        return load_restrictions(self._conn, self._tenant, record_type, [record_id])[record_id]

    def replace_staff(
        self, record_type: RecordType, record_id: UUID, staff: Sequence[StaffMember], *, expected_version: int,
        by: UserId | None, at: datetime,
    ) -> int:
        version = self._bump(record_type, record_id, expected_version, by, at)
        save_staff(self._conn, self._tenant, record_type, record_id, staff)
        return version

    def replace_relations(
        self, record_type: RecordType, record_id: UUID, relations: Sequence[Relation], *, expected_version: int,
        by: UserId | None, at: datetime,
    ) -> int:
        version = self._bump(record_type, record_id, expected_version, by, at)
        save_relations(self._conn, self._tenant, record_type, record_id, relations)
        return version

    def replace_restriction(
        self, record_type: RecordType, record_id: UUID, restriction: Restriction | None, *, expected_version: int,
        by: UserId | None, at: datetime,
    ) -> int:
        version = self._bump(record_type, record_id, expected_version, by, at,
                             {"is_restricted": restriction is not None})
        save_restriction(self._conn, self._tenant, record_type, record_id, restriction)
        return version

    def _bump(
        self, record_type: RecordType, record_id: UUID, expected_version: int, by: UserId | None, at: datetime,
        extra: Mapping[str, Any] | None = None,
    ) -> int:
        """The version check comes first, so a stale request writes no rows."""
        return self._update_versioned(
            RECORD_TABLES[record_type], record_id, expected_version,
            {"updated_by": by, "updated_at": at, **(extra or {})}, what=record_type.value,
        )
