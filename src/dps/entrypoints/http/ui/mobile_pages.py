"""モバイル / mobile web screens under ``/m``: the home redirect and M1 活動 (activities), plus the helpers
the other mobile screens (mobile_records_pages: opportunities, accounts, persons, notifications) share -
one column and a bottom tab bar (templates/mobile/).

The home action is 活動報告 (``/m/activities/new``): account -> opportunity -> what happened -> the
opportunity's new stage, certainty, expected date and amount, saved by ONE ``CreateActivity`` call (the
activity and the opportunity change in one transaction; a stale opportunity version saves nothing, 409).
Handlers are thin: read the fields, call the sales use cases (they check visibility and licences), render.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, time
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Request, get, post
from litestar.response import Redirect, Template

from dps.application.catalog.code_lists import ListCodeLists
from dps.application.directory.users import UserIndex
from dps.application.sales.accounts.queries import GetAccount
from dps.application.sales.activities.commands import (
    CreateActivityCommand,
    OpportunityProgress,
    SearchActivitiesQuery,
)
from dps.application.sales.activities.ports import ActivitySearch
from dps.application.sales.activities.queries import GetActivity, SearchActivities
from dps.application.sales.activities.read_models import ActivityListItem
from dps.application.sales.activities.register import CreateActivity
from dps.application.sales.collaboration.comments import AddComment, AddCommentCommand, ListComments
from dps.application.sales.collaboration.likes import LikeIt, ListLikes, UnlikeIt
from dps.application.sales.deps import SalesDeps
from dps.application.sales.opportunities.queries import GetOpportunity
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.likes import LikeTarget
from dps.domain.sales.opportunities import CERTAINTY_LIST, STAGE_LIST
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.ui.code_choices import Option, active_labels, all_code_options, code_lists_by_key, is_english
from dps.entrypoints.http.ui.formats import Formats, zone_of
from dps.entrypoints.http.ui.forms import FormBody, submit
from dps.entrypoints.http.ui.listing import Pager
from dps.entrypoints.http.ui.pages import page
from dps.entrypoints.http.ui.query_form import BAD_DATETIME, FieldReader
from dps.entrypoints.http.ui.record_forms import UserNames, ensure_writer, is_fetch, visible_or_none
from dps.entrypoints.http.ui.records import not_found_page, record_id

T = TypeVar("T")
Req = Request[Any, Any, Any]
LIST_LIMIT = 20
COMMENTS_SHOWN = 100
REQUIRED = "必須です / required"
ACTIVITY_KIND_LIST = "activity_kind"
ENTRY_STATUSES = ("done", "planned")
PROGRESS = "opportunity_update"
PROGRESS_FIELDS = ("stage_code", "certainty_code", "expected_order_date", "expected_amount")


# -- shared helpers ------------------------------------------------------------------------------

def codes_for(principal: Principal, list_code_lists: ListCodeLists) -> dict[str, list[Option]]:
    """code list key -> the active (code, label) pairs in their order, labelled in the user's language."""
    return all_code_options(code_lists_by_key(principal, list_code_lists), english=is_english(principal))


def code_labels_for(principal: Principal, list_code_lists: ListCodeLists) -> dict[str, dict[str, str]]:
    """code list key -> code -> label of the active values, in the user's language."""
    return active_labels(codes_for(principal, list_code_lists))


def pager_of(request: Req, sorts: Sequence[str], default_sort: str) -> Pager[Any]:
    return Pager.of(request.query_params, sorts=sorts, default_sort=default_sort, limit=LIST_LIMIT)


def _input_amount(value: Decimal | None) -> str:
    return "" if value is None else Formats.number(value)


def see_other(path: str) -> Template | Redirect:
    return Redirect(path, status_code=303)


@get("/m", include_in_schema=False, sync_to_thread=False)
def mobile_home() -> Redirect:
    return Redirect("/m/activities", status_code=303)


# -- M1 活動 -------------------------------------------------------------------------------------

