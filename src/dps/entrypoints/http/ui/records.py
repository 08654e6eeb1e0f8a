"""レコード画面 / record pages: the read-only page behind every sales record's ``url``.

Each handler calls the record's get use case, so visibility is the use case's: a record the user
may not see, an unknown id and a malformed id are all the same 404 page (never a 403).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.response import Template

from dps.application.catalog.code_lists import ListCodeLists
from dps.application.sales.accounts.queries import GetAccount
from dps.application.sales.activities.queries import GetActivity
from dps.application.sales.budgets.queries import GetBudget
from dps.application.sales.campaigns.queries import ViewCampaign
from dps.application.sales.deps import SalesDeps
from dps.application.sales.leads.queries import ViewLead
from dps.application.sales.opportunities.queries import GetOpportunity
from dps.application.sales.persons.cards import ListBusinessCards
from dps.application.sales.persons.queries import GetPerson
from dps.application.shared.errors import NotFound
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.ui.pages import page

DEFAULT_TIME_ZONE = "Asia/Tokyo"
ACTIVITY_STATUS_LABELS = {"planned": "予定 / Planned", "done": "実績 / Done", "cancelled": "中止 / Cancelled"}


@contextmanager
def not_found_page() -> Iterator[None]:
    """The use case's NotFound as the standard 404 page ("ページが見つかりません"), the id not echoed."""
    try:
        yield
    except NotFound:
        raise NotFoundException() from None


def record_id(kind: str, raw: str) -> UUID:
    """The id in the path; anything that is not a UUID is simply a record that does not exist (404)."""
    try:
        return UUID(raw)
    except ValueError:
        raise NotFound(kind, raw) from None


def local_time(principal: Principal) -> Callable[[datetime | None], str]:
    """A formatter showing instants in the user's time zone (the tenant default when it is unknown)."""
    try:
        zone = ZoneInfo(principal.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(DEFAULT_TIME_ZONE)

    def fmt(moment: datetime | None) -> str:
        if moment is None:
            return ""
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    return fmt


def code_labels(principal: Principal, list_code_lists: ListCodeLists) -> dict[str, dict[str, str]]:
    """code list key -> code -> 日本語ラベル, for showing codes by their label."""
    return {cl.key: {v.code: v.label_ja for v in cl.values} for cl in list_code_lists(principal)}


def record_page(
    request: Request[Any, Any, Any],
    principal: Principal,
    list_code_lists: ListCodeLists,
    template: str,
    context: Mapping[str, Any],
) -> Template:
    """A record template with what every record page needs: code labels, the local-time formatter, who I am."""
    return page(request, f"records/{template}", context={
        "labels": code_labels(principal, list_code_lists),
        "local_time": local_time(principal),
        "me": principal.user_id,
        **context,
    })


@get("/accounts/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def account_page(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists,
) -> Template:
    with not_found_page():
        detail = GetAccount(sales_deps)(principal, record_id("account", raw_id))
    return record_page(request, principal, list_code_lists, "account.html", {
        "record": detail.account, "detail": detail,
    })


@get("/persons/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def person_page(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists,
) -> Template:
    with not_found_page():
        person_id = record_id("person", raw_id)
        detail = GetPerson(sales_deps)(principal, person_id)
        cards = ListBusinessCards(sales_deps)(principal, person_id)
    return record_page(request, principal, list_code_lists, "person.html", {
        "record": detail.person, "detail": detail, "cards": cards,
    })


@get("/opportunities/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def opportunity_page(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists,
) -> Template:
    with not_found_page():
        detail = GetOpportunity(sales_deps)(principal, record_id("opportunity", raw_id))
    return record_page(request, principal, list_code_lists, "opportunity.html", {
        "record": detail.opportunity, "detail": detail,
    })


@get("/activities/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def activity_page(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists,
) -> Template:
    with not_found_page():
        activity = GetActivity(sales_deps)(principal, record_id("activity", raw_id))
    return record_page(request, principal, list_code_lists, "activity.html", {
        "record": activity, "status_label": ACTIVITY_STATUS_LABELS.get(activity.status.value, activity.status.value),
    })


@get("/leads/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def lead_page(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists,
) -> Template:
    with not_found_page():
        detail = ViewLead(sales_deps)(principal, record_id("lead", raw_id))
    return record_page(request, principal, list_code_lists, "lead.html", {"record": detail.lead, "detail": detail})


@get("/campaigns/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def campaign_page(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists,
) -> Template:
    with not_found_page():
        detail = ViewCampaign(sales_deps)(principal, record_id("campaign", raw_id))
    return record_page(request, principal, list_code_lists, "campaign.html", {
        "record": detail.campaign, "detail": detail,
    })


@get("/budgets/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def budget_page(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists,
) -> Template:
    with not_found_page():
        view = GetBudget(sales_deps)(principal, record_id("budget", raw_id))
    return record_page(request, principal, list_code_lists, "budget.html", {
        "record": view.budget, "target": view.target,
    })


ROUTES = (account_page, person_page, opportunity_page, activity_page, lead_page, campaign_page, budget_page)
"""The record pages, registered in the UI router."""
