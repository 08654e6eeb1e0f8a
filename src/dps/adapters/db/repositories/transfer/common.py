"""Shared helpers of the transfer stores: chunked IN lists, versioned executemany updates."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa

from dps.application.shared.errors import Conflict

CHUNK = 1000
"""Ids or keys per IN list: well under every driver's parameter limit (SQLite 32766)."""

T = TypeVar("T")


def chunked(values: Collection[T], size: int = CHUNK) -> Iterator[list[T]]:
    items = sorted(values, key=str)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def versioned_update(conn: sa.Connection, table: sa.Table, tenant_id: Any, rows: Sequence[dict[str, Any]],
                     *, what: str) -> None:
    """UPDATE table SET <row's columns>, version = version + 1 WHERE id = :b_id AND version = :b_version,
    as one executemany; rows carry `b_id` and `b_version` besides their column values. A row whose
    version moved since it was read makes the whole batch fail (Conflict)."""
    if not rows:
        return
    stmt = (table.update()
            .where(table.c.tenant_id == tenant_id, table.c.id == sa.bindparam("b_id"),
                   table.c.version == sa.bindparam("b_version"))
            .values(version=table.c.version + 1))
    result = conn.execute(stmt, list(rows))
    if conn.dialect.supports_sane_multi_rowcount and result.rowcount != len(rows):
        raise Conflict(f"{what}: 他のユーザが更新しました / {len(rows) - result.rowcount} rows were changed by "
                       "someone else during the import")
