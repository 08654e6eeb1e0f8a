"""Build the acting Principal of a user from the directory, once per request (or take it from this
process's memo while the tenant's directory version says nothing changed)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from dps.application.directory.memo import DatedPrincipal
from dps.application.directory.ports import DirectoryUnitOfWork
from dps.application.shared.ports import Clock
from dps.application.shared.time import today_in
from dps.domain.directory.affiliations import current_affiliations
from dps.domain.directory.groups import groups_at
from dps.domain.directory.users import User
from dps.domain.shared.ids import TenantId, UserId
from dps.domain.shared.principal import License, Principal, Role
from dps.domain.tenancy.tenants import Tenant

SYSTEM_USER_ID = UserId(UUID(int=0))


def principal_for(uow: DirectoryUnitOfWork, tenant_id: TenantId, user: User, today: date) -> Principal:
    affs = current_affiliations(uow.affiliations.for_user(user.id), today)
    return Principal(
        tenant_id=tenant_id,
        user_id=user.id,
        login_id=user.login_id,
        name=user.name,
        license=user.license,
        roles=user.roles,
        organization_ids=frozenset(a.organization_id for a in affs),
        primary_organization_id=next((a.organization_id for a in affs if a.is_primary), None),
        group_ids=groups_at(uow.group_memberships.for_user(user.id), today),
        locale=user.locale,
        time_zone=user.time_zone,
    )


def active_principal(uow: DirectoryUnitOfWork, tenant: Tenant, user_id: UserId, clock: Clock) -> Principal | None:
    """The principal of an active user as of today in the user's zone; None when unknown or inactive.

    `tenant` must have been read in this unit of work before (its `directory_version` keys the memo,
    and the facts must be at least as new as the key). A memo entry serves only the day it was built
    for: affiliations and memberships have validity periods.
    """
    memo = uow.directory_memo()
    key = (tenant.id, user_id, tenant.directory_version)
    if memo is not None:
        hit = memo.principals.get(key)
        if hit is not None and hit.day == today_in(clock, hit.principal.time_zone):
            return hit.principal
    user = uow.users.get(user_id)
    if user is None or not user.is_active:
        return None
    today = today_in(clock, user.time_zone)
    principal = principal_for(uow, tenant.id, user, today)
    if memo is not None:
        memo.principals.put(key, DatedPrincipal(today, principal))
    return principal


def system_principal(tenant_id: TenantId, *, actor: str = "system", time_zone: str = "Asia/Tokyo") -> Principal:
    """The principal of batch work run by an operator (CLI, scheduler): a tenant administrator."""
    return Principal(
        tenant_id=tenant_id, user_id=SYSTEM_USER_ID, login_id=actor, name=actor, license=License.FULL,
        roles=frozenset({Role.TENANT_ADMIN, Role.SEE_ALL}), time_zone=time_zone,
    )
