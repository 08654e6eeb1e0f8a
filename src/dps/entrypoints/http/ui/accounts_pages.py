"""取引先 screens (accounts): list, detail, forms (S5).

Also the form parts the パーソン screens share (custom fields, 非公開 allow-list, user names, code lists):
accounts and persons take the same record parts (`RecordParts`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, cast
from uuid import UUID

from attrs import frozen
from litestar import Request, Response, get, post
from litestar.di import Provide
from litestar.response import Redirect, Template

from dps.application.catalog.code_lists import ListCodeLists
from dps.application.catalog.custom_fields import ListCustomFields
from dps.application.directory.groups import ListPublicGroups
from dps.application.directory.organizations import ListOrganizations
from dps.application.directory.users import ListUsers
from dps.application.sales.accounts.commands import (
    CreateAccount,
    CreateAccountCommand,
    UpdateAccount,
    UpdateAccountCommand,
)
from dps.application.sales.accounts.ports import AccountQuery
from dps.application.sales.accounts.queries import AccountDetail, GetAccount, ListAccountPersons, SearchAccounts
from dps.application.sales.accounts.record_parts import RecordParts
from dps.application.sales.activities.commands import ActivitiesOfQuery
from dps.application.sales.activities.queries import ListActivitiesOf
from dps.application.sales.collaboration.attachments import ListAttachments
from dps.application.sales.deps import SalesDeps
from dps.application.sales.opportunities.queries import ListRelatedOpportunities
from dps.application.sales.opportunities.read_models import OpportunitySearch
from dps.application.shared.errors import Conflict
from dps.application.shared.guards import ensure_can_write
from dps.application.shared.paging import Page, PageRequest
from dps.domain.catalog.code_lists import CodeList
from dps.domain.sales.accounts import ACCOUNT_CODE_LISTS
from dps.domain.sales.records import RecordType, SalesRecord
from dps.domain.shared.ids import OrganizationId, PublicGroupId, UserId
from dps.domain.shared.principal import Principal
from dps.domain.visibility.records import Restriction
from dps.entrypoints.http.ui.forms import FormBody, submit
from dps.entrypoints.http.ui.listing import Pager, query_values
from dps.entrypoints.http.ui.pages import page
from dps.entrypoints.http.ui.query_form import FieldReader
from dps.entrypoints.http.ui.record_cards_pages import record_comments
from dps.entrypoints.http.ui.records import local_time, not_found_page, record_id

FORM = "accounts/form.html"
SORTS = ("name", "kana", "updated_at", "created_at")
DEFAULT_SORT = "name"
RELATED_ROWS = 5
NAME_ROWS = 100
"""With relations to name, the account's persons are read once with this many rows (still one query)."""
CUSTOM_FIELD_PREFIX = "cf."
DIGITS = re.compile(r"\D")
TEXT_FIELDS = (
    "name", "kana", "code", "short_name", "corporate_number", "postal_code", "prefecture", "address", "phone",
    "fax", "website", "notes",
)
"""The account's text columns as the form names them (``website`` is the column ``url``, as in the API)."""
ERROR_FIELDS = {"url": "website", "restriction": "is_restricted"}
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
MISSING_VERSION = 0
"""A form without its version is treated as stale (versions start at 1): 409, never a blind overwrite."""


class SavedRecord(Protocol):
    @property
    def id(self) -> UUID: ...


# -- parts shared with the persons screens -----------------------------------------------------------


@frozen
class CustomFieldView:
    """A 拡張項目 as the `_form.html` macro shows it: its choices are the codes of its code list."""

    key: str
    label: str
    kind: str
    required: bool
    choices: tuple[str, ...] = ()


def custom_field_views(
    principal: Principal, deps: SalesDeps, entity: str, code_lists: Sequence[CodeList]
) -> list[CustomFieldView]:
    by_key = {cl.key: cl for cl in code_lists}
    views = []
    for d in ListCustomFields(uow=deps.uow)(principal, entity):
        listed = by_key.get(d.code_list_key or "")
        choices = tuple(v.code for v in listed.active()) if listed is not None else ()
        label = d.label_en if principal.locale.startswith("en") and d.label_en else d.label_ja
        views.append(CustomFieldView(key=d.key, label=label, kind=str(d.kind), required=d.required, choices=choices))
    return views


def labels_of(code_lists: Sequence[CodeList]) -> dict[str, dict[str, str]]:
    """code list key -> code -> 日本語ラベル."""
    return {cl.key: {v.code: v.label_ja for v in cl.values} for cl in code_lists}


