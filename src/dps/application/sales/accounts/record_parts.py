"""The parts accounts and persons share in their create/update commands - owner, staff, 非公開
allow-list, relations, custom fields - and how a use case checks and applies them."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date
from typing import Any, Protocol
from uuid import UUID

from attrs import field, frozen

from dps.application.sales.access import visible_chain
from dps.application.sales.record_support import acting_user, primary_organization
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import Invalid, domain_rules
from dps.domain.sales.records import RecordType, Relation, SalesRecord, StaffMember
from dps.domain.shared.ids import UserId
from dps.domain.visibility.policy import Viewer
from dps.domain.visibility.records import Restriction


class Unset(enum.Enum):
    """A command field that was not given: leave the record's value as it is."""

    UNSET = "unset"


UNSET = Unset.UNSET


@frozen
class RecordParts:
    """What every sales record's command may set beside its own columns. UNSET leaves a part unchanged
    (on create: owner = the acting user, no staff, public, no relations, no custom fields). On update
    `custom_fields` changes the keys given (None or "" clears one); the other parts are replaced."""

    owner_id: UserId | Unset | None = UNSET
    staff: tuple[StaffMember, ...] | Unset = UNSET
    restriction: Restriction | Unset | None = UNSET
    relations: tuple[Relation, ...] | Unset = UNSET
    custom_fields: Mapping[str, Any] | Unset = field(default=UNSET)


class _WithRelations(Protocol):
    relations: tuple[Relation, ...]

    def set_relations(self, relations: tuple[Relation, ...]) -> None: ...


def _check_users(uow: SalesUnitOfWork, user_ids: set[UserId], field_name: str) -> None:
    unknown = sorted(str(u) for u in user_ids if uow.users.get(u) is None)
    if unknown:
        raise Invalid.field(field_name, f"ユーザが存在しません / unknown user(s): {', '.join(unknown)}")


def _check_restriction(uow: SalesUnitOfWork, restriction: Restriction) -> None:
    _check_users(uow, set(restriction.users), "restriction")
    if any(uow.organizations.get(o) is None for o in restriction.organizations):
        raise Invalid.field("restriction", "組織が存在しません / unknown organisation in the allow-list")
    if any(uow.public_groups.get(g) is None for g in restriction.groups):
        raise Invalid.field("restriction", "グループが存在しません / unknown public group in the allow-list")


def _check_relations(uow: SalesUnitOfWork, viewer: Viewer, relations: tuple[Relation, ...], own_id: UUID) -> None:
    """Each related person exists and is visible to the actor; each role is a `relation_role` code."""
    roles = uow.code_lists.get("relation_role")
    for rel in relations:
        if rel.person_id == own_id:
            raise Invalid.field("relations", "自分自身は関係者にできません / a person cannot relate to itself")
        chain = uow.records.access_chain(RecordType.PERSON, rel.person_id)
        if chain is None or not visible_chain(viewer, chain):
            raise Invalid.field("relations", f"パーソンが見つかりません / person '{rel.person_id}' not found")
        if rel.role_code is not None:
            if roles is None:
                raise Invalid.field("relations", "code list 'relation_role' is missing")
            with domain_rules():
                roles.validate(rel.role_code, field_name="relations")


def apply_parts(
    uow: SalesUnitOfWork, viewer: Viewer, record: SalesRecord, parts: RecordParts, *, entity: str, today: date,
    creating: bool,
) -> None:
    """Check each given part against the tenant's data and set it on the record (with its domain rules).
    The owner's organisation is re-stamped whenever the owner is set."""
    principal = viewer.principal
    owner = parts.owner_id
    if creating and owner is UNSET:
        owner = acting_user(uow, principal)
    if not isinstance(owner, Unset):
        if owner is not None:
            _check_users(uow, {owner}, "owner_id")
        record.assign_owner(owner, primary_organization(uow, owner, today) if owner is not None else None)
    if not isinstance(parts.staff, Unset):
        _check_users(uow, {m.user_id for m in parts.staff}, "staff")
        with domain_rules():
            record.set_staff(parts.staff)
    if not isinstance(parts.restriction, Unset):
        if parts.restriction is not None:
            _check_restriction(uow, parts.restriction)
        record.restrict(parts.restriction)
    if not isinstance(parts.relations, Unset):
        _check_relations(uow, viewer, parts.relations, record.id)
        with domain_rules():
            _relations_of(record).set_relations(parts.relations)
    if not isinstance(parts.custom_fields, Unset):
        given = dict(parts.custom_fields) if creating else {**record.custom_fields, **parts.custom_fields}
        values = {k: v for k, v in given.items() if v is not None and v != ""}
        with domain_rules():
            record.set_custom_fields(uow.custom_fields.schema_for(entity).validate(values))


def _relations_of(record: SalesRecord) -> _WithRelations:
    if not hasattr(record, "set_relations"):
        raise Invalid.field("relations", "this record has no relations")
    return record  # type: ignore[return-value]
