"""Build the acting Principal of a user from the directory, once per request."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from dps.application.directory.ports import DirectoryUnitOfWork
from dps.domain.directory.affiliations import current_affiliations
from dps.domain.directory.groups import groups_at
from dps.domain.directory.users import User
from dps.domain.shared.ids import TenantId, UserId
from dps.domain.shared.principal import License, Principal, Role

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


def system_principal(tenant_id: TenantId, *, actor: str = "system", time_zone: str = "Asia/Tokyo") -> Principal:
    """The principal of batch work run by an operator (CLI, scheduler): a tenant administrator."""
    return Principal(
        tenant_id=tenant_id, user_id=SYSTEM_USER_ID, login_id=actor, name=actor, license=License.FULL,
        roles=frozenset({Role.TENANT_ADMIN, Role.SEE_ALL}), time_zone=time_zone,
    )