def options_of(code_lists: Sequence[CodeList], key: str) -> list[tuple[str, str]]:
    """The active values of a code list as (code, label) options."""
    listed = next((cl for cl in code_lists if cl.key == key), None)
    return [] if listed is None else [(v.code, v.label_ja) for v in listed.active()]


def user_names(principal: Principal, list_users: ListUsers) -> dict[UUID, str]:
    """Every user's name by id, read once per page (owners, staff and allow-lists of any number of rows)."""
    return {u.id: u.name for u in list_users(principal, include_inactive=True)}


def restriction_choices(
    principal: Principal, list_organizations: ListOrganizations, list_public_groups: ListPublicGroups
) -> dict[str, list[tuple[str, str]]]:
    return {
        "organizations": [(str(o.id), o.name) for o in list_organizations(principal)],
        "groups": [(str(g.id), g.name) for g in list_public_groups(principal)],
    }


def read_restriction(form: FieldReader) -> Restriction | None:
    """非公開 and its allow-list; unchecked is public (the lists are still read, to refill the form)."""
    restricted = form.flag("is_restricted")
    users = form.uuids("allowed_user_ids")
    organizations = form.uuids("allowed_organization_ids")
    groups = form.uuids("allowed_group_ids")
    if not restricted:
        return None
    return Restriction(
        users=frozenset(cast(UserId, u) for u in users),
        organizations=frozenset(cast(OrganizationId, o) for o in organizations),
        groups=frozenset(cast(PublicGroupId, g) for g in groups),
    )


def read_custom_fields(form: FieldReader, definitions: Sequence[CustomFieldView]) -> dict[str, Any]:
    """``cf.<key>`` fields; an empty one clears the value on update (and is left out on create)."""
    found: dict[str, Any] = {}
    for d in definitions:
        name = CUSTOM_FIELD_PREFIX + d.key
        if d.kind == "multi_choice":
            found[d.key] = list(form.all(name)) or None
        else:
            found[d.key] = form.raw(name)
    return found


def record_part_values(record: SalesRecord) -> dict[str, Any]:
    """The 非公開 and custom field values of a saved record, as the form names them."""
    restriction = record.restriction
    values: dict[str, Any] = {
        "version": record.version,
        "is_restricted": restriction is not None,
        "allowed_user_ids": [str(u) for u in restriction.users] if restriction else [],
        "allowed_organization_ids": [str(o) for o in restriction.organizations] if restriction else [],
        "allowed_group_ids": [str(g) for g in restriction.groups] if restriction else [],
    }
    for key, value in record.custom_fields.items():
        values[CUSTOM_FIELD_PREFIX + key] = value
    return values


def chosen_users(values: Mapping[str, Any], names: Mapping[UUID, str]) -> list[tuple[str, str]]:
    """The allow-list's users as (id, name) chips."""
    chosen = []
    for raw in values.get("allowed_user_ids") or []:
        try:
            chosen.append((str(raw), names.get(UUID(str(raw)), str(raw))))
        except ValueError:
            continue
    return chosen


def form_errors(errors: Mapping[str, str]) -> dict[str, str]:
    """The use case's field names as the form's (custom fields ``cf.<key>``, ``url`` is ``website``)."""
    shown: dict[str, str] = {}
    for key, message in errors.items():
        if key.startswith("custom_fields."):
            key = CUSTOM_FIELD_PREFIX + key.removeprefix("custom_fields.")
        shown[ERROR_FIELDS.get(key, key)] = message
    return shown


def custom_field_filters(request: Request[Any, Any, Any]) -> dict[str, str]:
    return {
        k.removeprefix(CUSTOM_FIELD_PREFIX): v for k, v in request.query_params.items()
        if k.startswith(CUSTOM_FIELD_PREFIX) and len(k) > len(CUSTOM_FIELD_PREFIX) and v.strip()
    }


def empty_page() -> Page[Any]:
    return Page(items=(), next_cursor=None, total=0)


def related(limit: int = RELATED_ROWS) -> PageRequest:
    """A detail page's related list: the first rows and how many there are."""
    return PageRequest(limit=limit, count=True)


def form_version(form: FieldReader) -> int:
    """The version the form was read at (its hidden field); without one the save is refused as stale."""
    version = form.integer("version")
    return MISSING_VERSION if version is None else version


