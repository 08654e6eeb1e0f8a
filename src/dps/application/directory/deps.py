"""What every directory use case is built with."""

from __future__ import annotations

from collections.abc import Callable

from attrs import frozen

from dps.application.directory.ports import DirectoryUnitOfWork
from dps.application.shared.ports import AuditLog, Clock, IdFactory, PasswordHasher
from dps.domain.shared.ids import TenantId

DirectoryUowFactory = Callable[[TenantId], DirectoryUnitOfWork]


@frozen
class DirectoryDeps:
    uow: DirectoryUowFactory
    clock: Clock
    ids: IdFactory
    audit: AuditLog
    hasher: PasswordHasher
    reads: DirectoryUowFactory | None = None
    """Units of work for use cases that only read (see `SalesDeps.reads`); None: `uow`."""

    def reading(self, tenant_id: TenantId) -> DirectoryUnitOfWork:
        """A unit of work for a use case that only reads."""
        return (self.reads or self.uow)(tenant_id)
