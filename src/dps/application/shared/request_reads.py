"""Rows one request has already read, handed to the read-only units of work that follow it.

A request first authenticates (its unit of work reads the tenant's row: active? which directory
version?) and then runs a use case whose unit of work needs the same row again. Inside `shared_reads()`
(the HTTP middleware opens one per request) the row a read-only unit of work read is kept and the next
read-only unit of work takes it instead of asking the database again: one round trip less per request.
Read-only units of work run each statement in its own snapshot anyway (READ COMMITTED, autocommit), so
the row read a moment earlier in the same request is as current as a second read would be. Units of work
that write neither take nor leave rows here, and their commit forgets what was kept (it may have changed
it). A trusted API token (ADR 23) leaves the tenant row it was checked with, which no notification has
since declared changed. Outside `shared_reads()` nothing is kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from attrs import Factory, define

from dps.domain.shared.ids import TenantId
from dps.domain.tenancy.tenants import Tenant


@define
class RequestReads:
    """The tenant rows read so far in this request (read-only units of work only)."""

    tenants: dict[TenantId, Tenant] = Factory(dict)

    def forget(self) -> None:
        """A write was committed: what was read before may be stale."""
        self.tenants.clear()


_CURRENT: ContextVar[RequestReads | None] = ContextVar("dps_request_reads", default=None)


def current_reads() -> RequestReads | None:
    """The reads of the request in progress (threads the request runs in share them), or None."""
    return _CURRENT.get()


@contextmanager
def shared_reads() -> Iterator[RequestReads]:
    """A request's scope: the units of work inside share their reads (the context, copied into worker
    threads, carries the same `RequestReads`)."""
    reads = RequestReads()
    token = _CURRENT.set(reads)
    try:
        yield reads
    finally:
        _CURRENT.reset(token)
