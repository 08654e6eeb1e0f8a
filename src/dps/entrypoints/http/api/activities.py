"""JSON API: 活動 activities - search, register, view, change (PATCH with ``expected_version``),
delete, copy; and the activities of an account, opportunity, campaign or person (navigation).

Registering an actual activity (``status: "done"``) may move its opportunity on in the same
transaction (the mobile 活動報告 screen)::

    {"status": "done", "kind_code": "visit", "subject": "提案", "starts_at": "2026-11-25T10:00:00+09:00",
     "opportunity_id": "...", "opportunity_update": {"stage_code": "30", "certainty_code": "B",
     "expected_amount": "1200000", "expected_version": 3}}

A stale opportunity version is 409 and saves nothing. An activity linked to a 非公開 opportunity is
seen only by those who see the opportunity; an activity the caller cannot see is 404.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast
from uuid import UUID

import msgspec
from attrs import frozen
from litestar import Request, delete, get, patch, post
from litestar.di import Provide
from litestar.params import Parameter
from litestar.types import ControllerRouterHandler

from dps.application.sales.activities.change import DeleteActivity, UpdateActivity
from dps.application.sales.activities.commands import (
    UNSET,
    ActivitiesOfQuery,
    CopyActivityCommand,
    CreateActivityCommand,
    DeleteActivityCommand,
    OpportunityProgress,
    SearchActivitiesQuery,
    UpdateActivityCommand,
)
from dps.application.sales.activities.ports import ActivitySearch
from dps.application.sales.activities.queries import GetActivity, ListActivitiesOf, SearchActivities
from dps.application.sales.activities.read_models import ActivityListItem
from dps.application.sales.activities.register import CopyActivity, CreateActivity
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import domain_rules
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.activities import Activity, parse_status
from dps.domain.sales.records import RecordType
from dps.domain.shared.ids import UserId
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.api.activities_schemas import (
    ActivityCopyIn,
    ActivityIn,
    ActivityItemOut,
    ActivityOut,
    ActivityPageOut,
    ActivityPatchIn,
    OpportunityUpdateIn,
)
from dps.entrypoints.http.api.record_input import custom_field_pairs
from dps.entrypoints.http.api.record_output import item_fields, record_fields
from dps.entrypoints.http.api.sales_common import (
    page_request,
    restriction_of,
    staff_of,
)

SORT_DOC = "activity_date (default -activity_date) or updated_at; '-' for descending"


def activity_url(activity_id: UUID) -> str:
    return f"/activities/{activity_id}"


def activity_item_out(i: ActivityListItem) -> ActivityItemOut:
    return ActivityItemOut(
        **item_fields(i), id=i.id, url=activity_url(i.id), status=i.status.value, kind_code=i.kind_code,
        subject=i.subject, activity_date=i.activity_date, starts_at=i.starts_at, ends_at=i.ends_at,
        purpose_code=i.purpose_code, result_code=i.result_code, content=i.content, next_action=i.next_action,
        next_action_on=i.next_action_on, account_id=i.account_id, opportunity_id=i.opportunity_id,
        campaign_id=i.campaign_id, lead_id=i.lead_id,
    )


def activity_out(a: Activity, *, opportunity_version: int | None = None) -> ActivityOut:
    return ActivityOut(
        **record_fields(a), id=a.id, url=activity_url(a.id), status=a.status.value, kind_code=a.kind_code,
        subject=a.subject, activity_date=a.activity_date, starts_at=a.starts_at, ends_at=a.ends_at,
        purpose_code=a.purpose_code, result_code=a.result_code, content=a.content, next_action=a.next_action,
        next_action_on=a.next_action_on, account_id=a.account_id, opportunity_id=a.opportunity_id,
        campaign_id=a.campaign_id, lead_id=a.lead_id, person_ids=list(a.person_ids), attendee_ids=list(a.attendee_ids),
        is_restricted=a.is_restricted, opportunity_version=opportunity_version,
    )


def _page_out(page: Page[ActivityListItem]) -> ActivityPageOut:
    return ActivityPageOut(items=[activity_item_out(i) for i in page.items], next_cursor=page.next_cursor)


def _progress(data: OpportunityUpdateIn | None) -> OpportunityProgress | None:
    if data is None:
        return None
    amount = data.expected_amount
    return OpportunityProgress(
        expected_version=data.expected_version, stage_code=data.stage_code, certainty_code=data.certainty_code,
        expected_order_date=data.expected_order_date,
        expected_amount=str(amount) if isinstance(amount, float) else amount, lost_reason=data.lost_reason,
    )


def _users(ids: list[UUID]) -> tuple[UserId, ...]:
    return tuple(cast(UserId, u) for u in ids)


def _given(value: Any) -> Any:
    """msgspec's 'not sent' becomes the use case's UNSET."""
    return UNSET if value is msgspec.UNSET else value


def _search(
    request: Request[Any, Any, Any], *, q: str | None, status: list[str] | None, kind_code: list[str] | None,
    date_from: date | None, date_to: date | None, owner_id: UUID | None, staff_id: UUID | None, mine: bool,
    include_sub_orgs: bool = True, **links: UUID | None,
) -> ActivitySearch:
    with domain_rules():
        statuses = tuple(parse_status(s) for s in status or ())
    custom = tuple(sorted(custom_field_pairs(request)))
    return ActivitySearch(
        q=q or "", statuses=statuses, kind_codes=tuple(kind_code or ()), date_from=date_from, date_to=date_to,
        owner_id=cast(UserId | None, owner_id), staff_id=cast(UserId | None, staff_id), mine=mine,
        custom_fields=custom, include_sub_orgs=include_sub_orgs, **links,
    )


@get("/activities", summary="Activities (活動) matching the filters, a page at a time", sync_to_thread=True)
def list_activities_handler(
    request: Request[Any, Any, Any],
    principal: Principal,
    sales_deps: SalesDeps,
    q: str | None = Parameter(query="q", default=None, description="words in the subject or content"),
    status: list[str] | None = Parameter(query="status", default=None, description="planned, done, cancelled"),
    kind_code: list[str] | None = Parameter(query="kind_code", default=None, description="activity_kind codes"),
    date_from: date | None = Parameter(query="date_from", default=None, description="activity date from (incl.)"),
    date_to: date | None = Parameter(query="date_to", default=None, description="activity date to (incl.)"),
    owner_id: UUID | None = Parameter(query="owner_id", default=None),
    staff_id: UUID | None = Parameter(query="staff_id", default=None),
    mine: bool = Parameter(query="mine", default=False, description="自担当: mine and my organisations'"),
    account_id: UUID | None = Parameter(query="account_id", default=None),
    opportunity_id: UUID | None = Parameter(query="opportunity_id", default=None),
    campaign_id: UUID | None = Parameter(query="campaign_id", default=None),
    lead_id: UUID | None = Parameter(query="lead_id", default=None),
    person_id: UUID | None = Parameter(query="person_id", default=None, description="a person met"),
    organization_id: UUID | None = Parameter(query="organization_id", default=None,
                                             description="the owner's organisation (stamped at owner assignment)"),
    include_sub_orgs: bool = Parameter(query="include_sub_orgs", default=True,
                                       description="with organization_id: also its sub-organisations (default)"),
    sort: str | None = Parameter(query="sort", default=None, description=SORT_DOC),
    limit: int = Parameter(query="limit", default=50, description="1-200"),
    cursor: str | None = Parameter(query="cursor", default=None, description="next_cursor of the previous page"),
) -> ActivityPageOut:
    """Custom fields filter as ``cf.<key>=<value>``."""
    search = _search(
        request, q=q, status=status, kind_code=kind_code, date_from=date_from, date_to=date_to, owner_id=owner_id,
        staff_id=staff_id, mine=mine, account_id=account_id, opportunity_id=opportunity_id,
        campaign_id=campaign_id, lead_id=lead_id, person_id=person_id, organization_id=organization_id,
        include_sub_orgs=include_sub_orgs,
    )
    query = SearchActivitiesQuery(search=search, page=page_request(limit, cursor, sort))
    return _page_out(SearchActivities(sales_deps)(principal, query))


@post("/activities", summary="Register an activity (plan or actual; an actual may move its opportunity on)",
      status_code=201, sync_to_thread=True)
def create_activity_handler(principal: Principal, data: ActivityIn, sales_deps: SalesDeps) -> ActivityOut:
    cmd = CreateActivityCommand(
        status=data.status, kind_code=data.kind_code, subject=data.subject, activity_date=data.activity_date,
        starts_at=data.starts_at, ends_at=data.ends_at, purpose_code=data.purpose_code, result_code=data.result_code,
        content=data.content, next_action=data.next_action, next_action_on=data.next_action_on,
        account_id=data.account_id, opportunity_id=data.opportunity_id, campaign_id=data.campaign_id,
        lead_id=data.lead_id, person_ids=tuple(data.person_ids), attendee_ids=_users(data.attendee_ids),
        owner_id=cast(UserId | None, data.owner_id), staff=staff_of(data.staff),
        restriction=restriction_of(data.restriction), custom_fields=data.custom_fields,
        opportunity_update=_progress(data.opportunity_update),
    )
    saved = CreateActivity(sales_deps)(principal, cmd)
    return activity_out(saved.activity, opportunity_version=saved.opportunity_version)


@get("/activities/{activity_id:uuid}", summary="One activity", sync_to_thread=True)
def get_activity_handler(principal: Principal, activity_id: UUID, sales_deps: SalesDeps) -> ActivityOut:
    return activity_out(GetActivity(sales_deps)(principal, activity_id))


@patch("/activities/{activity_id:uuid}", summary="Change an activity (the fields sent)", sync_to_thread=True)
def update_activity_handler(
    principal: Principal, activity_id: UUID, data: ActivityPatchIn, sales_deps: SalesDeps
) -> ActivityOut:
    staff = data.staff
    restriction = data.restriction
    cmd = UpdateActivityCommand(
        activity_id=activity_id, expected_version=data.expected_version, status=_given(data.status),
        kind_code=_given(data.kind_code), subject=_given(data.subject), activity_date=_given(data.activity_date),
        starts_at=_given(data.starts_at), ends_at=_given(data.ends_at), purpose_code=_given(data.purpose_code),
        result_code=_given(data.result_code), content=_given(data.content), next_action=_given(data.next_action),
        next_action_on=_given(data.next_action_on), account_id=_given(data.account_id),
        opportunity_id=_given(data.opportunity_id), campaign_id=_given(data.campaign_id),
        lead_id=_given(data.lead_id),
        person_ids=UNSET if data.person_ids is msgspec.UNSET else tuple(data.person_ids),
        attendee_ids=UNSET if data.attendee_ids is msgspec.UNSET else _users(data.attendee_ids),
        owner_id=UNSET if data.owner_id is msgspec.UNSET else cast(UserId, data.owner_id),
        staff=UNSET if staff is msgspec.UNSET else staff_of(staff),
        restriction=UNSET if restriction is msgspec.UNSET else restriction_of(restriction),
        custom_fields=_given(data.custom_fields), opportunity_update=_progress(data.opportunity_update),
    )
    saved = UpdateActivity(sales_deps)(principal, cmd)
    return activity_out(saved.activity, opportunity_version=saved.opportunity_version)


@delete("/activities/{activity_id:uuid}", summary="Delete an activity (with its comments, likes, attachments)",
        status_code=204, sync_to_thread=True)
def delete_activity_handler(
    principal: Principal, activity_id: UUID, sales_deps: SalesDeps,
    expected_version: int | None = Parameter(query="expected_version", default=None,
                                             description="refuse (409) if the activity changed since"),
) -> None:
    DeleteActivity(sales_deps)(principal, DeleteActivityCommand(activity_id=activity_id,
                                                                expected_version=expected_version))


@post("/activities/{activity_id:uuid}/copy", summary="Copy an activity as a new plan (予定)", status_code=201,
      sync_to_thread=True)
def copy_activity_handler(
    principal: Principal, activity_id: UUID, sales_deps: SalesDeps, data: ActivityCopyIn | None = None
) -> ActivityOut:
    body = data or ActivityCopyIn()
    cmd = CopyActivityCommand(activity_id=activity_id, activity_date=body.activity_date, starts_at=body.starts_at,
                              ends_at=body.ends_at)
    return activity_out(CopyActivity(sales_deps)(principal, cmd))


@frozen
class NavigationFilters:
    """The filters a navigation list takes besides its parent."""

    search: ActivitySearch
    page: PageRequest


def navigation_filters(
    request: Request[Any, Any, Any],
    status: list[str] | None = Parameter(query="status", default=None, description="planned, done, cancelled"),
    kind_code: list[str] | None = Parameter(query="kind_code", default=None, description="activity_kind codes"),
    date_from: date | None = Parameter(query="date_from", default=None, description="activity date from (incl.)"),
    date_to: date | None = Parameter(query="date_to", default=None, description="activity date to (incl.)"),
    sort: str | None = Parameter(query="sort", default=None, description=SORT_DOC),
    limit: int = Parameter(query="limit", default=50, description="1-200"),
    cursor: str | None = Parameter(query="cursor", default=None, description="next_cursor of the previous page"),
) -> NavigationFilters:
    search = _search(request, q=None, status=status, kind_code=kind_code, date_from=date_from, date_to=date_to,
                     owner_id=None, staff_id=None, mine=False)
    return NavigationFilters(search=search, page=page_request(limit, cursor, sort))


NAVIGATION_DEPENDENCIES = {"filters": Provide(navigation_filters, sync_to_thread=False)}


def _activities_of(
    principal: Principal, sales_deps: SalesDeps, parent_type: RecordType, parent_id: UUID, filters: NavigationFilters
) -> ActivityPageOut:
    query = ActivitiesOfQuery(parent_type=parent_type, parent_id=parent_id, page=filters.page, search=filters.search)
    return _page_out(ListActivitiesOf(sales_deps)(principal, query))


@get("/accounts/{account_id:uuid}/activities", summary="An account's activities (404 if the account is invisible)",
     dependencies=NAVIGATION_DEPENDENCIES, sync_to_thread=True)
def list_account_activities_handler(
    principal: Principal, account_id: UUID, sales_deps: SalesDeps, filters: NavigationFilters
) -> ActivityPageOut:
    return _activities_of(principal, sales_deps, RecordType.ACCOUNT, account_id, filters)


@get("/opportunities/{opportunity_id:uuid}/activities",
     summary="An opportunity's activities (404 if the opportunity is invisible)",
     dependencies=NAVIGATION_DEPENDENCIES, sync_to_thread=True)
def list_opportunity_activities_handler(
    principal: Principal, opportunity_id: UUID, sales_deps: SalesDeps, filters: NavigationFilters
) -> ActivityPageOut:
    return _activities_of(principal, sales_deps, RecordType.OPPORTUNITY, opportunity_id, filters)


@get("/campaigns/{campaign_id:uuid}/activities", summary="A campaign's activities (404 if the campaign is invisible)",
     dependencies=NAVIGATION_DEPENDENCIES, sync_to_thread=True)
def list_campaign_activities_handler(
    principal: Principal, campaign_id: UUID, sales_deps: SalesDeps, filters: NavigationFilters
) -> ActivityPageOut:
    return _activities_of(principal, sales_deps, RecordType.CAMPAIGN, campaign_id, filters)


@get("/persons/{person_id:uuid}/activities",
     summary="The activities where a person was met (404 if the person is invisible)",
     dependencies=NAVIGATION_DEPENDENCIES, sync_to_thread=True)
def list_person_activities_handler(
    principal: Principal, person_id: UUID, sales_deps: SalesDeps, filters: NavigationFilters
) -> ActivityPageOut:
    return _activities_of(principal, sales_deps, RecordType.PERSON, person_id, filters)


NAVIGATION: list[ControllerRouterHandler] = [
    list_account_activities_handler, list_opportunity_activities_handler, list_campaign_activities_handler,
    list_person_activities_handler,
]

ROUTES: list[ControllerRouterHandler] = [
    list_activities_handler, create_activity_handler, get_activity_handler, update_activity_handler,
    delete_activity_handler, copy_activity_handler, *NAVIGATION,
]
"""The handlers of this module, mounted under /api/v1 by the app factory."""
