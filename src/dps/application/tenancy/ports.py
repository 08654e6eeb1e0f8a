"""The tenant registry: the one store that is not scoped to a tenant."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Sequence
from typing import Protocol

from dps.application.shared.ports import UnitOfWork
from dps.domain.shared.ids import TenantId
from dps.domain.tenancy.tenants import Tenant


class TenantRepository(Protocol):
    @abstractmethod
    def get(self, tenant_id: TenantId) -> Tenant | None: ...
    @abstractmethod
    def get_by_code(self, code: str) -> Tenant | None: ...
    @abstractmethod
    def list(self) -> Sequence[Tenant]: ...
    @abstractmethod
    def add(self, tenant: Tenant) -> None:
        """Raises Conflict when the code is taken."""


class TenancyUnitOfWork(UnitOfWork, Protocol):
    @property
    def tenants(self) -> TenantRepository: ...


TenancyUowFactory = Callable[[], TenancyUnitOfWork]
