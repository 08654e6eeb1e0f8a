"""What the campaign and lead use cases share: code lists, the checks on what a record points at
(owner, staff, 非公開 allow-list, relations, linked records), stamps and events."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any
from uuid import UUID

from dps.application.sales.access import visible_chain
from dps.application.sales.deps import SalesDeps
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import Invalid, domain_rules
from dps.application.shared.time import today_in
from dps.domain.catalog.code_lists import CodeList
from dps.domain.directory.affiliations import current_affiliations
from dps.domain.sales.events import EventKind, RecordEvent
from dps.domain.sales.records import RecordType, Relation, SalesRecord, StaffMember
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.shared.principal import Principal
from dps.domain.visibility.policy import Viewer
from dps.domain.visibility.records import Restriction

_MISSING: dict[RecordType, str] = {
    RecordType.CAMPAIGN: "キャンペーンが見つかりません / no such campaign",
    RecordType.LEAD: "リードが見つかりません / no such lead",
    RecordType.PERSON: "パーソンが見つかりません / no such person",
    RecordType.ACCOUNT: "取引先が見つかりません / no such account",
}

RECORD_KEYS = frozenset({"owner_id", "staff", "restriction", "relations", "custom_fields"})
"""Keys of a partial change that are not content fields: handled by `apply_record_changes`."""


def code_list(uow: SalesUnitOfWork, key: str) -> CodeList:
    """A tenant code list; an empty one when the tenant has none (every value is then refused)."""
    return uow.code_lists.get(key) or CodeList(key=key)


def today(deps: SalesDeps, principal: Principal) -> date:
    return today_in(deps.clock, principal.time_zone)


def check_link(uow: SalesUnitOfWork, viewer: Viewer, field_name: str, record_type: RecordType,
               record_id: UUID | None) -> None:
    """Invalid (on `field_name`) unless the referenced record exists and the actor may see it: an
    invisible record reads as missing, so its existence is not revealed."""
    if record_id is None:
        return
    chain = uow.records.access_chain(record_type, record_id)
    if chain is None or not visible_chain(viewer, chain):
        raise Invalid.field(field_name, _MISSING.get(record_type, "not found"))


def check_users(uow: SalesUnitOfWork, user_ids: Iterable[UUID], field_name: str) -> None:
    for user_id in user_ids:
        if uow.users.get(UserId(user_id)) is None:
            raise Invalid.field(field_name, f"ユーザーが見つかりません / no such user: {user_id}")


def check_restriction(uow: SalesUnitOfWork, restriction: Restriction | None) -> None:
    """Everyone on a 非公開 allow-list exists in the tenant (a stray id would grant nothing and
    confuse whoever reads the list later)."""
    if restriction is None:
        return
    check_users(uow, restriction.users, "restriction")
    for org_id in restriction.organizations:
        if uow.organizations.get(org_id) is None:
            raise Invalid.field("restriction", f"組織が見つかりません / no such organisation: {org_id}")
    for group_id in restriction.groups:
        if uow.public_groups.get(group_id) is None:
            raise Invalid.field("restriction", f"パブリックグループが見つかりません / no such public group: {group_id}")


def check_relations(uow: SalesUnitOfWork, viewer: Viewer, relations: Iterable[Relation]) -> None:
    """関係者: visible persons, with a relation_role code when a role is given."""
    roles = code_list(uow, "relation_role")
    for relation in relations:
        check_link(uow, viewer, "relations", RecordType.PERSON, relation.person_id)
        if relation.role_code is not None:
            with domain_rules():
                roles.validate(relation.role_code, field_name="relations")


def actor_id(uow: SalesUnitOfWork, principal: Principal) -> UserId | None:
    """The actor as a user of the tenant (None for an operator acting through the CLI)."""
    return principal.user_id if uow.users.get(principal.user_id) is not None else None


def owner_of(
    uow: SalesUnitOfWork, principal: Principal, owner_id: UserId | None, day: date
) -> tuple[UserId | None, OrganizationId | None]:
    """The owner and their primary organisation today (it drives 自担当 and manager rights). Without
    an explicit owner the actor owns the record, unless the actor is an operator, not a user."""
    if owner_id is None:
        if actor_id(uow, principal) is None:
            return None, None
        owner_id = principal.user_id
    if owner_id == principal.user_id and principal.primary_organization_id is not None:
        return owner_id, principal.primary_organization_id
    user = uow.users.get(owner_id)
    if user is None or not user.is_active:
        raise Invalid.field("owner_id", "担当者が見つかりません / no such active user")
    affiliations = current_affiliations(uow.affiliations.for_user(owner_id), day)
    return owner_id, next((a.organization_id for a in affiliations if a.is_primary), None)


def stamp(record: SalesRecord, actor: UserId | None, now: datetime, *, created: bool) -> None:
    if created:
        record.created_by, record.created_at = actor, now
    record.updated_by, record.updated_at = actor, now


def custom_fields_of(uow: SalesUnitOfWork, entity: str, values: Mapping[str, Any]) -> dict[str, Any]:
    with domain_rules():
        return uow.custom_fields.schema_for(entity).validate(values)


def apply_record_changes(
    uow: SalesUnitOfWork, principal: Principal, viewer: Viewer, record: SalesRecord, entity: str,
    changes: Mapping[str, Any], day: date,
) -> None:
    """Owner, staff, 非公開 allow-list and custom fields of a partial change (relations are the
    caller's: not every record kind has them)."""
    if "owner_id" in changes:
        owner, organization = owner_of(uow, principal, changes["owner_id"], day)
        record.assign_owner(owner, organization)
    if "staff" in changes:
        staff: tuple[StaffMember, ...] = tuple(changes["staff"])
        check_users(uow, (m.user_id for m in staff), "staff")
        with domain_rules():
            record.set_staff(staff)
    if "restriction" in changes:
        check_restriction(uow, changes["restriction"])
        record.restrict(changes["restriction"])
    if "custom_fields" in changes:
        record.set_custom_fields(custom_fields_of(uow, entity, changes["custom_fields"]))


def notify_change(
    deps: SalesDeps, uow: SalesUnitOfWork, principal: Principal, record_type: RecordType, record_id: UUID,
    summary: str, *, changed: bool = True, staff_before: Iterable[StaffMember] = (),
    staff_after: Iterable[StaffMember] = (),
) -> None:
    """RECORD_CHANGED (when `changed`), and STAFF_ASSIGNED for users newly made staff (never the actor)."""
    if changed:
        deps.notifier.notify(uow, RecordEvent(
            kind=EventKind.RECORD_CHANGED, record_type=record_type, record_id=record_id,
            actor_id=principal.user_id, summary=summary,
        ))
    added = {m.user_id for m in staff_after} - {m.user_id for m in staff_before} - {principal.user_id}
    if added:
        deps.notifier.notify(uow, RecordEvent(
            kind=EventKind.STAFF_ASSIGNED, record_type=record_type, record_id=record_id,
            actor_id=principal.user_id, summary=summary, extra_recipients=frozenset(added),
        ))


def remove_files(deps: SalesDeps, principal: Principal, keys: list[str]) -> None:
    """Attachment bytes go after the commit; a file that cannot be removed is logged, not fatal."""
    for key in keys:
        try:
            deps.files.delete(principal.tenant_id, key)
        except Exception as e:  # the rows are gone; an orphan file is harmless
            deps.audit.application("attachment.orphaned", key=key, reason=str(e))
