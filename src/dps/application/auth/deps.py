"""What the login use cases are built with."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from attrs import field, frozen

from dps.application.auth.ports import AuthUnitOfWork
from dps.application.shared.cache import Cache
from dps.application.shared.freshness import DirectoryFreshness, Stamp
from dps.application.shared.ports import AuditLog, Clock, IdFactory, PasswordHasher
from dps.application.tenancy.ports import TenancyUowFactory
from dps.domain.directory.users import LockoutPolicy
from dps.domain.shared.ids import ApiTokenId, TenantId
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant


@frozen
class SessionPolicy:
    """A session ends `absolute` after login or `idle` after the last request, whichever is first."""

    absolute: timedelta = timedelta(hours=12)
    idle: timedelta = timedelta(hours=2)


@frozen
class CheckedToken:
    """A bearer token found valid against the database, kept while its tenant's directory is unchanged."""

    stamp: Stamp
    tenant: Tenant
    secret_hash: str
    principal: Principal
    day: date
    """The principal's day (affiliations and memberships have validity periods)."""


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

    freshness: DirectoryFreshness | None = None
    checked_tokens: Cache[ApiTokenId, CheckedToken] | None = None
    """Tokens checked against the database; used only while `freshness` says their tenant's directory
    is unchanged (ADR 23). None (either): every request checks its token against the database."""

    def reading(self, tenant_id: TenantId) -> AuthUnitOfWork:
        """A unit of work for a use case that only reads."""
        return (self.reads or self.uow)(tenant_id)
