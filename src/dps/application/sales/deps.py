"""What every sales use case is built with: one bundle, so a handler or CLI command constructs
a use case as `CreateAccount(deps)` without a provider per use case."""

from __future__ import annotations

from collections.abc import Callable

from attrs import frozen

from dps.application.sales.files import FileStore, VirusScanner
from dps.application.sales.notifier import Notifier
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.ports import AuditLog, Clock, IdFactory
from dps.domain.shared.ids import TenantId

SalesUowFactory = Callable[[TenantId], SalesUnitOfWork]


@frozen
class SalesDeps:
    uow: SalesUowFactory
    clock: Clock
    ids: IdFactory
    audit: AuditLog
    notifier: Notifier
    files: FileStore
    scanner: VirusScanner | None = None
    max_upload_bytes: int = 20 * 1024 * 1024
    reads: SalesUowFactory | None = None
    """Units of work for use cases that only read (no transaction to begin and end where the adapter
    can do without one); None: `uow` serves them too. A bundle whose `uow` is replaced (a joined outer
    unit of work) must set it to None, so its reads see that transaction's writes."""

    def reading(self, tenant_id: TenantId) -> SalesUnitOfWork:
        """A unit of work for a use case that only reads."""
        return (self.reads or self.uow)(tenant_id)
