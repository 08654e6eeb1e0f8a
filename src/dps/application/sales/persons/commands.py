"""Register, update and delete パーソン persons."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from attrs import field, frozen

from dps.application.sales.access import ensure_editable, update_rule, viewer_in, visible_chain
from dps.application.sales.accounts.record_parts import UNSET, RecordParts, Unset, apply_parts
from dps.application.sales.deps import SalesDeps
from dps.application.sales.record_support import stamp_by_actor
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.audit import log_master_change
from dps.application.shared.errors import Conflict, Invalid, NotFound, domain_rules
from dps.application.shared.guards import ensure_can_write
from dps.application.shared.snapshots import snapshot
from dps.application.shared.time import today_in
from dps.domain.sales.events import EventKind, RecordEvent
from dps.domain.sales.persons import Person
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal
from dps.domain.visibility.policy import Viewer


@frozen
class CreatePersonCommand:
    """`values`: the person's own columns by name (last_name, first_name, kana, department, title, email, ...)."""

    account_id: UUID
    values: Mapping[str, Any] = field(factory=dict)
    parts: RecordParts = field(factory=RecordParts)


@frozen
class UpdatePersonCommand:
    """Only what is given changes: the keys of `values`, the account unless UNSET, the parts unless UNSET."""

    person_id: UUID
    expected_version: int
    values: Mapping[str, Any] = field(factory=dict)
    account_id: UUID | Unset = UNSET
    parts: RecordParts = field(factory=RecordParts)


def ensure_account_visible(uow: SalesUnitOfWork, viewer: Viewer, account_id: UUID, field_name: str = "account_id"
                           ) -> None:
    """The account a person (or card) points at exists and the actor can see it."""
    chain = uow.records.access_chain(RecordType.ACCOUNT, account_id)
    if chain is None or not visible_chain(viewer, chain):
        raise Invalid.field(field_name, f"取引先が見つかりません / account '{account_id}' not found")


class CreatePerson:
    """Register a person under an account the actor can see. Owner defaults to the acting user.
    Full users only."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: CreatePersonCommand) -> Person:
        ensure_can_write(principal, self._d.audit, "person.create")
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            today = today_in(self._d.clock, uow.tenant().time_zone)
            ensure_account_visible(uow, viewer, cmd.account_id)
            values = dict(cmd.values)
            with domain_rules():
                person = Person(id=self._d.ids.new_id(), account_id=cmd.account_id,
                                last_name=values.pop("last_name", ""))
                person.change(values)
            apply_parts(uow, viewer, person, cmd.parts, entity="person", today=today, creating=True)
            stamp_by_actor(uow, principal, person, self._d.clock.now(), created=True)
            uow.persons.add(person)
            uow.commit()
        log_master_change(self._d.audit, principal, "person", "create", person)
        return person


class UpdatePerson:
    """Change a person the actor may edit at the version they read (stale: Conflict with the current one)."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: UpdatePersonCommand) -> Person:
        ensure_can_write(principal, self._d.audit, "person.update")
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            person = load_editable(uow, viewer, self._d, cmd.person_id, "person.update")
            if person.version != cmd.expected_version:
                raise Conflict("パーソンは他のユーザに更新されています / the person was changed by someone else",
                               current_version=person.version)
            before = snapshot(person)
            with domain_rules():
                person.change(cmd.values)
            if not isinstance(cmd.account_id, Unset) and cmd.account_id != person.account_id:
                ensure_account_visible(uow, viewer, cmd.account_id)
                person.move_to(cmd.account_id)
            today = today_in(self._d.clock, uow.tenant().time_zone)
            apply_parts(uow, viewer, person, cmd.parts, entity="person", today=today, creating=False)
            stamp_by_actor(uow, principal, person, self._d.clock.now(), created=False)
            uow.persons.update(person, cmd.expected_version)
            self._d.notifier.notify(uow, RecordEvent(
                kind=EventKind.RECORD_CHANGED, record_type=RecordType.PERSON, record_id=person.id,
                actor_id=principal.user_id,
            ))
            uow.commit()
        log_master_change(self._d.audit, principal, "person", "update", person, before=before)
        return person


def load_editable(uow: SalesUnitOfWork, viewer: Viewer, deps: SalesDeps, person_id: UUID, action: str) -> Person:
    """The person, or NotFound (missing or invisible) / Forbidden (visible, not editable)."""
    person = uow.persons.get(person_id)
    if person is None:
        raise NotFound("person", person_id)
    ensure_editable(viewer, uow.records.access_chain(RecordType.PERSON, person_id), update_rule(uow), deps.audit,
                    what="person", key=person_id, action=action)
    return person


class DeletePerson:
    """Delete a person the actor may edit.

    Rule: refused (Conflict, 409) while the person is a 関係者 of an opportunity, was met in an activity
    (面談者) or is the result of a lead conversion - deleting would erase sales history. Otherwise the
    person goes with its business cards (and their images), its own staff, allow-list, relations,
    comments, likes, attachments and notifications; rows that merely name it elsewhere (関係者 of
    accounts, persons or campaigns, campaign member rows) are removed with it."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, person_id: UUID, expected_version: int | None = None) -> None:
        ensure_can_write(principal, self._d.audit, "person.delete")
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            person = load_editable(uow, viewer, self._d, person_id, "person.delete")
            if expected_version is not None and person.version != expected_version:
                raise Conflict("パーソンは他のユーザに更新されています / the person was changed by someone else",
                               current_version=person.version)
            refs = uow.persons.references(person_id)
            if refs:
                listed = ", ".join(f"{kind} {n}" for kind, n in sorted(refs.items()))
                raise Conflict(f"このパーソンは他のデータから参照されているため削除できません / the person is still "
                               f"referenced ({listed}); remove those links first")
            keys = uow.persons.delete(person_id)
            uow.commit()
        for key in keys:
            self._d.files.delete(principal.tenant_id, key)
        self._d.audit.master_change(entity="person", record_id=person_id, action="delete", actor=principal.login_id,
                                    before=snapshot(person), after=None)
