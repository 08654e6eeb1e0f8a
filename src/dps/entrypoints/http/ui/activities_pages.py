"""活動 screens (S7): the list and the detail with its comment / ライク！ stream (the forms, new / edit /
copy, are in activity_forms_pages).

The stream's forms post normally (303 back to the detail, no JavaScript needed); dps.js posts them in
the background with ``X-Requested-With: fetch`` and swaps ``#stream`` with the fragment answered here.
Light users read, comment and like; every write control is hidden from them and the use cases refuse
their writes (403)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import frozen
from litestar import Request, get, post
from litestar.response import Redirect, Template

from dps.application.catalog.code_lists import ListCodeLists
from dps.application.catalog.custom_fields import ListCustomFields
from dps.application.directory.organizations import ListOrganizations
from dps.application.directory.users import UserIndex
from dps.application.sales.accounts.queries import GetAccount
from dps.application.sales.activities.change import DeleteActivity
from dps.application.sales.activities.commands import (
    DeleteActivityCommand,
    SearchActivitiesQuery,
)
from dps.application.sales.activities.ports import ActivitySearch
from dps.application.sales.activities.queries import GetActivity, SearchActivities
from dps.application.sales.campaigns.queries import ViewCampaign
from dps.application.sales.collaboration.attachments import ListAttachments
from dps.application.sales.collaboration.comments import AddComment, AddCommentCommand, ListComments
from dps.application.sales.collaboration.likes import LikeIt, ListLikes, UnlikeIt
from dps.application.sales.collaboration.views import CommentView, LikerView
from dps.application.sales.deps import SalesDeps
from dps.application.sales.opportunities.queries import GetOpportunity, SearchOpportunities
from dps.application.sales.opportunities.read_models import OpportunityListItem, OpportunitySearch
from dps.application.sales.persons.ports import PersonQuery
from dps.application.sales.persons.queries import SearchPersons
from dps.application.shared.errors import Invalid
from dps.application.shared.paging import MAX_PAGE_SIZE, PageRequest
from dps.domain.sales.activities import Activity, ActivityStatus
from dps.domain.sales.likes import LikeTarget
from dps.domain.sales.opportunities import Opportunity
from dps.domain.sales.records import RecordType
from dps.domain.shared.ids import UserId
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.ui.code_choices import code_labels_of, code_lists_by_key, code_options
from dps.entrypoints.http.ui.forms import FormBody
from dps.entrypoints.http.ui.listing import Pager, query_values
from dps.entrypoints.http.ui.messages import Labels
from dps.entrypoints.http.ui.pages import labels_for, page
from dps.entrypoints.http.ui.query_form import BAD_CHOICE, FieldReader
from dps.entrypoints.http.ui.record_forms import (
    is_fetch,
    user_names,
    visible_or_none,
)
from dps.entrypoints.http.ui.records import code_labels, not_found_page, record_id

T = TypeVar("T")
Deal = Opportunity | OpportunityListItem
"""An activity's opportunity, as listed or as loaded (both carry what the 案件を更新 fieldset starts from)."""
ENTITY = "activity"
LIST_SORTS = ("activity_date", "updated_at")
DEFAULT_SORT = "-activity_date"
STATUSES = tuple(s.value for s in ActivityStatus)
LINK_FILTERS = ("account_id", "opportunity_id", "campaign_id")
COMMENT_PAGE = 200
LIKERS_PAGE = 50


# --- small helpers ------------------------------------------------------------------------------


def _status_label(labels: Labels, status: str) -> str:
    return labels.pair(f"act.status.{status}")


# --- list ---------------------------------------------------------------------------------------


def _search_of(reader: FieldReader) -> ActivitySearch:
    statuses = reader.all("status")
    if any(s not in STATUSES for s in statuses):
        reader.errors["status"] = BAD_CHOICE
    return ActivitySearch(
        q=reader.text("q") or "", statuses=tuple(ActivityStatus(s) for s in statuses if s in STATUSES),
        kind_codes=reader.all("kind_code"), date_from=reader.date("date_from"), date_to=reader.date("date_to"),
        mine=reader.flag("mine"), person_id=reader.uuid("person_id"), lead_id=reader.uuid("lead_id"),
        account_id=reader.uuid("account_id"), opportunity_id=reader.uuid("opportunity_id"),
        campaign_id=reader.uuid("campaign_id"), owner_id=cast(UserId | None, reader.uuid("owner_id")),
        organization_id=reader.uuid("organization_id"),
        include_sub_orgs=reader.tristate("include_sub_orgs") is not False,
    )


