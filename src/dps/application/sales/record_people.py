"""Sub-resources every sales record kind shares: its staff (自社担当者, at most one main), its relations
(関係者: customer-side persons and their role) and its 非公開 restriction (the allow-list).

Reading needs the record to be visible (else 404); replacing needs the right to edit it (403,
logged) and the version the client read (409 when stale), and bumps that version. Newly added
staff members are notified (STAFF_ASSIGNED).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from uuid import UUID

from attrs import frozen

from dps.application.sales.access import ensure_editable, ensure_visible, update_rule, viewer_in
from dps.application.sales.deps import SalesDeps
from dps.application.sales.record_people_ports import RecordPeopleRepository
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import Invalid, NotFound, domain_rules
from dps.application.shared.guards import ensure_can_write
from dps.domain.sales.events import EventKind, RecordEvent
from dps.domain.sales.records import RecordType, Relation, StaffMember, check_staff
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import UserId
from dps.domain.shared.principal import Principal
from dps.domain.visibility.policy import Viewer
from dps.domain.visibility.records import Restriction

WITH_PEOPLE: frozenset[RecordType] = frozenset({
    RecordType.ACCOUNT, RecordType.PERSON, RecordType.OPPORTUNITY, RecordType.ACTIVITY, RecordType.LEAD,
    RecordType.CAMPAIGN,
})
"""Record kinds with staff, relations and a 非公開 restriction of their own."""

RELATION_ROLE = "relation_role"
T = TypeVar("T")


@frozen
class StaffView:
    record_type: RecordType
    record_id: UUID
    version: int
    staff: tuple[StaffMember, ...]


@frozen
class RelationsView:
    record_type: RecordType
    record_id: UUID
    version: int
    relations: tuple[Relation, ...]


@frozen
class RestrictionView:
    record_type: RecordType
    record_id: UUID
    version: int
    restriction: Restriction | None
    """None: the record is public."""


@frozen
class ReplaceStaffCommand:
    record_type: RecordType
    record_id: UUID
    staff: tuple[StaffMember, ...]
    expected_version: int


@frozen
class ReplaceRelationsCommand:
    record_type: RecordType
    record_id: UUID
    relations: tuple[Relation, ...]
    expected_version: int


@frozen
class ReplaceRestrictionCommand:
    record_type: RecordType
    record_id: UUID
    restriction: Restriction | None
    expected_version: int


def people_of(uow: SalesUnitOfWork) -> RecordPeopleRepository:
    """The unit of work's `record_people` store (see RecordPeopleRepository)."""
    return uow.record_people


class _UseCase:
    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def _read(
        self, principal: Principal, record_type: RecordType, record_id: UUID,
        read: Callable[[RecordPeopleRepository], T],
    ) -> tuple[int, T]:
        _check_kind(record_type, record_id)
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            ensure_visible(viewer, uow.records.access_chain(record_type, record_id), record_type.value, record_id)
            people = people_of(uow)
            return _version(people, record_type, record_id), read(people)

    def _open_for_change(
        self, uow: SalesUnitOfWork, principal: Principal, record_type: RecordType, record_id: UUID, action: str
    ) -> Viewer:
        """The principal's Viewer, once the record is known to be theirs to change."""
        viewer = viewer_in(uow, principal, self._d.clock)
        ensure_editable(viewer, uow.records.access_chain(record_type, record_id), update_rule(uow), self._d.audit,
                        what=record_type.value, key=record_id, action=action)
        return viewer

    def _log(
        self, principal: Principal, record_type: RecordType, record_id: UUID, action: str,
        before: dict[str, Any], after: dict[str, Any],
    ) -> None:
        self._d.audit.master_change(entity=record_type.value, record_id=record_id, action=action,
                                    actor=principal.login_id, before=before, after=after)


class GetStaff(_UseCase):
    def __call__(self, principal: Principal, record_type: RecordType, record_id: UUID) -> StaffView:
        version, staff = self._read(principal, record_type, record_id, lambda p: p.staff(record_type, record_id))
        return StaffView(record_type, record_id, version, staff)


