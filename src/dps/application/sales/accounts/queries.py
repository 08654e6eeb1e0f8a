"""Read accounts: search, view one, and navigate to an account's persons - all through the visibility
rules (an invisible account is not found)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from attrs import frozen

from dps.application.sales.access import ensure_visible, viewer_in, visible_chain
from dps.application.sales.accounts.ports import AccountQuery
from dps.application.sales.accounts.read_models import AccountListItem
from dps.application.sales.deps import SalesDeps
from dps.application.sales.persons.ports import PersonQuery
from dps.application.sales.persons.read_models import PersonListItem
from dps.application.shared.errors import NotFound
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.account_groups import AccountGroup
from dps.domain.sales.accounts import Account
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal


@frozen
class AccountDetail:
    """One account as its page shows it: the aggregate, the groups it belongs to, its parent's name and
    the account of its 承継法人番号 (successor) when the tenant has one the principal can see."""

    account: Account
    groups: Sequence[AccountGroup]
    parent_name: str | None = None
    successor_id: UUID | None = None
    successor_name: str | None = None


class SearchAccounts:
    """Accounts the principal can see matching the query (text on names and kana, owner, staff, 自担当,
    codes, parent, group, custom fields), one keyset page at a time."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, query: AccountQuery, page: PageRequest) -> Page[AccountListItem]:
        with self._d.reading(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            return uow.accounts.search(viewer, query, page)


class GetAccount:
    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, account_id: UUID) -> AccountDetail:
        with self._d.reading(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            account = uow.accounts.get(account_id)
            if account is None:
                raise NotFound("account", account_id)
            ensure_visible(viewer, account.access, "account", account_id)  # an account's chain is its own access
            parent_name = None
            if account.parent_account_id is not None:
                chain = uow.records.access_chain(RecordType.ACCOUNT, account.parent_account_id)
                if chain is not None and visible_chain(viewer, chain):
                    parent_name = uow.records.label_of(RecordType.ACCOUNT, account.parent_account_id)
            successor_id = successor_name = None
            if account.successor_corporate_number is not None:
                found = uow.accounts.id_by_corporate_number(account.successor_corporate_number)
                chain = uow.records.access_chain(RecordType.ACCOUNT, found) if found is not None else None
                if found is not None and chain is not None and visible_chain(viewer, chain):
                    successor_id, successor_name = found, uow.records.label_of(RecordType.ACCOUNT, found)
            return AccountDetail(account=account, groups=uow.account_groups.groups_of(account_id),
                                 parent_name=parent_name, successor_id=successor_id, successor_name=successor_name)


class ListAccountPersons:
    """An account's persons (navigation), visible ones only; NotFound when the account is invisible."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, account_id: UUID, page: PageRequest, q: str | None = None
                 ) -> Page[PersonListItem]:
        with self._d.reading(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            ensure_visible(viewer, uow.records.access_chain(RecordType.ACCOUNT, account_id), "account", account_id)
            return uow.persons.search(viewer, PersonQuery(account_id=account_id, q=q), page)
