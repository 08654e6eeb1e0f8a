"""SQL repository for code lists."""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.tables.catalog import code_values
from dps.application.catalog.ports import CodeListRepository, CustomFieldRepository
from dps.domain.catalog.code_lists import CodeList, CodeValue
from dps.domain.catalog.custom_fields import CustomFieldSchema


class SqlCodeListRepository(TenantScoped, CodeListRepository):
    def get(self, key: str) -> CodeList | None:
        found = self._load(code_values.c.list_key == key)
        return found[0] if found else None

    def list(self) -> Sequence[CodeList]:
        return self._load()

    def save(self, code_list: CodeList) -> None:
        existing = {
            r.code for r in self._conn.execute(
                sa.select(code_values.c.code).where(
                    code_values.c.tenant_id == self._tenant, code_values.c.list_key == code_list.key
                )
            )
        }
        for v in code_list.values:
            values = {
                "label_ja": v.label_ja, "label_en": v.label_en, "sort_order": v.sort_order,
                "is_active": v.is_active, "probability": v.probability,
            }
            if v.code in existing:
                self._conn.execute(code_values.update().where(
                    code_values.c.tenant_id == self._tenant, code_values.c.list_key == code_list.key,
                    code_values.c.code == v.code,
                ).values(**values))
            else:
                self._conn.execute(code_values.insert().values(
                    tenant_id=self._tenant, list_key=code_list.key, code=v.code, **values
                ))

    def _load(self, *where: sa.ColumnElement[bool]) -> builtins.list[CodeList]:
        q = self._select(code_values, *where).order_by(code_values.c.list_key, code_values.c.sort_order)
        grouped: dict[str, builtins.list[CodeValue]] = defaultdict(builtins.list)
        for r in self._conn.execute(q):
            grouped[r.list_key].append(_value(r))
        return [CodeList(key=k, values=vs) for k, vs in grouped.items()]


def _value(r: Any) -> CodeValue:
    return CodeValue(
        code=r.code, label_ja=r.label_ja, label_en=r.label_en, sort_order=r.sort_order, is_active=r.is_active,
        probability=r.probability,
    )


class SqlCustomFieldRepository(TenantScoped, CustomFieldRepository):
    """拡張項目 definitions (filled in by the custom-fields work)."""

    def schema_for(self, entity: str) -> CustomFieldSchema:
        return CustomFieldSchema(entity=entity)
