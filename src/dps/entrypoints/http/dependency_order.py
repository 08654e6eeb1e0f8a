"""Resolve a handler's synchronous dependencies one after another, not in a task group.

Litestar resolves the dependencies a handler needs at one level side by side: an anyio task group with
a task per dependency. DPS's dependencies (`principal`, `sales_deps`, the list filters, ...) are plain
functions run on the event loop (`sync_to_thread=False`); side by side they cannot overlap, and the task
group costs about 0.4 ms a request, a tenth of an API list page (`bench/sales_scale.py`). `install()`
makes litestar resolve such a level in order, and keeps the concurrent path for any level with an async
dependency or one run in a worker thread. It replaces a method of litestar's internal `KwargsModel`
(litestar is pinned in pyproject.toml); `tests/unit/entrypoints/test_dependency_order.py` fails if those
internals move.
"""

from __future__ import annotations

from typing import Any

from litestar._kwargs.cleanup import DependencyCleanupGroup
from litestar._kwargs.dependencies import DependencyContainer, resolve_dependency
from litestar._kwargs.kwargs_model import KwargsModel
from litestar.connection import ASGIConnection

_CONCURRENT = KwargsModel.resolve_dependencies


def _inline(dependency: DependencyContainer) -> bool:
    """A synchronous function litestar calls on the event loop: awaiting it runs it to the end at once."""
    provide = dependency.provide
    return bool(provide.has_sync_callable) and not provide.sync_to_thread


async def _resolve_dependencies(self: KwargsModel, connection: ASGIConnection[Any, Any, Any, Any],
                                kwargs: dict[str, Any]) -> DependencyCleanupGroup:
    if not all(_inline(d) for batch in self.dependency_batches for d in batch):
        return await _CONCURRENT(self, connection, kwargs)
    cleanup_group = DependencyCleanupGroup()
    for batch in self.dependency_batches:
        for dependency in batch:
            await resolve_dependency(dependency, connection, kwargs, cleanup_group)
    return cleanup_group


def install() -> None:
    """Idempotent; every litestar app of the process is affected (DPS builds one)."""
    KwargsModel.resolve_dependencies = _resolve_dependencies  # type: ignore[method-assign]
