"""What the campaign and lead use cases share: the checks on what a record points at (非公開
allow-list, relations, linked records), partial changes of the record parts, and events."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any
from uuid import UUID

from dps.application.sales.access import visible_chain
from dps.application.sales.deps import SalesDeps
from dps.application.sales.record_support import check_users, code_list, custom_fields_of, owner_of
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import Invalid, domain_rules
from dps.application.shared.time import today_in
from dps.domain.sales.events import EventKind, RecordEvent
from dps.domain.sales.records import RecordType, Relation, SalesRecord, StaffMember
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
