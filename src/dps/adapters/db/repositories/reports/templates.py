"""SQL store of the users' Excel templates (`report_templates`); the bytes are in the file store."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast
from uuid import UUID

import sqlalchemy as sa

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.tables.reports import report_definitions, report_templates
from dps.application.reports.templates.placeholders import PlaceholderAt, parse_placeholder
from dps.application.reports.templates.ports import ReportTemplate, ReportTemplateRepository
from dps.domain.shared.ids import UserId


class SqlReportTemplateRepository(TenantScoped, ReportTemplateRepository):
    def add(self, template: ReportTemplate) -> None:
        self._insert(report_templates, {
            "id": template.id, "name": template.name, "kind": template.kind, "file_name": template.file_name,
            "size_bytes": template.size_bytes, "sha256": template.sha256, "storage_key": template.storage_key,
            "placeholders": [{"address": p.address, "placeholder": p.placeholder.text[2:-2]}
                             for p in template.placeholders],
            "owner_id": template.owner_id, "created_at": template.created_at, "updated_at": template.updated_at,
            "version": template.version,
        }, what="report template")

    def get(self, template_id: UUID) -> ReportTemplate | None:
        row = self._conn.execute(self._select(report_templates, report_templates.c.id == template_id)).first()
        return None if row is None else _template(row)

    def get_by_name(self, name: str) -> ReportTemplate | None:
        row = self._conn.execute(self._select(report_templates, report_templates.c.name == name)).first()
        return None if row is None else _template(row)

    def list(self) -> Sequence[ReportTemplate]:
        t = report_templates
        return [_template(row) for row in self._conn.execute(self._select(t).order_by(t.c.name, t.c.id))]

    def is_used(self, template_id: UUID) -> bool:
        d = report_definitions
        query = sa.select(sa.literal(1)).where(d.c.tenant_id == self._tenant, d.c.template_id == template_id).limit(1)
        return self._conn.execute(query).first() is not None

    def delete(self, template_id: UUID) -> bool:
        t = report_templates
        result = self._conn.execute(t.delete().where(t.c.tenant_id == self._tenant, t.c.id == template_id))
        return bool(result.rowcount)


def _template(row: sa.Row[Any]) -> ReportTemplate:
    found = tuple(PlaceholderAt(p["address"], parse_placeholder(p["placeholder"])) for p in row.placeholders or [])
    return ReportTemplate(
        id=row.id, name=row.name, kind=row.kind, file_name=row.file_name, size_bytes=row.size_bytes,
        sha256=row.sha256, storage_key=row.storage_key, placeholders=found,
        owner_id=cast(UserId | None, row.owner_id), created_at=row.created_at, updated_at=row.updated_at,
        version=row.version,
    )