@frozen
class RecordForms:
    """What the 取引先 and パーソン forms need around their own fields, for one request: code lists
    (picklists), custom fields, the 非公開 allow-list's choices and user names; rendering the form and
    saving through `submit` (303 to the record, 422 / 409 re-rendering what was typed)."""

    request: Request[Any, Any, Any]
    principal: Principal
    deps: SalesDeps
    list_code_lists: ListCodeLists
    list_users: ListUsers
    list_organizations: ListOrganizations
    list_public_groups: ListPublicGroups

    def definitions(self, entity: str) -> list[CustomFieldView]:
        return custom_field_views(self.principal, self.deps, entity, self.list_code_lists(self.principal))

    def render(
        self, template: str, entity: str, *, values: Mapping[str, Any], errors: Mapping[str, str] | None = None,
        conflict: Conflict | None = None, status: int = 200, **extra: Any,
    ) -> Template:
        code_lists = self.list_code_lists(self.principal)
        return page(self.request, template, status_code=status, context={
            "values": values, "errors": form_errors(errors or {}), "conflict": conflict,
            "options": {cl.key: options_of(code_lists, cl.key) for cl in code_lists},
            "custom_fields": custom_field_views(self.principal, self.deps, entity, code_lists),
            "choices": restriction_choices(self.principal, self.list_organizations, self.list_public_groups),
            "chosen_users": chosen_users(values, user_names(self.principal, self.list_users)),
            **extra,
        })

    def save(self, template: str, entity: str, form: FieldReader, action: Callable[[], SavedRecord],
             **extra: Any) -> Response[Any]:
        """Run `action`; on success 303 to the saved record's page (`/<entity>s/<id>`)."""
        return submit(
            action,
            on_success=lambda saved: Redirect(f"/{entity}s/{saved.id}", status_code=303),
            render=lambda errors, conflict, status: self.render(
                template, entity, values=form.values, errors=errors, conflict=conflict, status=status, **extra),
            reader=form,
        )


def provide_record_forms(
    request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps, list_code_lists: ListCodeLists,
    list_users: ListUsers, list_organizations: ListOrganizations, list_public_groups: ListPublicGroups,
) -> RecordForms:
    return RecordForms(request=request, principal=principal, deps=sales_deps, list_code_lists=list_code_lists,
                       list_users=list_users, list_organizations=list_organizations,
                       list_public_groups=list_public_groups)


FORM_DEPENDENCIES = {"record_forms": Provide(provide_record_forms, sync_to_thread=False)}
"""Handler dependencies of the record forms: `record_forms: RecordForms`."""


# -- list ----------------------------------------------------------------------------------------------


def _account_query(request: Request[Any, Any, Any], form: FieldReader) -> AccountQuery:
    number = form.text("corporate_number")
    digits = DIGITS.sub("", number.translate(_FULL_WIDTH)) if number else ""
    return AccountQuery(
        q=form.text("q"), mine=form.flag("mine"), owner_id=cast(UserId | None, form.uuid("owner_id")),
        corporate_number=digits or None,
        account_type_code=form.text("account_type_code"), transaction_status_code=form.text("transaction_status_code"),
        industry_code=form.text("industry_code"), parent_account_id=form.uuid("parent_account_id"),
        custom_fields=custom_field_filters(request),
    )


@get("/accounts", include_in_schema=False, sync_to_thread=True)
def accounts_list(
    request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps, list_code_lists: ListCodeLists,
    list_users: ListUsers,
) -> Template:
    form = FieldReader(request.query_params)
    query = _account_query(request, form)
    pager = Pager.of(request.query_params, sorts=SORTS, default_sort=DEFAULT_SORT)
    found = empty_page() if form.errors else SearchAccounts(sales_deps)(principal, query, pager.page_request())
    code_lists = list_code_lists(principal)
    return page(request, "accounts/list.html", context={
        "pager": pager.with_page(found), "values": query_values(request.query_params), "errors": form.errors,
        "labels": labels_of(code_lists), "users": user_names(principal, list_users),
        "options": {key: options_of(code_lists, key) for key in ACCOUNT_CODE_LISTS.values()},
        "custom_fields": custom_field_views(principal, sales_deps, "account", code_lists),
    })


# -- detail --------------------------------------------------------------------------------------------


