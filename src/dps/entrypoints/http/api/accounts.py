"""JSON API: 取引先 accounts - search, register, view, change (PATCH with ``expected_version``), delete,
an account's persons (navigation) - and 取引先汎用グループ account groups with their members.

An account the caller cannot see is 404 everywhere. Deleting an account that persons, opportunities,
activities, leads, business cards or child accounts still point at is refused with 409 and the list
of what refers to it. A 法人番号 with a bad check digit is 422 (field ``corporate_number``); one already
used in the tenant is 409.
"""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

import msgspec
from litestar import Request, delete, get, patch, post
from litestar.params import Parameter
from litestar.types import ControllerRouterHandler

from dps.application.sales.accounts.commands import (
    CreateAccount,
    CreateAccountCommand,
    DeleteAccount,
    UpdateAccount,
    UpdateAccountCommand,
)
from dps.application.sales.accounts.groups import (
    AccountGroupSummary,
    ChangeGroupMembership,
    CreateAccountGroup,
    CreateAccountGroupCommand,
    DeleteAccountGroup,
    ListAccountGroups,
    ListGroupAccounts,
    RenameAccountGroup,
    RenameAccountGroupCommand,
)
from dps.application.sales.accounts.ports import AccountQuery
from dps.application.sales.accounts.queries import AccountDetail, GetAccount, ListAccountPersons, SearchAccounts
from dps.application.sales.accounts.read_models import AccountListItem
from dps.application.sales.accounts.record_parts import UNSET
from dps.application.sales.deps import SalesDeps
from dps.application.shared.paging import Page
from dps.domain.registry.close_causes import close_cause_label
from dps.domain.sales.account_groups import AccountGroup
from dps.domain.sales.accounts import Account
from dps.domain.shared.ids import UserId
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.api.accounts_schemas import (
    AccountGroupIn,
    AccountGroupOut,
    AccountGroupPatchIn,
    AccountIn,
    AccountItemOut,
    AccountOut,
    AccountPageOut,
    AccountPatchIn,
    GroupMemberIn,
    GroupRefOut,
    MembershipOut,
)
from dps.entrypoints.http.api.persons import person_page_out
from dps.entrypoints.http.api.persons_schemas import PersonPageOut
from dps.entrypoints.http.api.record_input import custom_field_filters, record_parts, record_parts_patch
from dps.entrypoints.http.api.record_output import item_fields, record_fields
from dps.entrypoints.http.api.sales_common import (
    page_request,
    relations_out,
)

SORT_DOC = "name (default), kana, updated_at or created_at; '-' in front for descending"
CLOSED_DOC = ("閉鎖: true = only the accounts the registry closed (closed_on set), false = only the open ones; "
              "absent = both")
Unset = msgspec.UnsetType


_COLUMNS = (
    "name", "kana", "code", "short_name", "corporate_number", "postal_code", "prefecture", "address", "phone",
    "fax", "website", "industry_code", "size_code", "account_type_code", "transaction_status_code", "employees",
    "notes", "en_name", "closed_on", "close_cause", "successor_corporate_number",
)


def account_url(account_id: UUID) -> str:
    return f"/accounts/{account_id}"


def _status_fields(a: Account | AccountListItem) -> dict[str, Any]:
    """英語名 and the registry status (閉鎖日, 閉鎖事由 with its label, 承継法人番号)."""
    return {
        "en_name": a.en_name, "closed_on": a.closed_on, "close_cause": a.close_cause,
        "close_cause_label": close_cause_label(a.close_cause) if a.close_cause else None,
        "successor_corporate_number": a.successor_corporate_number,
    }


def account_out(a: Account, *, detail: AccountDetail | None = None) -> AccountOut:
    return AccountOut(
        **record_fields(a), id=a.id, url=account_url(a.id), name=a.name, kana=a.kana, code=a.code,
        short_name=a.short_name, corporate_number=a.corporate_number, postal_code=a.postal_code,
        prefecture=a.prefecture, address=a.address, phone=a.phone, fax=a.fax, website=a.url,
        industry_code=a.industry_code, size_code=a.size_code, account_type_code=a.account_type_code,
        transaction_status_code=a.transaction_status_code, employees=a.employees, notes=a.notes,
        **_status_fields(a),
        parent_account_id=a.parent_account_id, parent_name=detail.parent_name if detail else None,
        successor_account_id=detail.successor_id if detail else None,
        is_restricted=a.is_restricted, relations=relations_out(a.relations),
        groups=[GroupRefOut(id=g.id, code=g.code, name=g.name) for g in detail.groups] if detail else None,
    )


