"""The schema: migrations match the tables in code, run both ways, and keep tenant_id first."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from dps.adapters.db import tables  # noqa: F401
from dps.adapters.db.engine import create_engine
from dps.adapters.db.metadata import metadata
from dps.adapters.db.migrations_runner import current_revision, downgrade, head_revision, upgrade


def _for_dialect(dialect: str) -> Callable[..., bool]:
    """Leave out the objects the code creates only on another dialect (`.ddl_if(dialect=...)`)."""

    def include(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
        ddl_if = getattr(obj, "_ddl_if", None)
        return reflected or ddl_if is None or ddl_if.dialect in (None, dialect)

    return include


def test_migrations_produce_exactly_the_tables_in_code(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": _for_dialect(conn.dialect.name)})
        diff = compare_metadata(context, metadata)
        assert diff == []
        assert current_revision(conn) == head_revision()


def test_migrations_go_down_and_up_again(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = create_engine(f"sqlite:///{tmp_path / 'stairs.sqlite3'}")
    upgrade(engine)
    downgrade(engine, "base")
    assert "users" not in sa.inspect(engine).get_table_names()
    upgrade(engine)
    assert "users" in sa.inspect(engine).get_table_names()


def test_tenant_id_leads_every_key_and_index() -> None:
    for table in metadata.sorted_tables:
        if table.name == "tenants" or table.info.get("global"):  # global tables: ADR 0018
            continue
        assert next(iter(table.primary_key.columns)).name == "tenant_id", table.name
        for index in table.indexes:
            assert next(iter(index.columns)).name == "tenant_id", (table.name, index.name)
        for fk in table.foreign_key_constraints:
            if fk.referred_table.name != "tenants":
                assert fk.column_keys[0] == "tenant_id", (table.name, fk.name)
        for uq in (c for c in table.constraints if isinstance(c, sa.UniqueConstraint)):
            assert next(iter(uq.columns)).name == "tenant_id", (table.name, uq.name)