def organization_filter(principal: Principal, list_organizations: ListOrganizations, organization_id: UUID | None,
                        include_sub_orgs: bool) -> tuple[str, str, bool] | None:
    """The list's owner-organisation filter (a report's drill-down) as its chip: (id, "code name", whether
    with the sub-organisations); None without one. The organisations are read only when it is given."""
    if organization_id is None:
        return None
    org = next((o for o in list_organizations(principal) if o.id == organization_id), None)
    return str(organization_id), f"{org.code} {org.name}" if org else str(organization_id), include_sub_orgs


@get("/activities", include_in_schema=False, sync_to_thread=True)
def activities_list(
    request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps, list_code_lists: ListCodeLists,
    user_index: UserIndex, list_organizations: ListOrganizations,
) -> Template:
    reader = FieldReader(request.query_params)
    pager = Pager.of(request.query_params, sorts=LIST_SORTS, default_sort=DEFAULT_SORT)
    search = _search_of(reader)
    if not reader.errors:
        found = SearchActivities(sales_deps)(principal, SearchActivitiesQuery(search=search,
                                                                              page=pager.page_request()))
        pager = pager.with_page(found)
    lists = code_lists_by_key(principal, list_code_lists)
    rows = pager.items
    link_names = {
        "account_id": next((r.account_name for r in rows if r.account_name), None),
        "opportunity_id": next((r.opportunity_name for r in rows if r.opportunity_name), None),
    }
    return page(request, "activities/list.html", context={
        "pager": pager, "values": query_values(request.query_params), "errors": reader.errors,
        "labels": code_labels_of(lists),
        "kind_options": code_options(lists, "activity_kind"),
        "statuses": STATUSES, "users": user_names(principal, user_index),
        "link_filters": [(name, pager.filter_value(name), link_names.get(name))
                         for name in LINK_FILTERS if pager.filter_value(name)],
        "org_filter": organization_filter(principal, list_organizations, search.organization_id,
                                          search.include_sub_orgs),
    })


# --- detail and stream --------------------------------------------------------------------------


@frozen
class Stream:
    """The stream card: the comments (oldest first), the like count, whether I like it, who does."""

    activity_id: UUID
    comments: Sequence[CommentView]
    like_count: int
    liked_by_me: bool
    likers: Sequence[LikerView]
    error: str | None = None
    body: str = ""


def _stream(deps: SalesDeps, principal: Principal, activity_id: UUID, *, error: str | None = None,
            body: str = "") -> Stream:
    comments = ListComments(deps)(principal, RecordType.ACTIVITY, activity_id, PageRequest(limit=COMMENT_PAGE))
    likes = ListLikes(deps)(principal, LikeTarget(RecordType.ACTIVITY, activity_id), PageRequest(limit=LIKERS_PAGE))
    return Stream(activity_id=activity_id, comments=comments.items, like_count=likes.count,
                  liked_by_me=likes.liked_by_me, likers=likes.items, error=error, body=body)


@frozen
class Links:
    """The names of the records an activity links to (None: gone or hidden from the viewer)."""

    account: str | None = None
    opportunity: str | None = None
    campaign: str | None = None
    persons: Mapping[UUID, str] = {}
    deal: Deal | None = None


def persons_met(deps: SalesDeps, principal: Principal, account_id: UUID | None,
                 person_ids: Iterable[UUID]) -> tuple[dict[UUID, str], str | None]:
    """Names of the persons met, read in one search over the account's persons, and the account's
    name as that search shows it (None: hidden from the viewer, or no persons to look for)."""
    wanted = set(person_ids)
    if not wanted or account_id is None:
        return {}, None
    found = SearchPersons(deps)(principal, PersonQuery(account_id=account_id), PageRequest(limit=MAX_PAGE_SIZE))
    names = {p.id: p.full_name for p in found.items if p.id in wanted}
    return names, next((p.account_name for p in found.items if p.account_name), None)


def activity_links(deps: SalesDeps, principal: Principal, activity: Activity) -> Links:
    """The linked records' names in a fixed number of reads: the opportunity from its account's
    opportunity list (with the account's name), the persons from the account's person list, and the
    account or the opportunity on their own only when those lists did not have them."""
    account_id, opportunity_id, campaign_id = activity.account_id, activity.opportunity_id, activity.campaign_id
    deal: Deal | None = None
    account_name: str | None = None
    if opportunity_id is not None:
        if account_id is not None:
            deals = SearchOpportunities(deps)(principal, OpportunitySearch(account_id=account_id),
                                              PageRequest(limit=MAX_PAGE_SIZE))
            listed = next((o for o in deals.items if o.id == opportunity_id), None)
            if listed is not None:
                deal, account_name = listed, listed.account_name
        if deal is None:
            detail = visible_or_none(lambda: GetOpportunity(deps)(principal, opportunity_id))
            if detail is not None:
                deal = detail.opportunity
                account_name = detail.account_name if detail.opportunity.account_id == account_id else None
    persons, listed_account = persons_met(deps, principal, account_id, activity.person_ids)
    account_name = account_name or listed_account
    if account_id is not None and account_name is None:
        account = visible_or_none(lambda: GetAccount(deps)(principal, account_id))
        account_name = account.account.name if account else None
    campaign = visible_or_none(lambda: ViewCampaign(deps)(principal, campaign_id)) if campaign_id else None
    return Links(account=account_name, opportunity=deal.name if deal else None,
                 campaign=campaign.campaign.name if campaign else None, persons=persons, deal=deal)