def account_item_out(i: AccountListItem) -> AccountItemOut:
    return AccountItemOut(
        **item_fields(i), id=i.id, url=account_url(i.id), name=i.name, kana=i.kana, code=i.code,
        short_name=i.short_name, corporate_number=i.corporate_number, postal_code=i.postal_code,
        prefecture=i.prefecture, address=i.address, phone=i.phone, fax=i.fax, website=i.website,
        industry_code=i.industry_code, size_code=i.size_code, account_type_code=i.account_type_code,
        transaction_status_code=i.transaction_status_code, employees=i.employees, notes=i.notes,
        **_status_fields(i), parent_account_id=i.parent_account_id,
    )


def account_page_out(page: Page[AccountListItem]) -> AccountPageOut:
    return AccountPageOut(items=[account_item_out(i) for i in page.items], next_cursor=page.next_cursor)


def _group_out(g: AccountGroup, count: int | None = None) -> AccountGroupOut:
    return AccountGroupOut(id=g.id, code=g.code, name=g.name, description=g.description, version=g.version,
                           member_count=count)


def _values(data: AccountIn | AccountPatchIn) -> dict[str, Any]:
    """The account columns sent (``website`` is the column ``url``: ``url`` is the record's page link)."""
    return {
        "url" if name == "website" else name: value
        for name in _COLUMNS if (value := getattr(data, name)) is not msgspec.UNSET
    }


def _query(request: Request[Any, Any, Any], **filters: Any) -> AccountQuery:
    for key in ("owner_id", "staff_id"):
        filters[key] = cast(UserId | None, filters[key])
    return AccountQuery(custom_fields=custom_field_filters(request), **filters)


@get("/accounts", summary="Accounts (取引先) matching the filters, a page at a time", sync_to_thread=True)
def list_accounts_handler(
    request: Request[Any, Any, Any],
    principal: Principal,
    sales_deps: SalesDeps,
    q: str | None = Parameter(query="q", default=None, description="words in the name, kana, short name or code"),
    owner_id: UUID | None = Parameter(query="owner_id", default=None),
    staff_id: UUID | None = Parameter(query="staff_id", default=None),
    mine: bool = Parameter(query="mine", default=False, description="自担当: mine and my organisations'"),
    account_type_code: str | None = Parameter(query="account_type_code", default=None),
    transaction_status_code: str | None = Parameter(query="transaction_status_code", default=None),
    industry_code: str | None = Parameter(query="industry_code", default=None),
    parent_account_id: UUID | None = Parameter(query="parent_account_id", default=None),
    group_id: UUID | None = Parameter(query="group_id", default=None, description="member of this account group"),
    closed: bool | None = Parameter(query="closed", default=None, description=CLOSED_DOC),
    sort: str | None = Parameter(query="sort", default=None, description=SORT_DOC),
    limit: int = Parameter(query="limit", default=50, description="1-200"),
    cursor: str | None = Parameter(query="cursor", default=None, description="next_cursor of the previous page"),
) -> AccountPageOut:
    """Custom fields filter as ``cf.<key>=<value>``."""
    query = _query(request, q=q, owner_id=owner_id, staff_id=staff_id, mine=mine,
                   account_type_code=account_type_code, transaction_status_code=transaction_status_code,
                   industry_code=industry_code, parent_account_id=parent_account_id, group_id=group_id,
                   closed=closed)
    return account_page_out(SearchAccounts(sales_deps)(principal, query, page_request(limit, cursor, sort)))


@post("/accounts", summary="Register an account", status_code=201, sync_to_thread=True)
def create_account_handler(principal: Principal, data: AccountIn, sales_deps: SalesDeps) -> AccountOut:
    parts = record_parts(data)
    cmd = CreateAccountCommand(values=_values(data), parent_account_id=data.parent_account_id, parts=parts)
    account = CreateAccount(sales_deps)(principal, cmd)
    return account_out(account, detail=GetAccount(sales_deps)(principal, account.id))


@get("/accounts/{account_id:uuid}", summary="One account", sync_to_thread=True)
def get_account_handler(principal: Principal, account_id: UUID, sales_deps: SalesDeps) -> AccountOut:
    detail = GetAccount(sales_deps)(principal, account_id)
    return account_out(detail.account, detail=detail)


@patch("/accounts/{account_id:uuid}", summary="Change an account (the fields sent)", sync_to_thread=True)
def update_account_handler(
    principal: Principal, account_id: UUID, data: AccountPatchIn, sales_deps: SalesDeps
) -> AccountOut:
    parts = record_parts_patch(data)
    cmd = UpdateAccountCommand(
        account_id=account_id, expected_version=data.expected_version, values=_values(data),
        parent_account_id=UNSET if data.parent_account_id is msgspec.UNSET else data.parent_account_id,
        parts=parts,
    )
    UpdateAccount(sales_deps)(principal, cmd)
    detail = GetAccount(sales_deps)(principal, account_id)
    return account_out(detail.account, detail=detail)


