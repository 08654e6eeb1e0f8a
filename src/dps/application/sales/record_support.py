"""Small helpers every sales record use case shares: tenant code lists, the acting user, owner and
user checks, creation/update stamps and custom field validation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any
from uuid import UUID

from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import Invalid, domain_rules
from dps.domain.catalog.code_lists import CodeList
from dps.domain.directory.affiliations import current_affiliations
from dps.domain.sales.records import SalesRecord
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.shared.principal import Principal


def code_list(uow: SalesUnitOfWork, key: str) -> CodeList:
    """A tenant code list; an empty one when the tenant has none (every value is then refused)."""
    return uow.code_lists.get(key) or CodeList(key=key)


def acting_user(uow: SalesUnitOfWork, principal: Principal) -> UserId | None:
    """The principal's user id when it is a user of the tenant (an operator's system principal is not)."""
    return principal.user_id if uow.users.get(principal.user_id) is not None else None


def primary_organization(uow: SalesUnitOfWork, user_id: UserId, today: date) -> OrganizationId | None:
    """The user's 主所属 on `today` (None when the user has no primary affiliation then)."""
    affiliations = current_affiliations(uow.affiliations.for_user(user_id), today)
    return next((a.organization_id for a in affiliations if a.is_primary), None)


def check_users(uow: SalesUnitOfWork, user_ids: Iterable[UUID], field_name: str) -> None:
    """Invalid (on `field_name`) at the first id that is not a user of this tenant."""
    for user_id in user_ids:
        if uow.users.get(UserId(user_id)) is None:
            raise Invalid.field(field_name, f"ユーザーが見つかりません / no such user: {user_id}")


def owner_of(
    uow: SalesUnitOfWork, principal: Principal, owner_id: UserId | None, today: date
) -> tuple[UserId | None, OrganizationId | None]:
    """The owner and their primary organisation today (it drives 自担当 and manager rights). Without
    an explicit owner the actor owns the record, unless the actor is an operator, not a user."""
    if owner_id is None:
        if acting_user(uow, principal) is None:
            return None, None
        owner_id = principal.user_id
    if owner_id == principal.user_id and principal.primary_organization_id is not None:
        return owner_id, principal.primary_organization_id
    user = uow.users.get(owner_id)
    if user is None or not user.is_active:
        raise Invalid.field("owner_id", "担当者が見つかりません / no such active user")
    return owner_id, primary_organization(uow, owner_id, today)


def stamp(record: SalesRecord, actor: UserId | None, now: datetime, *, created: bool) -> None:
    """Creation (when `created`) and update stamps by `actor` (None for an operator)."""
    if created:
        record.created_by, record.created_at = actor, now
    record.updated_by, record.updated_at = actor, now


def stamp_by_actor(
    uow: SalesUnitOfWork, principal: Principal, record: SalesRecord, now: datetime, *, created: bool
) -> None:
    """Stamps by the acting user (None for an operator's system principal)."""
    stamp(record, acting_user(uow, principal), now, created=created)


def custom_fields_of(uow: SalesUnitOfWork, entity: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """A record's custom field values, checked against the tenant's definitions for `entity`."""
    with domain_rules():
        return uow.custom_fields.schema_for(entity).validate(values)
