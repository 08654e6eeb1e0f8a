"""取引先 screens (accounts): list, detail, forms (S5).

Also what the パーソン screens share: accounts and persons take the same record parts (`RecordParts`) and
render their forms through `RecordForms` (the parts themselves are in `record_forms`).
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
from dps.application.directory.users import UserIndex
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
from dps.domain.registry.close_causes import CLOSE_CAUSES, close_cause_label
from dps.domain.sales.accounts import ACCOUNT_CODE_LISTS
from dps.domain.sales.records import RecordType, SalesRecord
from dps.domain.shared.ids import UserId
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.ui.code_choices import (
    all_code_options,
    code_labels_of,
    code_lists_by_key,
    code_options,
    is_english,
)
from dps.entrypoints.http.ui.forms import FormBody, submit
from dps.entrypoints.http.ui.listing import Pager, query_values
from dps.entrypoints.http.ui.messages import Labels
from dps.entrypoints.http.ui.pages import labels_for, page
from dps.entrypoints.http.ui.query_form import FieldReader
from dps.entrypoints.http.ui.record_cards_pages import record_comments
from dps.entrypoints.http.ui.record_forms import FORM_DEPENDENCIES as RECORD_FORM_DEPENDENCIES
from dps.entrypoints.http.ui.record_forms import (
    CustomFieldView,
    FormDeps,
    custom_field_query,
    custom_field_values,
    custom_field_views,
    form_errors,
    form_version,
    read_custom_fields,
    read_restriction,
    restriction_values,
    user_names,
)
from dps.entrypoints.http.ui.records import local_time, not_found_page, record_id

FORM = "accounts/form.html"
SORTS = ("name", "kana", "updated_at", "created_at")
DEFAULT_SORT = "name"
RELATED_ROWS = 5
NAME_ROWS = 100
"""With relations to name, the account's persons are read once with this many rows (still one query)."""
DIGITS = re.compile(r"\D")
TEXT_FIELDS = (
    "name", "kana", "code", "short_name", "corporate_number", "postal_code", "prefecture", "address", "phone",
    "fax", "website", "notes", "en_name", "close_cause", "successor_corporate_number",
)
"""The account's text columns as the form names them (``website`` is the column ``url``, as in the API)."""
ERROR_FIELDS = {"url": "website", "restriction": "is_restricted"}
"""The use case's field names that the form names otherwise."""
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
CLOSE_CAUSE_OPTIONS = tuple((code, f"{code} {close_cause_label(code)}") for code in CLOSE_CAUSES)
"""閉鎖事由 choices of the account form: the NTA's codes with their words (an unknown stored text is added
by the template so that saving keeps it)."""
CLOSED_CHOICES = (("", "acct.closed_all"), ("false", "acct.closed_exclude"), ("true", "acct.closed_only"))
"""The list's 閉鎖 filter: its query values and their labels (empty: no filter)."""


class SavedRecord(Protocol):
    @property
    def id(self) -> UUID: ...


# -- parts shared with the persons screens -----------------------------------------------------------


def record_part_values(record: SalesRecord) -> dict[str, Any]:
    """The version, 非公開 and custom field values of a saved record, as the form names them."""
    return {"version": record.version, **restriction_values(record), **custom_field_values(record)}


def empty_page() -> Page[Any]:
    return Page(items=(), next_cursor=None, total=0)


def related(limit: int = RELATED_ROWS) -> PageRequest:
    """A detail page's related list: the first rows and how many there are."""
    return PageRequest(limit=limit, count=True)