class ReplaceStaff(_UseCase):
    """Set the record's staff: active users of the tenant, at most one main; new members are notified."""

    def __call__(self, principal: Principal, cmd: ReplaceStaffCommand) -> StaffView:
        d = self._d
        action = f"{cmd.record_type.value}.staff.replace"
        ensure_can_write(principal, d.audit, action)
        _check_kind(cmd.record_type, cmd.record_id)
        with domain_rules():
            staff = check_staff(cmd.staff)
        with d.uow(principal.tenant_id) as uow:
            self._open_for_change(uow, principal, cmd.record_type, cmd.record_id, action)
            for member in staff:
                user = uow.users.get(member.user_id)
                if user is None or not user.is_active:
                    raise Invalid.field("staff", f"担当者が見つかりません / no such active user: {member.user_id}")
            people = people_of(uow)
            before = people.staff(cmd.record_type, cmd.record_id)
            version = people.replace_staff(cmd.record_type, cmd.record_id, _main_first(staff),
                                           expected_version=cmd.expected_version, by=_actor_id(uow, principal),
                                           at=d.clock.now())
            added = frozenset(m.user_id for m in staff) - {m.user_id for m in before} - {principal.user_id}
            if added:
                d.notifier.notify(uow, RecordEvent(
                    kind=EventKind.STAFF_ASSIGNED, record_type=cmd.record_type, record_id=cmd.record_id,
                    actor_id=principal.user_id, summary=uow.records.label_of(cmd.record_type, cmd.record_id) or "",
                    extra_recipients=added,
                ))
            uow.commit()
        self._log(principal, cmd.record_type, cmd.record_id, "staff.replace",
                  {"staff": _staff_plain(before), "version": cmd.expected_version},
                  {"staff": _staff_plain(staff), "version": version})
        return StaffView(cmd.record_type, cmd.record_id, version, _main_first(staff))


class GetRelations(_UseCase):
    def __call__(self, principal: Principal, record_type: RecordType, record_id: UUID) -> RelationsView:
        version, relations = self._read(principal, record_type, record_id,
                                        lambda p: p.relations(record_type, record_id))
        return RelationsView(record_type, record_id, version, relations)


class ReplaceRelations(_UseCase):
    """Set the record's relations: persons that exist and the principal can see, each once, with a
    role from the `relation_role` code list (or none)."""

    def __call__(self, principal: Principal, cmd: ReplaceRelationsCommand) -> RelationsView:
        d = self._d
        action = f"{cmd.record_type.value}.relations.replace"
        ensure_can_write(principal, d.audit, action)
        _check_kind(cmd.record_type, cmd.record_id)
        persons = [r.person_id for r in cmd.relations]
        if len(persons) != len(set(persons)):
            raise Invalid.field("relations", "同じパーソンが重複しています / a person is listed twice")
        if cmd.record_type is RecordType.PERSON and cmd.record_id in persons:
            raise Invalid.field("relations", "パーソン自身は関係者にできません / a person cannot relate to itself")
        with d.uow(principal.tenant_id) as uow:
            viewer = self._open_for_change(uow, principal, cmd.record_type, cmd.record_id, action)
            for relation in cmd.relations:
                try:
                    ensure_visible(viewer, uow.records.access_chain(RecordType.PERSON, relation.person_id),
                                   "person", relation.person_id)
                except NotFound:
                    raise Invalid.field(
                        "relations", f"パーソンが見つかりません / no such person: {relation.person_id}") from None
            _check_roles(uow, cmd.relations)
            people = people_of(uow)
            before = people.relations(cmd.record_type, cmd.record_id)
            version = people.replace_relations(cmd.record_type, cmd.record_id, cmd.relations,
                                               expected_version=cmd.expected_version, by=_actor_id(uow, principal),
                                               at=d.clock.now())
            after = people.relations(cmd.record_type, cmd.record_id)
            uow.commit()
        self._log(principal, cmd.record_type, cmd.record_id, "relations.replace",
                  {"relations": _relations_plain(before), "version": cmd.expected_version},
                  {"relations": _relations_plain(after), "version": version})
        return RelationsView(cmd.record_type, cmd.record_id, version, after)