@get("/m/activities", include_in_schema=False, sync_to_thread=True)
def mobile_activities(
    request: Req, principal: Principal, sales_deps: SalesDeps, list_code_lists: ListCodeLists,
) -> Template:
    form = FieldReader(request.query_params)
    pager = pager_of(request, ("activity_date", "updated_at"), "-activity_date")
    search = ActivitySearch(
        q=form.text("q") or "", mine=form.flag("mine"), account_id=form.uuid("account_id"),
        opportunity_id=form.uuid("opportunity_id"), person_id=form.uuid("person_id"),
    )
    found: Page[ActivityListItem] = Page(items=())
    if not form.errors:
        found = SearchActivities(sales_deps)(principal, SearchActivitiesQuery(search=search, page=pager.page_request()))
    return page(request, "mobile/activities.html", context={
        "pager": pager.with_page(found), "values": form.values, "errors": form.errors,
        "labels": code_labels_for(principal, list_code_lists),
    })


def _entry_form(
    request: Req, principal: Principal, list_code_lists: ListCodeLists, values: Mapping[str, Any],
    errors: Mapping[str, str], conflict: Any = None, status_code: int = 200,
) -> Template:
    codes = codes_for(principal, list_code_lists)
    return page(request, "mobile/activity_form.html", status_code=status_code, context={
        "values": values, "errors": errors, "conflict": conflict,
        "kinds": codes.get(ACTIVITY_KIND_LIST, []), "stages": codes.get(STAGE_LIST, []),
        "certainties": codes.get(CERTAINTY_LIST, []),
    })


@get("/m/activities/new", include_in_schema=False, sync_to_thread=True)
def mobile_new_activity(
    request: Req, principal: Principal, sales_deps: SalesDeps, list_code_lists: ListCodeLists,
) -> Template:
    """The entry form, today's date and 実績 chosen; `?opportunity_id=` / `?account_id=` start from a record."""
    ensure_writer(principal)
    query = FieldReader(request.query_params)
    zone = zone_of(principal.time_zone)
    values: dict[str, Any] = {
        "status": "done", "activity_date": sales_deps.clock.now().astimezone(zone).date().isoformat(),
    }
    opportunity_id, account_id = query.uuid("opportunity_id"), query.uuid("account_id")
    detail = visible_or_none(lambda: GetOpportunity(sales_deps)(principal, opportunity_id)) if opportunity_id else None
    if detail is not None:
        o = detail.opportunity
        values |= {
            "opportunity_id": str(o.id), "opportunity_id_label": o.name,
            "account_id": str(o.account_id), "account_id_label": detail.account_name or "",
            f"{PROGRESS}.stage_code": o.stage_code, f"{PROGRESS}.certainty_code": o.certainty_code or "",
            f"{PROGRESS}.expected_order_date": o.expected_order_date.isoformat() if o.expected_order_date else "",
            f"{PROGRESS}.expected_amount": _input_amount(o.expected_amount),
            f"{PROGRESS}.expected_version": str(o.version),
        }
    elif account_id is not None:
        account = visible_or_none(lambda: GetAccount(sales_deps)(principal, account_id))
        if account is not None:
            values |= {"account_id": str(account_id), "account_id_label": account.account.name}
    return _entry_form(request, principal, list_code_lists, values, {})


def _time_on(form: FieldReader, name: str, day: Any, zone: ZoneInfo) -> datetime | None:
    """An ``<input type=time>`` value on the activity's date, in the user's zone."""
    text = form.raw(name)
    if not text:
        return None
    try:
        moment = time.fromisoformat(text)
    except ValueError:
        form.errors[name] = BAD_DATETIME
        return None
    return None if day is None else datetime.combine(day, moment, tzinfo=zone)