@delete("/accounts/{account_id:uuid}", summary="Delete an account (refused with 409 while others refer to it)",
        status_code=204, sync_to_thread=True)
def delete_account_handler(
    principal: Principal, account_id: UUID, sales_deps: SalesDeps,
    expected_version: int | None = Parameter(query="expected_version", default=None,
                                             description="refuse (409) if the account changed since"),
) -> None:
    DeleteAccount(sales_deps)(principal, account_id, expected_version)


@get("/accounts/{account_id:uuid}/persons", summary="The account's persons (パーソン), a page at a time",
     sync_to_thread=True)
def account_persons_handler(
    principal: Principal, account_id: UUID, sales_deps: SalesDeps,
    q: str | None = Parameter(query="q", default=None, description="words in the name, kana or e-mail"),
    sort: str | None = Parameter(query="sort", default=None, description="kana (default), name, updated_at"),
    limit: int = Parameter(query="limit", default=50, description="1-200"),
    cursor: str | None = Parameter(query="cursor", default=None),
) -> PersonPageOut:
    page = ListAccountPersons(sales_deps)(principal, account_id, page_request(limit, cursor, sort), q)
    return person_page_out(page)


@get("/account-groups", summary="Account groups (取引先汎用グループ) with their member counts", sync_to_thread=True)
def list_account_groups_handler(principal: Principal, sales_deps: SalesDeps) -> list[AccountGroupOut]:
    summaries: list[AccountGroupSummary] = list(ListAccountGroups(sales_deps)(principal))
    return [_group_out(s.group, s.member_count) for s in summaries]


@post("/account-groups", summary="Create an account group", status_code=201, sync_to_thread=True)
def create_account_group_handler(principal: Principal, data: AccountGroupIn, sales_deps: SalesDeps
                                 ) -> AccountGroupOut:
    cmd = CreateAccountGroupCommand(code=data.code, name=data.name, description=data.description)
    return _group_out(CreateAccountGroup(sales_deps)(principal, cmd), 0)


@patch("/account-groups/{group_id:uuid}", summary="Rename an account group", sync_to_thread=True)
def rename_account_group_handler(
    principal: Principal, group_id: UUID, data: AccountGroupPatchIn, sales_deps: SalesDeps
) -> AccountGroupOut:
    cmd = RenameAccountGroupCommand(group_id=group_id, expected_version=data.expected_version, name=data.name,
                                    description=data.description)
    return _group_out(RenameAccountGroup(sales_deps)(principal, cmd))


@delete("/account-groups/{group_id:uuid}", summary="Delete an account group (the accounts stay)", status_code=204,
        sync_to_thread=True)
def delete_account_group_handler(principal: Principal, group_id: UUID, sales_deps: SalesDeps) -> None:
    DeleteAccountGroup(sales_deps)(principal, group_id)


@get("/account-groups/{group_id:uuid}/accounts", summary="The group's accounts the caller can see",
     sync_to_thread=True)
def group_accounts_handler(
    principal: Principal, group_id: UUID, sales_deps: SalesDeps,
    q: str | None = Parameter(query="q", default=None),
    sort: str | None = Parameter(query="sort", default=None, description=SORT_DOC),
    limit: int = Parameter(query="limit", default=50, description="1-200"),
    cursor: str | None = Parameter(query="cursor", default=None),
) -> AccountPageOut:
    page = ListGroupAccounts(sales_deps)(principal, group_id, page_request(limit, cursor, sort), AccountQuery(q=q))
    return account_page_out(page)


@post("/account-groups/{group_id:uuid}/accounts", summary="Add an account to the group", status_code=200,
      sync_to_thread=True)
def add_group_member_handler(principal: Principal, group_id: UUID, data: GroupMemberIn, sales_deps: SalesDeps
                             ) -> MembershipOut:
    return MembershipOut(changed=ChangeGroupMembership(sales_deps, adding=True)(principal, group_id, data.account_id))


@delete("/account-groups/{group_id:uuid}/accounts/{account_id:uuid}", summary="Remove an account from the group",
        status_code=204, sync_to_thread=True)
def remove_group_member_handler(principal: Principal, group_id: UUID, account_id: UUID, sales_deps: SalesDeps
                                ) -> None:
    ChangeGroupMembership(sales_deps, adding=False)(principal, group_id, account_id)


ROUTES: list[ControllerRouterHandler] = [
    list_accounts_handler, create_account_handler, get_account_handler, update_account_handler,
    delete_account_handler, account_persons_handler,
    list_account_groups_handler, create_account_group_handler, rename_account_group_handler,
    delete_account_group_handler, group_accounts_handler, add_group_member_handler, remove_group_member_handler,
]
"""The handlers of this module, mounted under /api/v1 by the app factory."""