@frozen
class RecordForms:
    """What the 取引先 and パーソン forms need around their own fields, for one request: code lists
    (picklists), custom fields, the 非公開 allow-list's choices and user names; rendering the form and
    saving through `submit` (303 to the record, 422 / 409 re-rendering what was typed)."""

    form: FormDeps

    def definitions(self, entity: str) -> list[CustomFieldView]:
        return self.form.custom_fields(entity, english=is_english(self.form.principal))

    def render(
        self, template: str, entity: str, *, values: Mapping[str, Any], errors: Mapping[str, str] | None = None,
        conflict: Conflict | None = None, status: int = 200, **extra: Any,
    ) -> Template:
        lists = self.form.lists()
        return page(self.form.request, template, status_code=status, context={
            "values": values, "errors": form_errors(errors or {}, ERROR_FIELDS), "conflict": conflict,
            "options": all_code_options(lists),
            "custom_fields": self.form.custom_fields(entity, lists, english=is_english(self.form.principal)),
            **self.form.people().context(values),
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


def provide_record_forms(form_deps: FormDeps) -> RecordForms:
    return RecordForms(form=form_deps)


FORM_DEPENDENCIES = {**RECORD_FORM_DEPENDENCIES, "record_forms": Provide(provide_record_forms, sync_to_thread=False)}
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
        closed=form.tristate("closed"), custom_fields=custom_field_query(request),
    )


def closed_options(labels: Labels) -> list[tuple[str, str]]:
    """The 閉鎖 filter's choices (value, "ja / en"): all, the open companies only, the closed ones only."""
    return [(value, labels.pair(key)) for value, key in CLOSED_CHOICES]


@get("/accounts", include_in_schema=False, sync_to_thread=True)
def accounts_list(
    request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps, list_code_lists: ListCodeLists,
    user_index: UserIndex,
) -> Template:
    form = FieldReader(request.query_params)
    query = _account_query(request, form)
    pager = Pager.of(request.query_params, sorts=SORTS, default_sort=DEFAULT_SORT)
    found = empty_page() if form.errors else SearchAccounts(sales_deps)(principal, query, pager.page_request())
    lists = code_lists_by_key(principal, list_code_lists)
    return page(request, "accounts/list.html", context={
        "pager": pager.with_page(found), "values": query_values(request.query_params), "errors": form.errors,
        "labels": code_labels_of(lists), "users": user_names(principal, user_index),
        "options": {key: code_options(lists, key) for key in ACCOUNT_CODE_LISTS.values()},
        "custom_fields": custom_field_views(principal, sales_deps, "account", lists, english=is_english(principal)),
        "closed_options": closed_options(labels_for(principal)),
    })


# -- detail --------------------------------------------------------------------------------------------


@get("/accounts/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def account_page(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists, user_index: UserIndex,
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
    lists = code_lists_by_key(principal, list_code_lists)
    relation_names = {p.id: p.full_name for p in persons.items}
    return page(request, "accounts/detail.html", context={
        "record": detail.account, "detail": detail, "persons": persons, "opportunities": opportunities,
        "activities": activities, "comments": comments, "attachments": attachments,
        "labels": code_labels_of(lists), "users": user_names(principal, user_index),
        "relation_names": relation_names, "local_time": local_time(principal), "me": principal.user_id,
        "custom_fields": custom_field_views(principal, sales_deps, "account", lists, english=is_english(principal)),
        "close_cause_label": close_cause_label,
    })


# -- forms ---------------------------------------------------------------------------------------------


def _values_of(detail: AccountDetail) -> dict[str, Any]:
    a = detail.account
    values: dict[str, Any] = {name: getattr(a, "url" if name == "website" else name) or "" for name in TEXT_FIELDS}
    values |= {code: getattr(a, code) or "" for code in ACCOUNT_CODE_LISTS}
    values |= {
        "employees": "" if a.employees is None else str(a.employees),
        "closed_on": a.closed_on.isoformat() if a.closed_on else "",
        "parent_account_id": str(a.parent_account_id) if a.parent_account_id else "",
        "parent_account_id_label": detail.parent_name or "",
    }
    return values | record_part_values(a)


def _read_account(form: FieldReader, definitions: Sequence[CustomFieldView]
                  ) -> tuple[dict[str, Any], UUID | None, RecordParts]:
    values: dict[str, Any] = {"url" if n == "website" else n: form.raw(n) for n in TEXT_FIELDS}
    values |= {code: form.text(code) for code in ACCOUNT_CODE_LISTS}
    values["employees"] = form.integer("employees")
    values["closed_on"] = form.date("closed_on")
    form.raw("parent_account_id_label")
    parent = form.uuid("parent_account_id")
    parts = RecordParts(restriction=read_restriction(form), custom_fields=read_custom_fields(form, definitions))
    return values, parent, parts


@get("/accounts/new", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def account_new(principal: Principal, sales_deps: SalesDeps, record_forms: RecordForms) -> Template:
    ensure_can_write(principal, sales_deps.audit, "account.create")
    return record_forms.render(FORM, "account", values={}, account=None, close_causes=CLOSE_CAUSE_OPTIONS)


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
        account=None, close_causes=CLOSE_CAUSE_OPTIONS,
    )


@get("/accounts/{raw_id:str}/edit", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def account_edit(principal: Principal, raw_id: str, sales_deps: SalesDeps, record_forms: RecordForms) -> Template:
    with not_found_page():
        detail = GetAccount(sales_deps)(principal, record_id("account", raw_id))
    ensure_can_write(principal, sales_deps.audit, "account.update")
    return record_forms.render(FORM, "account", values=_values_of(detail), account=detail.account,
                               close_causes=CLOSE_CAUSE_OPTIONS)


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
        account=account, close_causes=CLOSE_CAUSE_OPTIONS,
    )


ROUTES = (accounts_list, account_new, account_create, account_page, account_edit, account_update)
"""This module's pages, registered in the UI router."""
