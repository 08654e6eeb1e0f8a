"""Register, update and delete 取引先 accounts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from attrs import field, frozen

from dps.application.sales.access import ensure_editable, update_rule, viewer_in
from dps.application.sales.accounts.record_parts import (
    UNSET,
    RecordParts,
    Unset,
    apply_parts,
)
from dps.application.sales.accounts.rules import check_codes, ensure_corporate_number_free, set_parent
from dps.application.sales.deps import SalesDeps
from dps.application.sales.record_support import stamp_by_actor
from dps.application.shared.audit import log_master_change
from dps.application.shared.errors import Conflict, NotFound, domain_rules
from dps.application.shared.guards import ensure_can_write
from dps.application.shared.snapshots import snapshot
from dps.application.shared.time import today_in
from dps.domain.sales.accounts import Account
from dps.domain.sales.events import EventKind, RecordEvent
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal


@frozen
class CreateAccountCommand:
    """`values`: the account's own columns by name (name, kana, corporate_number, account_type_code, ...)."""

    values: Mapping[str, Any] = field(factory=dict)
    parent_account_id: UUID | None = None
    parts: RecordParts = field(factory=RecordParts)


@frozen
class UpdateAccountCommand:
    """Only what is given changes: the keys of `values`, the parent unless UNSET, the parts unless UNSET."""

    account_id: UUID
    expected_version: int
    values: Mapping[str, Any] = field(factory=dict)
    parent_account_id: UUID | Unset | None = UNSET
    parts: RecordParts = field(factory=RecordParts)


class CreateAccount:
    """Register an account. Owner defaults to the acting user, stamped with the owner's primary
    organisation; codes, parent, 法人番号 uniqueness, staff, allow-list, relations and custom fields are
    checked. Full users only."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: CreateAccountCommand) -> Account:
        ensure_can_write(principal, self._d.audit, "account.create")
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            today = today_in(self._d.clock, uow.tenant().time_zone)
            values = dict(cmd.values)
            with domain_rules():
                account = Account(id=self._d.ids.new_id(), name=values.pop("name", ""))
                account.change(values)
            check_codes(uow, account)
            set_parent(uow, viewer, account, cmd.parent_account_id)
            ensure_corporate_number_free(uow, account)
            apply_parts(uow, viewer, account, cmd.parts, entity="account", today=today, creating=True)
            stamp_by_actor(uow, principal, account, self._d.clock.now(), created=True)
            uow.accounts.add(account)
            uow.commit()
        log_master_change(self._d.audit, principal, "account", "create", account)
        return account


class UpdateAccount:
    """Change an account the actor may edit (R1 update rule), at the version they read: a stale version
    is a Conflict with the current one. Staff and owner are told (RECORD_CHANGED)."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: UpdateAccountCommand) -> Account:
        ensure_can_write(principal, self._d.audit, "account.update")
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            account = uow.accounts.get(cmd.account_id)
            if account is None:
                raise NotFound("account", cmd.account_id)
            ensure_editable(viewer, uow.records.access_chain(RecordType.ACCOUNT, account.id), update_rule(uow),
                            self._d.audit, what="account", key=account.id, action="account.update")
            if account.version != cmd.expected_version:
                raise Conflict("取引先は他のユーザに更新されています / the account was changed by someone else",
                               current_version=account.version)
            before = snapshot(account)
            with domain_rules():
                account.change(cmd.values)
            check_codes(uow, account, cmd.values.keys())
            if not isinstance(cmd.parent_account_id, Unset):
                set_parent(uow, viewer, account, cmd.parent_account_id)
            ensure_corporate_number_free(uow, account)
            today = today_in(self._d.clock, uow.tenant().time_zone)
            apply_parts(uow, viewer, account, cmd.parts, entity="account", today=today, creating=False)
            stamp_by_actor(uow, principal, account, self._d.clock.now(), created=False)
            uow.accounts.update(account, cmd.expected_version)
            self._d.notifier.notify(uow, RecordEvent(
                kind=EventKind.RECORD_CHANGED, record_type=RecordType.ACCOUNT, record_id=account.id,
                actor_id=principal.user_id,
            ))
            uow.commit()
        log_master_change(self._d.audit, principal, "account", "update", account, before=before)
        return account


class DeleteAccount:
    """Delete an account the actor may edit.

    Rule: refused (Conflict, 409) while other records point at it - child accounts, persons,
    opportunities (as customer or competitor), activities, leads converted into it, business cards -
    so no link is left dangling and no history is lost silently; move or delete those first. Its own
    children go with it: staff, 非公開 allow-list, relations, comments (and their likes), likes,
    attachments (files removed after commit), notifications and account-group memberships."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, account_id: UUID, expected_version: int | None = None) -> None:
        ensure_can_write(principal, self._d.audit, "account.delete")
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            account = uow.accounts.get(account_id)
            if account is None:
                raise NotFound("account", account_id)
            ensure_editable(viewer, uow.records.access_chain(RecordType.ACCOUNT, account_id), update_rule(uow),
                            self._d.audit, what="account", key=account_id, action="account.delete")
            if expected_version is not None and account.version != expected_version:
                raise Conflict("取引先は他のユーザに更新されています / the account was changed by someone else",
                               current_version=account.version)
            refs = uow.accounts.references(account_id)
            if refs:
                listed = ", ".join(f"{kind} {n}" for kind, n in sorted(refs.items()))
                raise Conflict(f"この取引先は他のデータから参照されているため削除できません / the account is still "
                               f"referenced ({listed}); move or delete those records first")
            keys = uow.accounts.delete(account_id)
            uow.commit()
        for key in keys:
            self._d.files.delete(principal.tenant_id, key)
        self._d.audit.master_change(entity="account", record_id=account_id, action="delete",
                                    actor=principal.login_id, before=snapshot(account), after=None)
