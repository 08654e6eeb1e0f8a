"""The schema: migrations match the tables in code, run both ways, and keep tenant_id first."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from dps.adapters.db import tables  # noqa: F401
from dps.adapters.db.engine import create_engine
from dps.adapters.db.metadata import metadata
from dps.adapters.db.migrations_runner import current_revision, downgrade, head_revision, upgrade


def test_migrations_produce_exactly_the_tables_in_code(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
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
        if table.name == "tenants":
            continue
        assert next(iter(table.primary_key.columns)).name == "tenant_id", table.name
        for index in table.indexes:
            assert next(iter(index.columns)).name == "tenant_id", (table.name, index.name)
        for fk in table.foreign_key_constraints:
            if fk.referred_table.name != "tenants":
                assert fk.column_keys[0] == "tenant_id", (table.name, fk.name)
        for uq in (c for c in table.constraints if isinstance(c, sa.UniqueConstraint)):
            assert next(iter(uq.columns)).name == "tenant_id", (table.name, uq.name)
