"""What the login use cases are built with."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from attrs import field, frozen

from dps.application.auth.ports import AuthUnitOfWork
from dps.application.shared.ports import AuditLog, Clock, IdFactory, PasswordHasher
from dps.application.tenancy.ports import TenancyUowFactory
from dps.domain.directory.users import LockoutPolicy
from dps.domain.shared.ids import TenantId


@frozen
class SessionPolicy:
    """A session ends `absolute` after login or `idle` after the last request, whichever is first."""

    absolute: timedelta = timedelta(hours=12)
    idle: timedelta = timedelta(hours=2)


@frozen
class AuthDeps:
    uow: Callable[[TenantId], AuthUnitOfWork]
    tenancy: TenancyUowFactory
    clock: Clock
    ids: IdFactory
    audit: AuditLog
    hasher: PasswordHasher
    lockout: LockoutPolicy = field(factory=LockoutPolicy)
    sessions: SessionPolicy = field(factory=SessionPolicy)
    reads: Callable[[TenantId], AuthUnitOfWork] | None = None
    """Units of work for use cases that only read (see `SalesDeps.reads`); None: `uow`."""

    def reading(self, tenant_id: TenantId) -> AuthUnitOfWork:
        """A unit of work for a use case that only reads."""
        return (self.reads or self.uow)(tenant_id)
