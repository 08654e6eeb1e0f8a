"""Loopback fakes of the NTA Web-API and gBizINFO, one per test (their fault scripts and request logs
start empty), stopped after the test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

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