@get("/accounts/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def account_page(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists, list_users: ListUsers,
) -> Template:
    with not_found_page():
        account_id = record_id("account", raw_id)
        detail = GetAccount(sales_deps)(principal, account_id)
    persons = ListAccountPersons(sales_deps)(
        principal, account_id, related(NAME_ROWS if detail.account.relations else RELATED_ROWS))
    opportunities = ListRelatedOpportunities(sales_deps, RecordType.ACCOUNT)(
        principal, account_id, OpportunitySearch(), related())
    activities = ListActivitiesOf(sales_deps)(principal, ActivitiesOfQuery(
        parent_type=RecordType.ACCOUNT, parent_id=account_id, page=related()))
    comments = record_comments(sales_deps, principal, RecordType.ACCOUNT, account_id)
    attachments = ListAttachments(sales_deps)(principal, RecordType.ACCOUNT, account_id)
    code_lists = list_code_lists(principal)
    relation_names = {p.id: p.full_name for p in persons.items}
    return page(request, "accounts/detail.html", context={
        "record": detail.account, "detail": detail, "persons": persons, "opportunities": opportunities,
        "activities": activities, "comments": comments, "attachments": attachments,
        "labels": labels_of(code_lists), "users": user_names(principal, list_users),
        "relation_names": relation_names, "local_time": local_time(principal), "me": principal.user_id,
        "custom_fields": custom_field_views(principal, sales_deps, "account", code_lists),
    })


# -- forms ---------------------------------------------------------------------------------------------


def _values_of(detail: AccountDetail) -> dict[str, Any]:
    a = detail.account
    values: dict[str, Any] = {name: getattr(a, "url" if name == "website" else name) or "" for name in TEXT_FIELDS}
    values |= {code: getattr(a, code) or "" for code in ACCOUNT_CODE_LISTS}
    values |= {
        "employees": "" if a.employees is None else str(a.employees),
        "parent_account_id": str(a.parent_account_id) if a.parent_account_id else "",
        "parent_account_id_label": detail.parent_name or "",
    }
    return values | record_part_values(a)


def _read_account(form: FieldReader, definitions: Sequence[CustomFieldView]
                  ) -> tuple[dict[str, Any], UUID | None, RecordParts]:
    values: dict[str, Any] = {"url" if n == "website" else n: form.raw(n) for n in TEXT_FIELDS}
    values |= {code: form.text(code) for code in ACCOUNT_CODE_LISTS}
    values["employees"] = form.integer("employees")
    form.raw("parent_account_id_label")
    parent = form.uuid("parent_account_id")
    parts = RecordParts(restriction=read_restriction(form), custom_fields=read_custom_fields(form, definitions))
    return values, parent, parts


@get("/accounts/new", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def account_new(principal: Principal, sales_deps: SalesDeps, record_forms: RecordForms) -> Template:
    ensure_can_write(principal, sales_deps.audit, "account.create")
    return record_forms.render(FORM, "account", values={}, account=None)


@post("/accounts/new", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def account_create(
    principal: Principal, data: FormBody, sales_deps: SalesDeps, record_forms: RecordForms,
) -> Response[Any]:
    ensure_can_write(principal, sales_deps.audit, "account.create")
    form = FieldReader(data)
    values, parent, parts = _read_account(form, record_forms.definitions("account"))
    return record_forms.save(
        FORM, "account", form,
        lambda: CreateAccount(sales_deps)(principal, CreateAccountCommand(
            values=values, parent_account_id=parent, parts=parts)),
        account=None,
    )


@get("/accounts/{raw_id:str}/edit", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def account_edit(principal: Principal, raw_id: str, sales_deps: SalesDeps, record_forms: RecordForms) -> Template:
    with not_found_page():
        detail = GetAccount(sales_deps)(principal, record_id("account", raw_id))
    ensure_can_write(principal, sales_deps.audit, "account.update")
    return record_forms.render(FORM, "account", values=_values_of(detail), account=detail.account)


@post("/accounts/{raw_id:str}/edit", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def account_update(
    principal: Principal, raw_id: str, data: FormBody, sales_deps: SalesDeps, record_forms: RecordForms,
) -> Response[Any]:
    with not_found_page():
        account = GetAccount(sales_deps)(principal, record_id("account", raw_id)).account
    ensure_can_write(principal, sales_deps.audit, "account.update")
    form = FieldReader(data)
    values, parent, parts = _read_account(form, record_forms.definitions("account"))
    version = form_version(form)
    return record_forms.save(
        FORM, "account", form,
        lambda: UpdateAccount(sales_deps)(principal, UpdateAccountCommand(
            account_id=account.id, expected_version=version, values=values, parent_account_id=parent, parts=parts)),
        account=account,
    )


ROUTES = (accounts_list, account_new, account_create, account_page, account_edit, account_update)
"""This module's pages, registered in the UI router."""
