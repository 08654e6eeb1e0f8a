"""SQL repositories for code lists and custom field definitions."""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.tables.catalog import code_values, custom_field_defs
from dps.application.catalog.ports import CodeListRepository, CustomFieldRepository
from dps.domain.catalog.code_lists import CodeList, CodeValue
from dps.domain.catalog.custom_fields import CustomFieldDef, CustomFieldId, CustomFieldSchema


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
    """拡張項目 definitions; `schema_for` also loads the code lists the active choice fields name."""

    def schema_for(self, entity: str) -> CustomFieldSchema:
        q = self._select(
            custom_field_defs, custom_field_defs.c.entity == entity, custom_field_defs.c.is_active.is_(True)
        )
        definitions = [_definition(r) for r in self._conn.execute(q)]
        list_keys = {d.code_list_key for d in definitions if d.code_list_key is not None}
        code_lists = (
            SqlCodeListRepository(self._conn, self._tenant)._load(code_values.c.list_key.in_(sorted(list_keys)))
            if list_keys else []
        )
        return CustomFieldSchema(
            entity=entity, fields=tuple(definitions), code_lists={cl.key: cl for cl in code_lists}
        )

    def list(self, entity: str | None = None) -> Sequence[CustomFieldDef]:
        where = [custom_field_defs.c.entity == entity] if entity is not None else []
        q = self._select(custom_field_defs, *where).order_by(
            custom_field_defs.c.entity, custom_field_defs.c.sort_order, custom_field_defs.c.key
        )
        return [_definition(r) for r in self._conn.execute(q)]

    def get(self, field_id: CustomFieldId) -> CustomFieldDef | None:
        r = self._conn.execute(self._select(custom_field_defs, custom_field_defs.c.id == field_id)).first()
        return _definition(r) if r else None

    def get_by_key(self, entity: str, key: str) -> CustomFieldDef | None:
        r = self._conn.execute(self._select(
            custom_field_defs, custom_field_defs.c.entity == entity, custom_field_defs.c.key == key
        )).first()
        return _definition(r) if r else None

    def add(self, definition: CustomFieldDef) -> None:
        self._insert(custom_field_defs, {
            "id": definition.id, "entity": definition.entity, "key": definition.key, "kind": definition.kind.value,
            "code_list_key": definition.code_list_key, "max_length": definition.max_length,
            "created_at": definition.created_at, "version": 1, **_changeable(definition),
        }, what="custom field")
        definition.version = 1

    def update(self, definition: CustomFieldDef) -> None:
        definition.version = self._update_versioned(
            custom_field_defs, definition.id, definition.version, _changeable(definition), what="custom field"
        )


def _changeable(d: CustomFieldDef) -> dict[str, Any]:
    """The columns an update may change (entity, key, kind, code list and max length are fixed)."""
    return {
        "label_ja": d.label_ja, "label_en": d.label_en, "required": d.required, "sort_order": d.sort_order,
        "is_active": d.is_active,
    }


def _definition(r: Any) -> CustomFieldDef:
    return CustomFieldDef(
        id=CustomFieldId(r.id), entity=r.entity, key=r.key, label_ja=r.label_ja, label_en=r.label_en, kind=r.kind,
        required=r.required, code_list_key=r.code_list_key, max_length=r.max_length, sort_order=r.sort_order,
        is_active=r.is_active, version=r.version, created_at=r.created_at,
    )
