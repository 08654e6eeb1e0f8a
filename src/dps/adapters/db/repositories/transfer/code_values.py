"""The values of one code list in bulk (the product categories sheet): read, executemany insert/update
and the export stream in display order."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.catalog import _value
from dps.adapters.db.tables.catalog import code_values
from dps.application.transfer.ports_store import CodeValueBulkStore
from dps.domain.catalog.code_lists import CodeValue


def _columns(v: CodeValue) -> dict[str, Any]:
    return {"label_ja": v.label_ja, "label_en": v.label_en, "sort_order": v.sort_order, "is_active": v.is_active,
            "probability": v.probability}


class SqlCodeValueBulkStore(TenantScoped, CodeValueBulkStore):
    def values(self, list_key: str) -> dict[str, CodeValue]:
        return {v.code: v for v in self.stream(list_key)}

    def insert(self, list_key: str, values: Sequence[CodeValue]) -> None:
        self._conn.execute(code_values.insert(), [
            _columns(v) | {"tenant_id": self._tenant, "list_key": list_key, "code": v.code} for v in values])

    def update(self, list_key: str, values: Sequence[CodeValue]) -> None:
        t = code_values
        stmt = t.update().where(t.c.tenant_id == self._tenant, t.c.list_key == list_key,
                                t.c.code == sa.bindparam("b_code"))
        self._conn.execute(stmt, [_columns(v) | {"b_code": v.code} for v in values])

    def stream(self, list_key: str) -> Iterator[CodeValue]:
        t = code_values
        q = self._select(t, t.c.list_key == list_key).order_by(t.c.sort_order, t.c.code)
        for r in self._conn.execute(q):
            yield _value(r)
