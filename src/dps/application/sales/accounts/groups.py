"""取引先汎用グループ: create, list, rename and delete account groups; add and remove member accounts;
list a group's accounts (visible ones only). Changes need a full licence; a group itself holds no
confidential data (its name), so every user may list groups."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from attrs import frozen

from dps.application.sales.access import ensure_visible, viewer_in
from dps.application.sales.accounts.ports import AccountQuery
from dps.application.sales.accounts.read_models import AccountListItem
from dps.application.sales.deps import SalesDeps
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.audit import log_master_change
from dps.application.shared.errors import Conflict, NotFound, domain_rules
from dps.application.shared.guards import ensure_can_write
from dps.application.shared.paging import Page, PageRequest
from dps.application.shared.snapshots import snapshot
from dps.domain.sales.account_groups import AccountGroup
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal


@frozen
class CreateAccountGroupCommand:
    code: str
    name: str
    description: str = ""


@frozen
class RenameAccountGroupCommand:
    group_id: UUID
    expected_version: int
    name: str
    description: str | None = None


@frozen
class AccountGroupSummary:
    group: AccountGroup
    member_count: int


def _group(uow: SalesUnitOfWork, group_id: UUID) -> AccountGroup:
    group = uow.account_groups.get(group_id)
    if group is None:
        raise NotFound("account group", group_id)
    return group


class CreateAccountGroup:
    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: CreateAccountGroupCommand) -> AccountGroup:
        ensure_can_write(principal, self._d.audit, "account_group.create")
        with domain_rules():
            group = AccountGroup(id=self._d.ids.new_id(), code=cmd.code, name=cmd.name, description=cmd.description,
                                 created_at=self._d.clock.now())
        with self._d.uow(principal.tenant_id) as uow:
            uow.account_groups.add(group)
            uow.commit()
        log_master_change(self._d.audit, principal, "account_group", "create", group)
        return group


class ListAccountGroups:
    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal) -> Sequence[AccountGroupSummary]:
        with self._d.uow(principal.tenant_id) as uow:
            counts = uow.account_groups.member_counts()
            return [AccountGroupSummary(g, counts.get(g.id, 0)) for g in uow.account_groups.list()]


class RenameAccountGroup:
    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: RenameAccountGroupCommand) -> AccountGroup:
        ensure_can_write(principal, self._d.audit, "account_group.update")
        with self._d.uow(principal.tenant_id) as uow:
            group = _group(uow, cmd.group_id)
            if group.version != cmd.expected_version:
                raise Conflict("the account group was changed by someone else", current_version=group.version)
            before = snapshot(group)
            with domain_rules():
                group.rename(cmd.name, cmd.description)
            uow.account_groups.update(group, cmd.expected_version)
            uow.commit()
        log_master_change(self._d.audit, principal, "account_group", "update", group, before=before)
        return group


class DeleteAccountGroup:
    """Deletes the group and its memberships; the accounts stay."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, group_id: UUID) -> None:
        ensure_can_write(principal, self._d.audit, "account_group.delete")
        with self._d.uow(principal.tenant_id) as uow:
            group = _group(uow, group_id)
            uow.account_groups.delete(group_id)
            uow.commit()
        self._d.audit.master_change(entity="account_group", record_id=group_id, action="delete",
                                    actor=principal.login_id, before=snapshot(group), after=None)


class ChangeGroupMembership:
    """Add (`adding=True`) or remove an account the actor can see; returns whether anything changed."""

    def __init__(self, deps: SalesDeps, *, adding: bool) -> None:
        self._d = deps
        self._adding = adding

    def __call__(self, principal: Principal, group_id: UUID, account_id: UUID) -> bool:
        action = "account_group.add_member" if self._adding else "account_group.remove_member"
        ensure_can_write(principal, self._d.audit, action)
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            _group(uow, group_id)
            ensure_visible(viewer, uow.records.access_chain(RecordType.ACCOUNT, account_id), "account", account_id)
            repo = uow.account_groups
            changed = repo.add_member(group_id, account_id) if self._adding else repo.remove_member(group_id,
                                                                                                  account_id)
            uow.commit()
        if changed:
            self._d.audit.master_change(
                entity="account_group", record_id=group_id, action=action, actor=principal.login_id,
                before=None, after={"account_id": str(account_id)},
            )
        return changed


class ListGroupAccounts:
    """The group's member accounts that the principal can see."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, group_id: UUID, page: PageRequest, query: AccountQuery | None = None
                 ) -> Page[AccountListItem]:
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            _group(uow, group_id)
            base = query or AccountQuery()
            return uow.accounts.search(viewer, AccountQuery(
                q=base.q, owner_id=base.owner_id, staff_id=base.staff_id, mine=base.mine,
                account_type_code=base.account_type_code, transaction_status_code=base.transaction_status_code,
                industry_code=base.industry_code, parent_account_id=base.parent_account_id, group_id=group_id,
                custom_fields=base.custom_fields), page)
