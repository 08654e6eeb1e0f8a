"""パーソン screens (persons): list, detail with the business-card history, forms (S4)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.response import Template

from dps.application.catalog.code_lists import ListCodeLists
from dps.application.directory.users import UserIndex
from dps.application.sales.accounts.queries import GetAccount
from dps.application.sales.accounts.record_parts import RecordParts
from dps.application.sales.activities.commands import ActivitiesOfQuery
from dps.application.sales.activities.queries import ListActivitiesOf
from dps.application.sales.collaboration.attachments import ListAttachments
from dps.application.sales.deps import SalesDeps
from dps.application.sales.persons.cards import ListBusinessCards
from dps.application.sales.persons.commands import (
    CreatePerson,
    CreatePersonCommand,
    UpdatePerson,
    UpdatePersonCommand,
)
from dps.application.sales.persons.ports import PersonQuery
from dps.application.sales.persons.queries import GetPerson, PersonDetail, SearchPersons
from dps.application.shared.errors import NotFound
from dps.application.shared.guards import ensure_can_write
from dps.application.shared.paging import PageRequest
from dps.domain.sales.records import RecordType
from dps.domain.shared.ids import UserId
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.ui.accounts_pages import (
    FORM_DEPENDENCIES,
    NAME_ROWS,
    RecordForms,
    empty_page,
    record_part_values,
    related,
)
from dps.entrypoints.http.ui.code_choices import code_labels_of, code_lists_by_key, is_english
from dps.entrypoints.http.ui.forms import FormBody
from dps.entrypoints.http.ui.listing import Pager, query_values
from dps.entrypoints.http.ui.pages import page
from dps.entrypoints.http.ui.query_form import FieldReader
from dps.entrypoints.http.ui.record_cards_pages import record_comments
from dps.entrypoints.http.ui.record_forms import (
    CustomFieldView,
    custom_field_views,
    form_version,
    read_custom_fields,
    read_restriction,
    user_names,
)
from dps.entrypoints.http.ui.records import local_time, not_found_page, record_id

SORTS = ("kana", "name", "updated_at", "created_at")
DEFAULT_SORT = "kana"
TEXT_FIELDS = (
    "last_name", "first_name", "last_name_kana", "first_name_kana", "department", "title", "email", "phone",
    "mobile", "fax", "postal_code", "address", "notes",
)
FLAGS = ("is_retired", "dm_opt_out")
FORM = "persons/form.html"


# -- list ----------------------------------------------------------------------------------------------


@get("/persons", include_in_schema=False, sync_to_thread=True)
def persons_list(
    request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps, user_index: UserIndex,
) -> Template:
    form = FieldReader(request.query_params)
    query = PersonQuery(q=form.text("q"), account_id=form.uuid("account_id"), mine=form.flag("mine"),
                        owner_id=cast(UserId | None, form.uuid("owner_id")))
    pager = Pager.of(request.query_params, sorts=SORTS, default_sort=DEFAULT_SORT)
    found = empty_page() if form.errors else SearchPersons(sales_deps)(principal, query, pager.page_request())
    values = dict(query_values(request.query_params))
    if query.account_id is not None and not values.get("account_id_label") and found.items:
        values["account_id_label"] = found.items[0].account_name or ""  # from すべて表示 on an account
    return page(request, "persons/list.html", context={
        "pager": pager.with_page(found), "values": values, "errors": form.errors,
        "users": user_names(principal, user_index),
    })


# -- detail --------------------------------------------------------------------------------------------


@get("/persons/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def person_page(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists, user_index: UserIndex,
) -> Template:
    with not_found_page():
        person_id = record_id("person", raw_id)
        detail = GetPerson(sales_deps)(principal, person_id)
        cards = ListBusinessCards(sales_deps)(principal, person_id)
    person = detail.person
    activities = ListActivitiesOf(sales_deps)(principal, ActivitiesOfQuery(
        parent_type=RecordType.PERSON, parent_id=person_id, page=related()))
    names: dict[UUID, str] = {}
    if person.relations and detail.account_name is not None:  # colleagues at the same account, one query
        colleagues = SearchPersons(sales_deps)(
            principal, PersonQuery(account_id=person.account_id), PageRequest(limit=NAME_ROWS))
        names = {p.id: p.full_name for p in colleagues.items}
    lists = code_lists_by_key(principal, list_code_lists)
    return page(request, "persons/detail.html", context={
        "record": person, "detail": detail, "cards": cards, "activities": activities,
        "labels": code_labels_of(lists), "users": user_names(principal, user_index), "relation_names": names,
        "local_time": local_time(principal), "me": principal.user_id,
        "custom_fields": custom_field_views(principal, sales_deps, "person", lists, english=is_english(principal)),
        "comments": record_comments(sales_deps, principal, RecordType.PERSON, person_id),
        "attachments": ListAttachments(sales_deps)(principal, RecordType.PERSON, person_id),
    })


# -- forms ---------------------------------------------------------------------------------------------


def _values_of(detail: PersonDetail) -> dict[str, Any]:
    p = detail.person
    values: dict[str, Any] = {name: getattr(p, name) or "" for name in TEXT_FIELDS}
    values |= {flag: getattr(p, flag) for flag in FLAGS}
    values |= {"account_id": str(p.account_id), "account_id_label": detail.account_name or ""}
    return values | record_part_values(p)


def _read_person(form: FieldReader, definitions: Sequence[CustomFieldView]
                 ) -> tuple[dict[str, Any], UUID | None, RecordParts]:
    values: dict[str, Any] = {name: form.raw(name) for name in TEXT_FIELDS}
    values |= {flag: form.flag(flag) for flag in FLAGS}
    form.raw("account_id_label")
    account = form.uuid("account_id")
    if account is None and "account_id" not in form.errors:
        form.errors["account_id"] = "取引先を選んでください / choose the account"
    parts = RecordParts(restriction=read_restriction(form), custom_fields=read_custom_fields(form, definitions))
    return values, account, parts


@get("/persons/new", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def person_new(
    request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps, record_forms: RecordForms,
) -> Template:
    """`?account_id=` (the account page's 新規登録) fills in the account."""
    ensure_can_write(principal, sales_deps.audit, "person.create")
    values: dict[str, Any] = {}
    account_id = FieldReader(request.query_params).uuid("account_id")
    if account_id is not None:
        try:
            account = GetAccount(sales_deps)(principal, account_id).account
            values = {"account_id": str(account.id), "account_id_label": account.name}
        except NotFound:
            values = {}
    return record_forms.render(FORM, "person", values=values, person=None)


@post("/persons/new", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def person_create(
    principal: Principal, data: FormBody, sales_deps: SalesDeps, record_forms: RecordForms,
) -> Response[Any]:
    ensure_can_write(principal, sales_deps.audit, "person.create")
    form = FieldReader(data)
    values, account, parts = _read_person(form, record_forms.definitions("person"))
    return record_forms.save(
        FORM, "person", form,
        lambda: CreatePerson(sales_deps)(principal, CreatePersonCommand(
            account_id=cast(UUID, account), values=values, parts=parts)),
        person=None,
    )


@get("/persons/{raw_id:str}/edit", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def person_edit(principal: Principal, raw_id: str, sales_deps: SalesDeps, record_forms: RecordForms) -> Template:
    with not_found_page():
        detail = GetPerson(sales_deps)(principal, record_id("person", raw_id))
    ensure_can_write(principal, sales_deps.audit, "person.update")
    return record_forms.render(FORM, "person", values=_values_of(detail), person=detail.person)


@post("/persons/{raw_id:str}/edit", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def person_update(
    principal: Principal, raw_id: str, data: FormBody, sales_deps: SalesDeps, record_forms: RecordForms,
) -> Response[Any]:
    with not_found_page():
        person = GetPerson(sales_deps)(principal, record_id("person", raw_id)).person
    ensure_can_write(principal, sales_deps.audit, "person.update")
    form = FieldReader(data)
    values, account, parts = _read_person(form, record_forms.definitions("person"))
    version = form_version(form)
    return record_forms.save(
        FORM, "person", form,
        lambda: UpdatePerson(sales_deps)(principal, UpdatePersonCommand(
            person_id=person.id, expected_version=version, values=values, account_id=cast(UUID, account),
            parts=parts)),
        person=person,
    )


ROUTES = (persons_list, person_new, person_create, person_page, person_edit, person_update)
"""This module's pages, registered in the UI router."""
