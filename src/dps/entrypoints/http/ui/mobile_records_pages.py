"""モバイル / mobile web screens under ``/m`` for records (M2-M5): opportunities (with 案件登録), accounts,
persons and notifications (opening one leads to its record's mobile page, or its PC page). M1 活動 and the
shared helpers are in mobile_pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from attrs import frozen
from litestar import get, post
from litestar.response import Redirect, Template

from dps.application.catalog.code_lists import ListCodeLists
from dps.application.directory.users import UserIndex
from dps.application.sales.accounts.ports import AccountQuery
from dps.application.sales.accounts.queries import GetAccount, ListAccountPersons, SearchAccounts
from dps.application.sales.activities.commands import (
    ActivitiesOfQuery,
)
from dps.application.sales.activities.queries import ListActivitiesOf
from dps.application.sales.activities.read_models import ActivityListItem
from dps.application.sales.collaboration.inbox import ListNotifications, MarkNotificationRead
from dps.application.sales.deps import SalesDeps
from dps.application.sales.opportunities.commands import CreateOpportunityCommand, OpportunityChanges
from dps.application.sales.opportunities.manage import CreateOpportunity
from dps.application.sales.opportunities.queries import GetOpportunity, ListRelatedOpportunities, SearchOpportunities
from dps.application.sales.opportunities.read_models import OpportunitySearch
from dps.application.sales.persons.cards import ListBusinessCards
from dps.application.sales.persons.ports import PersonQuery
from dps.application.sales.persons.queries import GetPerson, SearchPersons
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.opportunities import CERTAINTY_LIST, STAGE_LIST, Opportunity
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.ui.accounts_pages import CLOSED_CHOICES
from dps.entrypoints.http.ui.forms import FormBody, submit
from dps.entrypoints.http.ui.listing import Pager
from dps.entrypoints.http.ui.mobile_pages import (
    LIST_LIMIT,
    REQUIRED,
    Req,
    code_labels_for,
    codes_for,
    pager_of,
    see_other,
)
from dps.entrypoints.http.ui.pages import page
from dps.entrypoints.http.ui.query_form import FieldReader
from dps.entrypoints.http.ui.record_forms import ensure_writer, user_names, visible_or_none
from dps.entrypoints.http.ui.records import not_found_page, record_id

RECENT = 5
MOBILE_PATHS: Mapping[RecordType, str] = {
    RecordType.ACTIVITY: "/m/activities", RecordType.OPPORTUNITY: "/m/opportunities",
    RecordType.ACCOUNT: "/m/accounts", RecordType.PERSON: "/m/persons",
}
"""Records with a mobile page; a notification about another kind opens its PC page."""
PC_PATHS: Mapping[RecordType, str] = {
    RecordType.LEAD: "/leads", RecordType.CAMPAIGN: "/campaigns", RecordType.BUDGET: "/budgets",
}


def _recent() -> PageRequest:
    return PageRequest(limit=RECENT)


# -- M2 案件 -------------------------------------------------------------------------------------

@get("/m/opportunities", include_in_schema=False, sync_to_thread=True)
def mobile_opportunities(
    request: Req, principal: Principal, sales_deps: SalesDeps, list_code_lists: ListCodeLists,
) -> Template:
    form = FieldReader(request.query_params)
    pager = pager_of(request, ("expected_order_date", "expected_amount", "name", "updated_at"), "-expected_order_date")
    search = OpportunitySearch(q=form.text("q"), mine=form.flag("mine"), account_id=form.uuid("account_id"))
    found = Page[Any](items=())
    if not form.errors:
        found = SearchOpportunities(sales_deps)(principal, search, pager.page_request())
    return page(request, "mobile/opportunities.html", context={
        "pager": pager.with_page(found), "values": form.values, "errors": form.errors,
        "labels": code_labels_for(principal, list_code_lists),
    })


def _opportunity_form(
    request: Req, principal: Principal, list_code_lists: ListCodeLists, values: Mapping[str, Any],
    errors: Mapping[str, str], status_code: int = 200,
) -> Template:
    codes = codes_for(principal, list_code_lists)
    return page(request, "mobile/opportunity_form.html", status_code=status_code, context={
        "values": values, "errors": errors, "stages": codes.get(STAGE_LIST, []),
        "certainties": codes.get(CERTAINTY_LIST, []),
    })


@get("/m/opportunities/new", include_in_schema=False, sync_to_thread=True)
def mobile_new_opportunity(
    request: Req, principal: Principal, sales_deps: SalesDeps, list_code_lists: ListCodeLists,
) -> Template:
    ensure_writer(principal)
    account_id = FieldReader(request.query_params).uuid("account_id")
    values: dict[str, Any] = {}
    account = visible_or_none(lambda: GetAccount(sales_deps)(principal, account_id)) if account_id else None
    if account is not None:
        values = {"account_id": str(account_id), "account_id_label": account.account.name}
    return _opportunity_form(request, principal, list_code_lists, values, {})


@post("/m/opportunities/new", include_in_schema=False, sync_to_thread=True)
def mobile_create_opportunity(
    request: Req, principal: Principal, data: FormBody, sales_deps: SalesDeps, list_code_lists: ListCodeLists,
) -> Template | Redirect:
    form = FieldReader(data)
    account_id = form.uuid("account_id")
    form.text("account_id_label")
    if account_id is None and "account_id" not in form.errors:
        form.errors["account_id"] = REQUIRED
    details = OpportunityChanges(
        certainty_code=form.text("certainty_code"), expected_order_date=form.date("expected_order_date"),
        expected_amount=form.decimal("expected_amount"),
    )
    name, stage = form.text("name") or "", form.text("stage_code") or ""

    def create() -> Opportunity:
        assert account_id is not None  # the reader's error stops submit() before
        return CreateOpportunity(sales_deps)(principal, CreateOpportunityCommand(
            name=name, account_id=account_id, stage_code=stage, details=details))

    return submit(
        create,
        on_success=lambda saved: see_other(f"/m/opportunities/{saved.id}"),
        render=lambda errors, _conflict, status: _opportunity_form(
            request, principal, list_code_lists, form.values, errors, status),
        reader=form,
    )


def _activities_of(
    principal: Principal, sales_deps: SalesDeps, parent: RecordType, parent_id: UUID,
) -> Sequence[ActivityListItem]:
    query = ActivitiesOfQuery(parent_type=parent, parent_id=parent_id, page=_recent())
    return ListActivitiesOf(sales_deps)(principal, query).items


@get("/m/opportunities/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def mobile_opportunity(
    request: Req, principal: Principal, raw_id: str, sales_deps: SalesDeps, list_code_lists: ListCodeLists,
) -> Template:
    with not_found_page():
        detail = GetOpportunity(sales_deps)(principal, record_id("opportunity", raw_id))
    o = detail.opportunity
    return page(request, "mobile/opportunity.html", context={
        "record": o, "account_name": detail.account_name,
        "activities": _activities_of(principal, sales_deps, RecordType.OPPORTUNITY, o.id),
        "labels": code_labels_for(principal, list_code_lists),
    })


# -- M3 取引先 / M4 パーソン -------------------------------------------------------------------------

@frozen
class FilterChip:
    """One choice of a one-tap filter row: its label key and the list with it chosen (None: it is chosen)."""

    label_key: str
    href: str | None

    @classmethod
    def closed_row(cls, pager: Pager[Any], closed: bool | None, valid: bool = True) -> list[FilterChip]:
        """The 閉鎖 choices (all / open companies only / closed only) as links that keep the other filters
        and the sort and restart the pager; the chosen one (`closed`, read as the query spells it: ``1``,
        ``on``...) is no link, and none is chosen when the value was not `valid`."""
        chosen = ("" if closed is None else str(closed).lower()) if valid else None
        typed = pager.filter_value("closed")
        return [
            cls(key, None if value == chosen else pager.toggle_link("closed", value or typed))
            for value, key in CLOSED_CHOICES
        ]


@get("/m/accounts", include_in_schema=False, sync_to_thread=True)
def mobile_accounts(request: Req, principal: Principal, sales_deps: SalesDeps) -> Template:
    """The account list: keyword, 自担当 and the 閉鎖 filter (``closed=true|false``) as the PC list has it; a bad
    value is a 400 naming the field."""
    form = FieldReader(request.query_params)
    pager = pager_of(request, ("kana", "name", "updated_at"), "kana")
    query = AccountQuery(q=form.text("q"), mine=form.flag("mine"), closed=form.tristate("closed"))
    found = Page[Any](items=())
    if not form.errors:
        found = SearchAccounts(sales_deps)(principal, query, pager.page_request())
    return page(request, "mobile/accounts.html", status_code=400 if form.errors else 200, context={
        "pager": pager.with_page(found), "values": form.values, "errors": form.errors,
        "closed_chips": FilterChip.closed_row(pager, query.closed, valid="closed" not in form.errors),
    })


@get("/m/accounts/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def mobile_account(
    request: Req, principal: Principal, raw_id: str, sales_deps: SalesDeps, list_code_lists: ListCodeLists,
) -> Template:
    with not_found_page():
        detail = GetAccount(sales_deps)(principal, record_id("account", raw_id))
    account_id = detail.account.id
    return page(request, "mobile/account.html", context={
        "record": detail.account,
        "persons": ListAccountPersons(sales_deps)(principal, account_id, _recent()).items,
        "opportunities": ListRelatedOpportunities(sales_deps, RecordType.ACCOUNT)(
            principal, account_id, OpportunitySearch(), _recent()).items,
        "activities": _activities_of(principal, sales_deps, RecordType.ACCOUNT, account_id),
        "labels": code_labels_for(principal, list_code_lists),
    })


@get("/m/persons", include_in_schema=False, sync_to_thread=True)
def mobile_persons(request: Req, principal: Principal, sales_deps: SalesDeps) -> Template:
    form = FieldReader(request.query_params)
    pager = pager_of(request, ("kana", "name", "updated_at"), "kana")
    query = PersonQuery(q=form.text("q"), mine=form.flag("mine"), account_id=form.uuid("account_id"))
    found = Page[Any](items=())
    if not form.errors:
        found = SearchPersons(sales_deps)(principal, query, pager.page_request())
    return page(request, "mobile/persons.html", context={
        "pager": pager.with_page(found), "values": form.values, "errors": form.errors,
    })


@get("/m/persons/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def mobile_person(
    request: Req, principal: Principal, raw_id: str, sales_deps: SalesDeps, list_code_lists: ListCodeLists,
    user_index: UserIndex,
) -> Template:
    """The person, their business-card history (newest first, as the PC page shows it) and activities."""
    with not_found_page():
        person_id = record_id("person", raw_id)
        detail = GetPerson(sales_deps)(principal, person_id)
        cards = ListBusinessCards(sales_deps)(principal, person_id)
    return page(request, "mobile/person.html", context={
        "record": detail.person, "account_name": detail.account_name, "cards": cards,
        "users": user_names(principal, user_index),
        "activities": _activities_of(principal, sales_deps, RecordType.PERSON, detail.person.id),
        "labels": code_labels_for(principal, list_code_lists),
    })


# -- M5 通知 -------------------------------------------------------------------------------------

@get("/m/notifications", include_in_schema=False, sync_to_thread=True)
def mobile_notifications(request: Req, principal: Principal, sales_deps: SalesDeps) -> Template:
    form = FieldReader(request.query_params)
    pager = pager_of(request, ("created_at",), "-created_at")
    found = ListNotifications(sales_deps)(
        principal, unread_only=form.flag("unread"), request=PageRequest(limit=LIST_LIMIT, cursor=pager.cursor))
    return page(request, "mobile/notifications.html", context={"pager": pager.with_page(found)})


def record_path(record_type: RecordType, record_id_: UUID) -> str:
    """Where a notification about a record leads on the phone (the PC page for kinds without one)."""
    base = MOBILE_PATHS.get(record_type) or PC_PATHS.get(record_type) or "/m/notifications"
    return f"{base}/{record_id_}" if base != "/m/notifications" else base


@post("/m/notifications/{raw_id:str}/open", include_in_schema=False, sync_to_thread=True)
def mobile_open_notification(principal: Principal, raw_id: str, sales_deps: SalesDeps) -> Redirect:
    """Mark the notification read and go to its record."""
    with not_found_page():
        notification = MarkNotificationRead(sales_deps)(principal, record_id("notification", raw_id))
    return Redirect(record_path(notification.record_type, notification.record_id), status_code=303)


ROUTES: tuple[Any, ...] = (
    mobile_opportunities, mobile_new_opportunity, mobile_create_opportunity, mobile_opportunity,
    mobile_accounts, mobile_account, mobile_persons, mobile_person,
    mobile_notifications, mobile_open_notification,
)
"""This module's pages, registered in the UI router."""