def _progress(
    form: FieldReader, principal: Principal, sales_deps: SalesDeps, opportunity_id: UUID | None, status: str,
) -> OpportunityProgress | None:
    """案件を更新: only for an actual activity on an opportunity, and only when a field is filled in.
    Without the version the form was filled at (no script ran), the form comes back to be confirmed."""
    stage = form.text(f"{PROGRESS}.stage_code")
    certainty = form.text(f"{PROGRESS}.certainty_code")
    order_date = form.date(f"{PROGRESS}.expected_order_date")
    amount = form.decimal(f"{PROGRESS}.expected_amount")
    version = form.integer(f"{PROGRESS}.expected_version")
    given = (stage, certainty, order_date, amount)
    if opportunity_id is None or status != "done" or all(v is None for v in given) or form.errors:
        return None
    if version is None:
        # No version came with the form (no script ran): never overwrite blindly. Show the form again
        # with the version read now, so the user confirms against the opportunity as it stands.
        detail = visible_or_none(lambda: GetOpportunity(sales_deps)(principal, opportunity_id))
        if detail is None:
            form.errors["opportunity_id"] = "案件が見つかりません / no such opportunity"
            return None
        form.values[f"{PROGRESS}.expected_version"] = str(detail.opportunity.version)
        form.errors[f"{PROGRESS}.stage_code"] = (
            "案件の現在の内容を確認してから、もう一度保存してください"
            " / check the opportunity as it stands now, then save again"
        )
        return None
    return OpportunityProgress(
        expected_version=version, stage_code=stage, certainty_code=certainty, expected_order_date=order_date,
        expected_amount=amount,
    )


def _activity_command(
    form: FieldReader, principal: Principal, sales_deps: SalesDeps,
) -> CreateActivityCommand:
    zone = zone_of(principal.time_zone)
    status = form.choice("status", ENTRY_STATUSES) or "done"
    account_id = form.uuid("account_id")
    form.text("account_id_label")
    opportunity_id = form.uuid("opportunity_id")
    form.text("opportunity_id_label")
    day = form.date("activity_date")
    if day is None and "activity_date" not in form.errors:
        form.errors["activity_date"] = REQUIRED
    starts_at = _time_on(form, "starts_at", day, zone)
    ends_at = _time_on(form, "ends_at", day, zone)
    content = form.raw("content")
    return CreateActivityCommand(
        status=status, kind_code=form.text("kind_code") or "", subject=form.text("subject") or "",
        activity_date=day, starts_at=starts_at, ends_at=ends_at, content=content,
        account_id=account_id, opportunity_id=opportunity_id,
        opportunity_update=_progress(form, principal, sales_deps, opportunity_id, status),
    )


@post("/m/activities/new", include_in_schema=False, sync_to_thread=True)
def mobile_create_activity(
    request: Req, principal: Principal, data: FormBody, sales_deps: SalesDeps, list_code_lists: ListCodeLists,
) -> Template | Redirect:
    form = FieldReader(data)
    cmd = _activity_command(form, principal, sales_deps)
    return submit(
        lambda: CreateActivity(sales_deps)(principal, cmd),
        on_success=lambda saved: see_other(f"/m/activities/{saved.activity.id}"),
        render=lambda errors, conflict, status: _entry_form(
            request, principal, list_code_lists, form.values, errors, conflict, status),
        reader=form,
    )


def _stream(principal: Principal, sales_deps: SalesDeps, activity_id: UUID) -> dict[str, Any]:
    """The comments and likes of an activity (two reads whatever their number)."""
    comments = ListComments(sales_deps)(principal, RecordType.ACTIVITY, activity_id, PageRequest(limit=COMMENTS_SHOWN))
    likes = ListLikes(sales_deps)(principal, LikeTarget(RecordType.ACTIVITY, activity_id), PageRequest(limit=1))
    return {"activity_id": activity_id, "comments": comments.items, "likes": likes}