class GetRestriction(_UseCase):
    def __call__(self, principal: Principal, record_type: RecordType, record_id: UUID) -> RestrictionView:
        version, restriction = self._read(principal, record_type, record_id,
                                          lambda p: p.restriction(record_type, record_id))
        return RestrictionView(record_type, record_id, version, restriction)


class ReplaceRestriction(_UseCase):
    """Make the record 非公開 with an allow-list of existing users, organisations and public groups,
    or public again (None). Owner, creator and staff always keep seeing it."""

    def __call__(self, principal: Principal, cmd: ReplaceRestrictionCommand) -> RestrictionView:
        d = self._d
        action = f"{cmd.record_type.value}.restriction.replace"
        ensure_can_write(principal, d.audit, action)
        _check_kind(cmd.record_type, cmd.record_id)
        with d.uow(principal.tenant_id) as uow:
            self._open_for_change(uow, principal, cmd.record_type, cmd.record_id, action)
            if cmd.restriction is not None:
                _check_allow_list(uow, cmd.restriction)
            people = people_of(uow)
            before = people.restriction(cmd.record_type, cmd.record_id)
            version = people.replace_restriction(cmd.record_type, cmd.record_id, cmd.restriction,
                                                 expected_version=cmd.expected_version,
                                                 by=_actor_id(uow, principal), at=d.clock.now())
            uow.commit()
        self._log(principal, cmd.record_type, cmd.record_id, "restriction.replace",
                  {"restriction": _restriction_plain(before), "version": cmd.expected_version},
                  {"restriction": _restriction_plain(cmd.restriction), "version": version})
        return RestrictionView(cmd.record_type, cmd.record_id, version, cmd.restriction)


def _check_kind(record_type: RecordType, record_id: UUID) -> None:
    """Kinds without staff, relations and restriction of their own have no such sub-resource."""
    if record_type not in WITH_PEOPLE:
        raise NotFound(record_type.value, record_id)


def _version(people: RecordPeopleRepository, record_type: RecordType, record_id: UUID) -> int:
    version = people.version(record_type, record_id)
    if version is None:
        raise NotFound(record_type.value, record_id)
    return version


def _check_roles(uow: SalesUnitOfWork, relations: Iterable[Relation]) -> None:
    codes = [r.role_code for r in relations if r.role_code is not None]
    if not codes:
        return
    roles = uow.code_lists.get(RELATION_ROLE)
    if roles is None:
        raise Invalid.field("relations", f"code list '{RELATION_ROLE}' is not set up")
    for code in codes:
        try:
            roles.validate(code, field_name="relations")
        except DomainError as e:
            raise Invalid.from_domain(e) from e


def _check_allow_list(uow: SalesUnitOfWork, restriction: Restriction) -> None:
    missing = (
        [f"user {u}" for u in sorted(restriction.users) if uow.users.get(u) is None]
        + [f"organization {o}" for o in sorted(restriction.organizations) if uow.organizations.get(o) is None]
        + [f"group {g}" for g in sorted(restriction.groups) if uow.public_groups.get(g) is None]
    )
    if missing:
        raise Invalid.field("restriction", "公開先が見つかりません / not found: " + ", ".join(missing))


def _main_first(staff: Iterable[StaffMember]) -> tuple[StaffMember, ...]:
    return tuple(sorted(staff, key=lambda m: not m.is_main))


def _actor_id(uow: SalesUnitOfWork, principal: Principal) -> UserId | None:
    """The actor as a user of the tenant (None for an operator acting through the CLI)."""
    return principal.user_id if uow.users.get(principal.user_id) is not None else None


def _staff_plain(staff: Iterable[StaffMember]) -> list[dict[str, Any]]:
    return [{"user_id": str(m.user_id), "is_main": m.is_main} for m in staff]


def _relations_plain(relations: Iterable[Relation]) -> list[dict[str, Any]]:
    return [{"person_id": str(r.person_id), "role_code": r.role_code} for r in relations]


def _restriction_plain(restriction: Restriction | None) -> dict[str, list[str]] | None:
    if restriction is None:
        return None
    return {
        "users": sorted(str(u) for u in restriction.users),
        "organizations": sorted(str(o) for o in restriction.organizations),
        "groups": sorted(str(g) for g in restriction.groups),
    }
