"""Real databases for integration tests: every engine-parametrised test runs on SQLite and PostgreSQL.

PostgreSQL is the server on 127.0.0.1:5432 (user postgres, trust auth). Each xdist worker gets
its own database. Where the server is missing the PostgreSQL half skips, except in CI
(CI=true), where it fails: CI must prove both engines.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from dps.adapters.db import tables  # noqa: F401
from dps.adapters.db.directory_watch import stop_directory_watch
from dps.adapters.db.engine import create_engine
from dps.adapters.db.metadata import metadata
from dps.adapters.db.migrations_runner import upgrade
from dps.application.auth.principals import system_principal
from dps.application.tenancy.tenants import CreateTenantCommand
from dps.bootstrap.container import Container, build_container
from dps.bootstrap.settings import Settings
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant

PG_ADMIN_URL = os.environ.get("DPS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _pg_unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh database for this test session and worker, dropped at the end (works with and
    without xdist: `-p no:xdist` has no `worker_id` fixture)."""
    worker_id = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"dps_test_{worker_id}_{uuid.uuid4().hex[:8]}"
    try:
        admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except Exception as e:
        _pg_unavailable(str(e).splitlines()[0])
    url = sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'dps.sqlite3'}"


def _migrated(url: str) -> sa.Engine:
    engine = create_engine(url)
    upgrade(engine)
    return engine


@pytest.fixture(scope="session")
def _sqlite_engine(sqlite_url: str) -> Iterator[sa.Engine]:
    engine = _migrated(sqlite_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def _pg_engine(pg_url: str) -> Iterator[sa.Engine]:
    engine = _migrated(pg_url)
    yield engine
    stop_directory_watch(engine)  # its connection would otherwise outlive the database
    engine.dispose()


def _wipe(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> Iterator[sa.Engine]:
    """A migrated, empty database on each engine in turn."""
    eng: sa.Engine = request.getfixturevalue("_sqlite_engine" if request.param == "sqlite" else "_pg_engine")
    _wipe(eng)
    yield eng
    _wipe(eng)


@pytest.fixture
def sqlite_engine(_sqlite_engine: sa.Engine) -> Iterator[sa.Engine]:
    """Only SQLite: for tests about the HTTP or CLI edges, where the engine does not matter."""
    _wipe(_sqlite_engine)
    yield _sqlite_engine
    _wipe(_sqlite_engine)


def make_settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        data_dir=tmp_path, database_url=database_url, log_dir=tmp_path / "logs",
        secret_key="test-secret-key-0123456789abcdef", password_hash_memory_kib=1024,
    )


def make_container(tmp_path: Path, engine: sa.Engine) -> Container:
    container = build_container(make_settings(tmp_path, engine.url.render_as_string(hide_password=False)))
    container.engine.override(engine)
    return container


@pytest.fixture
def container(tmp_path: Path, engine: sa.Engine) -> Iterator[Container]:
    c = make_container(tmp_path, engine)
    yield c
    c.engine.reset_override()


@pytest.fixture
def tenant(container: Container) -> Tenant:
    command = CreateTenantCommand(code="acme", name="ACME株式会社", full_licenses=5, light_licenses=3)
    return container.create_tenant()(command)


@pytest.fixture
def admin(tenant: Tenant) -> Principal:
    """An operator acting as tenant administrator."""
    return system_principal(tenant.id, actor="test-admin")


FAR_PAST = date(2000, 4, 1)


@contextmanager
def statements_sent(engine: sa.Engine, keep: Callable[[str], bool] = lambda _: True) -> Iterator[list[str]]:
    """The statements (those `keep` accepts) the engine sends to the database while the block runs."""
    seen: list[str] = []

    def listen(_c: object, _cur: object, statement: str, *_: object) -> None:
        if keep(statement):
            seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)