def _activity_view(
    request: Req, principal: Principal, sales_deps: SalesDeps, list_code_lists: ListCodeLists,
    user_index: UserIndex, raw_id: str, *, errors: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None, status_code: int = 200,
) -> Template:
    """The activity page; for a background post (comment, like) just its comments-and-likes part."""
    with not_found_page():
        activity_id = record_id("activity", raw_id)
        if is_fetch(request):
            return page(request, "mobile/_stream.html", status_code=status_code, context={
                **_stream(principal, sales_deps, activity_id), "errors": errors or {}, "values": values or {},
            })
        activity = GetActivity(sales_deps)(principal, activity_id)
    opportunity_id, account_id = activity.opportunity_id, activity.account_id
    opportunity = (visible_or_none(lambda: GetOpportunity(sales_deps)(principal, opportunity_id))
                   if opportunity_id is not None else None)
    account_name = None
    if opportunity is not None and opportunity.opportunity.account_id == account_id:
        account_name = opportunity.account_name
    if account_id is not None and account_name is None:
        account = visible_or_none(lambda: GetAccount(sales_deps)(principal, account_id))
        account_name = account.account.name if account is not None else None
    owner = UserNames(user_index(principal)).name(activity.owner_id)
    return page(request, "mobile/activity.html", status_code=status_code, context={
        "record": activity, "opportunity": opportunity, "account_name": account_name, "owner_name": owner,
        "labels": code_labels_for(principal, list_code_lists), "errors": errors or {}, "values": values or {},
        **_stream(principal, sales_deps, activity.id),
    })


@get("/m/activities/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def mobile_activity(
    request: Req, principal: Principal, raw_id: str, sales_deps: SalesDeps, list_code_lists: ListCodeLists,
    user_index: UserIndex,
) -> Template:
    return _activity_view(request, principal, sales_deps, list_code_lists, user_index, raw_id)


def _back_to(request: Req, activity_id: UUID, anchor: str, after: Callable[[], Template]) -> Template | Redirect:
    """After a comment or like: the fresh part for a background post, else back to the page (303)."""
    if is_fetch(request):
        return after()
    return Redirect(f"/m/activities/{activity_id}#{anchor}", status_code=303)


@post("/m/activities/{raw_id:str}/comments", include_in_schema=False, sync_to_thread=True)
def mobile_comment(
    request: Req, principal: Principal, raw_id: str, data: FormBody, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists, user_index: UserIndex,
) -> Template | Redirect:
    with not_found_page():
        activity_id = record_id("activity", raw_id)
    form = FieldReader(data)
    body = form.raw("body")

    def view(errors: Mapping[str, str] | None = None, status_code: int = 200) -> Template:
        return _activity_view(request, principal, sales_deps, list_code_lists, user_index, raw_id,
                              errors=errors, values=form.values if errors else None, status_code=status_code)

    with not_found_page():
        return submit(
            lambda: AddComment(sales_deps)(principal, AddCommentCommand(RecordType.ACTIVITY, activity_id, body)),
            on_success=lambda _: _back_to(request, activity_id, "comments", view),
            render=lambda errors, _conflict, status: view(errors, status),
            reader=form,
        )


@post("/m/activities/{raw_id:str}/like", include_in_schema=False, sync_to_thread=True)
def mobile_like(
    request: Req, principal: Principal, raw_id: str, data: FormBody, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists, user_index: UserIndex,
) -> Template | Redirect:
    """ライク！ (``action=unlike`` takes mine back)."""
    with not_found_page():
        target = LikeTarget(RecordType.ACTIVITY, record_id("activity", raw_id))
        if FieldReader(data).raw("action") == "unlike":
            UnlikeIt(sales_deps)(principal, target)
        else:
            LikeIt(sales_deps)(principal, target)
    return _back_to(request, target.record_id, "likes", lambda: _activity_view(
        request, principal, sales_deps, list_code_lists, user_index, raw_id))


ROUTES: tuple[Any, ...] = (
    mobile_home,
    mobile_activities, mobile_new_activity, mobile_create_activity, mobile_activity, mobile_comment, mobile_like,
)
"""This module's pages, registered in the UI router."""
