"""Plumbing of the bulk card import: running several existing sales use cases inside ONE transaction
(a joined unit of work whose inner commits are deferred) with their audit entries held back until that
transaction commits, so a failure part-way leaves neither rows nor log lines claiming them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, cast
from uuid import UUID

from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.ports import AuditLog
from dps.domain.shared.ids import TenantId


class _JoinedUow:
    """The outer unit of work seen by an inner use case: `with` neither opens nor rolls back, `commit`
    does nothing; every store is the outer one's, so all writes land in the outer transaction."""

    def __init__(self, outer: SalesUnitOfWork) -> None:
        self._outer = outer

    def __enter__(self) -> _JoinedUow:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        return None

    def commit(self) -> None:
        """Deferred: the outer use case commits once, after every card."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self._outer, name)


def joined(outer: SalesUnitOfWork) -> Callable[[TenantId], SalesUnitOfWork]:
    """A unit-of-work factory for `SalesDeps.uow` that hands out `outer` (same tenant only)."""
    tenant = cast(Any, outer).tenant().id

    def factory(tenant_id: TenantId) -> SalesUnitOfWork:
        if tenant_id != tenant:
            raise RuntimeError("a joined unit of work serves one tenant")
        return cast(SalesUnitOfWork, _JoinedUow(outer))

    return factory


class HeldAudit(AuditLog):
    """Security and application events go out at once; master-data changes wait for `release()` (after
    the commit) and are dropped by `drop()` (rollback)."""

    def __init__(self, inner: AuditLog) -> None:
        self._inner = inner
        self._held: list[dict[str, Any]] = []

    def security(self, event: str, **fields: Any) -> None:
        self._inner.security(event, **fields)

    def application(self, event: str, **fields: Any) -> None:
        self._inner.application(event, **fields)

    def master_change(self, *, entity: str, record_id: UUID | str, action: str, actor: str,
                      before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> None:
        self._held.append({"entity": entity, "record_id": record_id, "action": action, "actor": actor,
                           "before": before, "after": after})

    def release(self) -> None:
        held, self._held = self._held, []
        for entry in held:
            self._inner.master_change(**entry)

    def drop(self) -> None:
        self._held = []
