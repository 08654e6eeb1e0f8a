"""Loopback fakes of the NTA Web-API and gBizINFO, one per test (their fault scripts and request logs
start empty), stopped after the test; the PostgreSQL engine with an empty registry table."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from dps.adapters.db.tables.registry import registry_corporations
from tests.fakes.registry_servers import FakeGbizinfo, FakeNta


@pytest.fixture
def nta_server() -> Iterator[FakeNta]:
    server = FakeNta()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def gbiz_server() -> Iterator[FakeGbizinfo]:
    server = FakeGbizinfo()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def pg_engine(_pg_engine: sa.Engine) -> Iterator[sa.Engine]:
    """PostgreSQL only (fails in CI without it), the registry table empty before and after."""
    with _pg_engine.begin() as conn:
        conn.execute(registry_corporations.delete())
    yield _pg_engine
    with _pg_engine.begin() as conn:
        conn.execute(registry_corporations.delete())
