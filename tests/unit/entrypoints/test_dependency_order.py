"""Synchronous dependencies are resolved in order, without a task group; a level with an async dependency
or one run in a worker thread keeps litestar's concurrent path; the values reach the handler either way."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from litestar import Litestar, get
from litestar._kwargs import kwargs_model
from litestar.di import Provide
from litestar.testing import TestClient

from dps.entrypoints.http import dependency_order


def _first() -> int:
    return 1


def _second() -> int:
    return 2


def _sum(first: int, second: int) -> int:
    return first + second


async def _later() -> int:
    await asyncio.sleep(0)
    return 40


@get("/sync", sync_to_thread=False, dependencies={
    "first": Provide(_first, sync_to_thread=False), "second": Provide(_second, sync_to_thread=False),
    "total": Provide(_sum, sync_to_thread=False)})
def _sync_handler(first: int, second: int, total: int) -> dict[str, int]:
    return {"first": first, "second": second, "total": total}


@get("/mixed", sync_to_thread=False, dependencies={
    "first": Provide(_first, sync_to_thread=False), "later": Provide(_later)})
def _mixed_handler(first: int, later: int) -> dict[str, int]:
    return {"sum": first + later}


@pytest.fixture
def task_groups(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the task groups litestar's dependency resolution opens."""
    opened: list[int] = []
    real = kwargs_model.create_task_group

    def counting() -> Any:
        opened.append(1)
        return real()

    monkeypatch.setattr(kwargs_model, "create_task_group", counting)
    return opened


def test_synchronous_dependencies_are_resolved_in_order(task_groups: list[int]) -> None:
    dependency_order.install()
    with TestClient(Litestar([_sync_handler, _mixed_handler])) as client:
        assert client.get("/sync").json() == {"first": 1, "second": 2, "total": 3}
        assert task_groups == []
        assert client.get("/mixed").json() == {"sum": 41}
        assert task_groups == [1]  # an async dependency: litestar's concurrent path


def test_the_internals_it_replaces_are_where_it_expects_them() -> None:
    """A litestar upgrade that moves them must fail here, not slow every request silently."""
    assert dependency_order._CONCURRENT.__qualname__ == "KwargsModel.resolve_dependencies"
    assert {"has_sync_callable", "sync_to_thread"} <= set(Provide.__slots__)