def load_activity(deps: SalesDeps, principal: Principal, raw_id: str) -> Activity:
    with not_found_page():
        return GetActivity(deps)(principal, record_id(ENTITY, raw_id))


def _detail(
    request: Request[Any, Any, Any], principal: Principal, deps: SalesDeps, list_code_lists: ListCodeLists,
    user_index: UserIndex, activity: Activity, stream: Stream, status_code: int = 200,
) -> Template:
    definitions = ListCustomFields(uow=deps.uow)(principal, ENTITY) if activity.custom_fields else ()
    return page(request, "activities/detail.html", status_code=status_code, context={
        "record": activity, "stream": stream, "links": activity_links(deps, principal, activity),
        "labels": code_labels(principal, list_code_lists), "users": user_names(principal, user_index),
        "status_label": _status_label(labels_for(principal), activity.status.value),
        "custom": [(d.label_ja, activity.custom_fields.get(d.key)) for d in definitions
                   if d.key in activity.custom_fields],
        "me": principal.user_id,
        "attachments": ListAttachments(deps)(principal, RecordType.ACTIVITY, activity.id),
    })


@get("/activities/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def activity_page(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists, user_index: UserIndex,
) -> Template:
    activity = load_activity(sales_deps, principal, raw_id)
    return _detail(request, principal, sales_deps, list_code_lists, user_index, activity,
                   _stream(sales_deps, principal, activity.id))


def _stream_answer(
    request: Request[Any, Any, Any], principal: Principal, deps: SalesDeps, activity_id: UUID,
    *, error: str | None = None, body: str = "",
) -> Template | Redirect:
    """After a comment or like: the stream fragment for dps.js, else back to the detail (303)."""
    if is_fetch(request):
        stream = _stream(deps, principal, activity_id, error=error, body=body)
        return page(request, "activities/_stream.html", status_code=422 if error else 200,
                    context={"stream": stream})
    return Redirect(f"/activities/{activity_id}#stream", status_code=303)


@post("/activities/{raw_id:str}/comments", include_in_schema=False, sync_to_thread=True)
def activity_comment(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, data: FormBody, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists, user_index: UserIndex,
) -> Template | Redirect:
    with not_found_page():
        activity_id = record_id(ENTITY, raw_id)
        body = FieldReader(data).raw("body")
        try:
            AddComment(sales_deps)(principal, AddCommentCommand(RecordType.ACTIVITY, activity_id, body))
        except Invalid as e:
            error = next(iter(e.errors.values()), e.message)
            if is_fetch(request):
                return _stream_answer(request, principal, sales_deps, activity_id, error=error, body=body)
            activity = GetActivity(sales_deps)(principal, activity_id)
            stream = _stream(sales_deps, principal, activity_id, error=error, body=body)
            return _detail(request, principal, sales_deps, list_code_lists, user_index, activity, stream, 422)
    return _stream_answer(request, principal, sales_deps, activity_id)


@post("/activities/{raw_id:str}/like", include_in_schema=False, sync_to_thread=True)
def activity_like(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, data: FormBody, sales_deps: SalesDeps,
) -> Template | Redirect:
    """Toggles my like; the form says which way (`action=like|unlike`) so a double post stays put."""
    with not_found_page():
        activity_id = record_id(ENTITY, raw_id)
        target = LikeTarget(RecordType.ACTIVITY, activity_id)
        action = FieldReader(data).raw("action")
        if action not in ("like", "unlike"):
            liked = ListLikes(sales_deps)(principal, target, PageRequest(limit=1)).liked_by_me
            action = "unlike" if liked else "like"
        (UnlikeIt if action == "unlike" else LikeIt)(sales_deps)(principal, target)
    return _stream_answer(request, principal, sales_deps, activity_id)


@post("/activities/{raw_id:str}/delete", include_in_schema=False, sync_to_thread=True)
def activity_delete(principal: Principal, raw_id: str, data: FormBody, sales_deps: SalesDeps) -> Redirect:
    reader = FieldReader(data)
    with not_found_page():
        DeleteActivity(sales_deps)(principal, DeleteActivityCommand(
            activity_id=record_id(ENTITY, raw_id), expected_version=reader.integer("version")))
    return Redirect("/activities", status_code=303)


ROUTES = (activities_list, activity_page, activity_comment, activity_like, activity_delete)
"""This module's pages, registered in the UI router (after activity_forms_pages, whose /activities/new is
a static path)."""
