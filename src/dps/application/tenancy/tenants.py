"""Provisioning tenants (T1): a system operator's work, done from the CLI."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from attrs import frozen

from dps.application.shared.errors import Conflict, domain_rules
from dps.application.shared.ports import AuditLog, Clock, IdFactory
from dps.application.shared.time import check_time_zone
from dps.application.tenancy.ports import TenancyUowFactory
from dps.domain.shared.ids import TenantId
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.policy import UpdateRule


@frozen
class CreateTenantCommand:
    code: str
    name: str
    time_zone: str = "Asia/Tokyo"
    full_licenses: int = 100
    light_licenses: int = 100
    fiscal_year_start_month: int = 4
    update_rule: UpdateRule = UpdateRule.ANY_FULL_USER


class CreateTenant:
    """Provision a tenant.

    - The code is unique across the service.
    - The provisioning steps (default code lists, ...) run once it exists.
    """

    def __init__(
        self,
        uow: TenancyUowFactory,
        clock: Clock,
        ids: IdFactory,
        audit: AuditLog,
        provision: Sequence[Callable[[TenantId], object]] = (),
    ) -> None:
        self._uow, self._clock, self._ids, self._audit = uow, clock, ids, audit
        self._provision = provision

    def __call__(self, cmd: CreateTenantCommand) -> Tenant:
        check_time_zone(cmd.time_zone)
        with self._uow() as uow:
            if uow.tenants.get_by_code(cmd.code) is not None:
                raise Conflict(f"tenant code '{cmd.code}' is already used", field="code")
            with domain_rules():
                tenant = Tenant(
                    id=TenantId(self._ids.new_id()), code=cmd.code, name=cmd.name, time_zone=cmd.time_zone,
                    full_licenses=cmd.full_licenses, light_licenses=cmd.light_licenses,
                    fiscal_year_start_month=cmd.fiscal_year_start_month, update_rule=cmd.update_rule,
                    created_at=self._clock.now(),
                )
            uow.tenants.add(tenant)
            uow.commit()
        for step in self._provision:  # e.g. the default code lists of the catalog context
            step(tenant.id)
        self._audit.application("tenant.created", tenant=tenant.code)
        return tenant


class ListTenants:
    def __init__(self, uow: TenancyUowFactory) -> None:
        self._uow = uow

    def __call__(self) -> Sequence[Tenant]:
        with self._uow() as uow:
            return uow.tenants.list()


class GetTenant:
    """The tenant with an id, or None: resolving a session or token cookie's tenant."""

    def __init__(self, uow: TenancyUowFactory) -> None:
        self._uow = uow

    def __call__(self, tenant_id: TenantId) -> Tenant | None:
        with self._uow() as uow:
            return uow.tenants.get(tenant_id)


class FindTenant:
    def __init__(self, uow: TenancyUowFactory) -> None:
        self._uow = uow

    def __call__(self, code: str) -> Tenant | None:
        with self._uow() as uow:
            return uow.tenants.get_by_code(code)
