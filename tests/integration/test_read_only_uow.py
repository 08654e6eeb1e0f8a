"""Read-only units of work: writes and commits are refused before they reach the database; on
PostgreSQL each statement runs on its own (no transaction round trips), on SQLite a reader takes a
deferred transaction that does not wait for a writer; the query use cases and token resolution use
them, a joined bundle (the card import's outer transaction) does not."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from attrs import evolve

from dps.adapters.db.tables.tenancy import tenants
from dps.adapters.db.unit_of_work import ReadOnlyViolation, SqlUnitOfWork
from dps.application.tenancy.tenants import CreateTenantCommand
from dps.bootstrap.container import Container
from dps.domain.tenancy.tenants import Tenant
from tests.integration.conftest import make_container


def names(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(tenants.c.name).order_by(tenants.c.code)).scalars())


def test_a_read_only_unit_of_work_refuses_writes(engine: sa.Engine, tenant: Tenant) -> None:
    before = names(engine)
    with SqlUnitOfWork(engine, tenant.id, read_only=True) as uow:
        assert uow.tenant().id == tenant.id  # reading works
        with pytest.raises(ReadOnlyViolation):
            uow.conn.execute(tenants.update().values(name="書き換え"))
        with pytest.raises(ReadOnlyViolation):
            uow.conn.exec_driver_sql("UPDATE tenants SET name = 'x'")
        with pytest.raises(ReadOnlyViolation):
            uow.commit()
    assert names(engine) == before
    with SqlUnitOfWork(engine, tenant.id) as uow:  # the same pooled connection writes again afterwards
        uow.conn.execute(tenants.update().where(tenants.c.id == tenant.id).values(name="新しい名前"))
        uow.commit()
    assert "新しい名前" in names(engine)


@pytest.fixture
def pg(_pg_engine: sa.Engine) -> sa.Engine:
    return _pg_engine


def test_on_postgresql_each_statement_runs_on_its_own(pg: sa.Engine) -> None:
    """In a transaction now() is the transaction's start; in autocommit every statement starts anew."""

    def two_nows(read_only: bool) -> tuple[Any, Any]:
        with SqlUnitOfWork(pg, None, read_only=read_only) as uow:  # type: ignore[arg-type]
            first = uow.conn.exec_driver_sql("SELECT now()").scalar()
            time.sleep(0.02)
            return first, uow.conn.exec_driver_sql("SELECT now()").scalar()

    first, second = two_nows(read_only=True)
    assert second > first
    first, second = two_nows(read_only=False)
    assert second == first


def test_on_sqlite_a_reader_does_not_wait_for_a_writer(sqlite_engine: sa.Engine, tmp_path: Path) -> None:
    command = CreateTenantCommand(code="acme", name="ACME株式会社", full_licenses=5, light_licenses=3)
    tenant = make_container(tmp_path, sqlite_engine).create_tenant()(command)
    seen: list[str] = []
    with SqlUnitOfWork(sqlite_engine, tenant.id) as writer:  # BEGIN IMMEDIATE: holds the write lock
        writer.conn.execute(tenants.update().where(tenants.c.id == tenant.id).values(name="未確定"))

        def read() -> None:
            with SqlUnitOfWork(sqlite_engine, tenant.id, read_only=True) as reader:
                seen.append(reader.tenant().name)

        thread = threading.Thread(target=read)
        thread.start()
        thread.join(timeout=10)  # a BEGIN IMMEDIATE reader would wait for the writer (busy_timeout 30 s)
        assert not thread.is_alive()
    assert seen == ["ACME株式会社"]  # the committed state, not the writer's


def test_queries_read_without_a_transaction_and_joined_bundles_do_not(container: Container, tenant: Tenant) -> None:
    deps = container.sales_deps()
    with deps.reading(tenant.id) as uow:
        assert isinstance(uow, SqlUnitOfWork)
        assert uow._read_only
    joined = evolve(deps, uow=deps.uow, reads=None)
    with joined.reading(tenant.id) as uow:
        assert isinstance(uow, SqlUnitOfWork)
        assert not uow._read_only
    auth = container.auth_deps()
    with auth.reading(tenant.id) as uow:
        assert isinstance(uow, SqlUnitOfWork)
        assert uow._read_only
