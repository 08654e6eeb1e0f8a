"""活動 forms (S7): new, edit and copy of an activity. An actual activity on an opportunity may move the
opportunity on (stage, certainty, expected order date and amount) in the same transaction as the
activity is saved (活動報告). The list, detail and stream are in activities_pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any, cast
from uuid import UUID

from attrs import frozen
from litestar import Request, get, post
from litestar.response import Redirect, Template

from dps.application.sales.accounts.queries import GetAccount
from dps.application.sales.activities.change import UpdateActivity
from dps.application.sales.activities.commands import (
    CreateActivityCommand,
    OpportunityProgress,
    SavedActivity,
    UpdateActivityCommand,
)
from dps.application.sales.activities.register import CreateActivity
from dps.application.sales.campaigns.queries import ViewCampaign
from dps.application.sales.deps import SalesDeps
from dps.application.sales.opportunities.queries import GetOpportunity
from dps.domain.sales.activities import Activity, ActivityStatus
from dps.domain.shared.ids import UserId
from dps.domain.shared.principal import Principal
from dps.domain.visibility.records import Restriction
from dps.entrypoints.http.ui.activities_pages import (
    ENTITY,
    LINK_FILTERS,
    STATUSES,
    Deal,
    activity_links,
    load_activity,
    persons_met,
)
from dps.entrypoints.http.ui.code_choices import code_lists_by_key, code_options
from dps.entrypoints.http.ui.formats import zone_of
from dps.entrypoints.http.ui.forms import FormBody, submit
from dps.entrypoints.http.ui.pages import labels_for, page
from dps.entrypoints.http.ui.query_form import BAD_CHOICE, FieldReader
from dps.entrypoints.http.ui.record_forms import (
    FORM_DEPENDENCIES,
    CustomFieldView,
    FormDeps,
    chosen,
    custom_field_values,
    ensure_writer,
    form_errors,
    read_custom_fields,
    read_restriction,
    restriction_choices,
    restriction_values,
    user_names,
    visible_or_none,
    without_empty,
)

FORM_STATUSES = (ActivityStatus.PLANNED.value, ActivityStatus.DONE.value)
"""A new activity is a plan or an actual; an existing one may also be cancelled (中止)."""
PROGRESS = "opportunity_update"
PROGRESS_FIELDS = ("stage_code", "certainty_code", "expected_order_date", "expected_amount")


# --- forms --------------------------------------------------------------------------------------


@frozen
class FormChoices:
    """What the form's selects offer."""

    kinds: list[tuple[str, str]]
    purposes: list[tuple[str, str]]
    results: list[tuple[str, str]]
    stages: list[tuple[str, str]]
    certainties: list[tuple[str, str]]
    organizations: list[tuple[str, str]]
    groups: list[tuple[str, str]]
    statuses: list[tuple[str, str]]


def _choices(principal: Principal, d: FormDeps, values: Mapping[str, Any], *, editing: bool) -> FormChoices:
    lists = code_lists_by_key(principal, d.code_lists)
    labels = labels_for(principal)
    allow_list = restriction_choices(principal, d.organizations, d.groups)

    def options(key: str, name: str | None = None) -> list[tuple[str, str]]:
        value = values.get(name) if name else None
        return code_options(lists, key, keep=value if isinstance(value, str) and value else None, keep_last=True)

    return FormChoices(
        kinds=options("activity_kind", "kind_code"), purposes=options("activity_purpose", "purpose_code"),
        results=options("activity_result", "result_code"), stages=options("opportunity_stage"),
        certainties=options("certainty"),
        organizations=allow_list["organizations"], groups=allow_list["groups"],
        statuses=[(s, labels.text(f"act.status.{s}")) for s in (STATUSES if editing else FORM_STATUSES)],
    )


def _ids(values: Mapping[str, Any], name: str) -> list[str]:
    value = values.get(name)
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value or ()]


def _form(
    request: Request[Any, Any, Any], principal: Principal, d: FormDeps, *, mode: str, values: Mapping[str, Any],
    errors: Mapping[str, str] | None = None, conflict: Any = None, status_code: int = 200,
    record: Activity | None = None, cancel: str | None = None,
) -> Template:
    """The activity form; multi lookups show the chosen ids by name (users from one list, persons
    from one search over the account)."""
    users = user_names(principal, d.users)
    account = _uuid(values.get("account_id"))
    person_ids = [u for u in (_uuid(v) for v in _ids(values, "person_ids")) if u is not None]
    persons, _ = persons_met(d.sales, principal, account, person_ids)

    action = f"/activities/{record.id}/edit" if mode == "edit" and record is not None else "/activities/new"
    cancel = cancel or (f"/activities/{record.id}" if record is not None else "/activities")
    return page(request, "activities/form.html", status_code=status_code, context={
        "mode": mode, "values": values, "errors": dict(errors or {}), "conflict": conflict, "record": record,
        "action": action, "cancel_href": cancel, "choices": _choices(principal, d, values, editing=mode == "edit"),
        "definitions": d.custom_fields(ENTITY),
        "chosen_persons": [(str(p), persons.get(p, str(p))) for p in person_ids],
        "chosen_attendees": chosen(values.get("attendee_ids"), users),
        "chosen_users": chosen(values.get("allowed_user_ids"), users),
    })


def _uuid(value: Any) -> UUID | None:
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


def _time_text(moment: datetime | None, principal: Principal) -> str:
    return "" if moment is None else moment.astimezone(zone_of(principal.time_zone)).strftime("%H:%M")


def _progress_of_deal(o: Deal) -> dict[str, Any]:
    """The opportunity's current stage, certainty, date and amount to start the 案件を更新 fieldset from,
    with the version read and those values as they were (only what the user changes is sent)."""
    current = (o.stage_code, o.certainty_code or "",
               o.expected_order_date.isoformat() if o.expected_order_date else "", _amount_text(o.expected_amount))
    return {
        f"{PROGRESS}.{name}": value for name, value in zip(PROGRESS_FIELDS, current, strict=True)
    } | {
        f"{PROGRESS}.expected_version": str(o.version), f"{PROGRESS}.opportunity_id": str(o.id),
        f"{PROGRESS}.initial": "|".join(current), "opportunity_id_label": o.name,
    }


def _values_of(deps: SalesDeps, principal: Principal, activity: Activity, *, copy: bool) -> dict[str, Any]:
    """The form's values from a saved activity (edit) or for its copy (a 予定 like it, without result
    and next action, on its next-action date when it has one)."""
    links = activity_links(deps, principal, activity)
    values: dict[str, Any] = {
        "status": ActivityStatus.PLANNED.value if copy else activity.status.value,
        "kind_code": activity.kind_code, "subject": activity.subject,
        "activity_date": ((activity.next_action_on or activity.activity_date) if copy
                          else activity.activity_date).isoformat(),
        "starts_at": _time_text(activity.starts_at, principal), "ends_at": _time_text(activity.ends_at, principal),
        "purpose_code": activity.purpose_code or "", "content": activity.content,
        "result_code": "" if copy else activity.result_code or "",
        "next_action": "" if copy else activity.next_action,
        "next_action_on": "" if copy or activity.next_action_on is None else activity.next_action_on.isoformat(),
        "account_id": str(activity.account_id or ""), "account_id_label": links.account or "",
        "opportunity_id": str(activity.opportunity_id or ""), "opportunity_id_label": links.opportunity or "",
        "campaign_id": str(activity.campaign_id or ""), "campaign_id_label": links.campaign or "",
        "person_ids": [str(p) for p in activity.person_ids],
        "attendee_ids": [str(u) for u in activity.attendee_ids],
        **restriction_values(activity), **custom_field_values(activity),
        "version": "" if copy else str(activity.version),
    }
    if not copy and links.deal is not None:
        values |= {k: v for k, v in _progress_of_deal(links.deal).items() if k.startswith(PROGRESS)}
    return values


@frozen
class Parsed:
    """The form read into the command's values."""

    fields: dict[str, Any]
    custom: dict[str, Any]
    restriction: Restriction | None
    progress: OpportunityProgress | None


def _time_of(reader: FieldReader, name: str, day: date | None, principal: Principal) -> datetime | None:
    text = reader.raw(name)
    if not text:
        return None
    labels = labels_for(principal)
    try:
        moment = time.fromisoformat(text)
    except ValueError:
        reader.errors[name] = labels.pair("act.bad_time")
        return None
    if day is None:
        reader.errors[name] = labels.pair("act.time_needs_date")
        return None
    return datetime.combine(day, moment, tzinfo=zone_of(principal.time_zone))


def _parse(reader: FieldReader, principal: Principal, definitions: Sequence[CustomFieldView],
           deps: SalesDeps) -> Parsed:
    status = reader.choice("status", STATUSES) or ActivityStatus.PLANNED.value
    day = reader.date("activity_date")
    fields: dict[str, Any] = {
        "status": status, "kind_code": reader.raw("kind_code"), "subject": reader.raw("subject"),
        "activity_date": day, "starts_at": _time_of(reader, "starts_at", day, principal),
        "ends_at": _time_of(reader, "ends_at", day, principal),
        "purpose_code": reader.text("purpose_code"), "result_code": reader.text("result_code"),
        "content": reader.raw("content"), "next_action": reader.raw("next_action"),
        "next_action_on": reader.date("next_action_on"), "account_id": reader.uuid("account_id"),
        "opportunity_id": reader.uuid("opportunity_id"), "campaign_id": reader.uuid("campaign_id"),
        "person_ids": reader.uuids("person_ids"),
        "attendee_ids": tuple(cast(UserId, u) for u in reader.uuids("attendee_ids")),
    }
    for name in ("account_id_label", "opportunity_id_label", "campaign_id_label"):
        reader.raw(name)
    return Parsed(fields=fields, custom=read_custom_fields(reader, definitions), restriction=read_restriction(reader),
                  progress=_progress_of(reader, status, fields["opportunity_id"], principal, deps))


def _progress_of(reader: FieldReader, status: str, opportunity_id: UUID | None, principal: Principal,
                 deps: SalesDeps) -> OpportunityProgress | None:
    """案件を更新: only for an actual activity on an opportunity, and only the values the user changed
    from those the form started with (so saving an activity never touches an opportunity by accident).
    For an opportunity other than the one the form was filled from (picked in the form) every filled
    value counts and its current version is used."""
    stage = reader.text(f"{PROGRESS}.stage_code")
    certainty = reader.text(f"{PROGRESS}.certainty_code")
    order_date = reader.date(f"{PROGRESS}.expected_order_date")
    amount = reader.decimal(f"{PROGRESS}.expected_amount")
    version = reader.integer(f"{PROGRESS}.expected_version")
    filled_from = reader.raw(f"{PROGRESS}.opportunity_id")
    initial = reader.raw(f"{PROGRESS}.initial").split("|")
    if status != ActivityStatus.DONE.value or opportunity_id is None:
        return None
    if filled_from != str(opportunity_id) or len(initial) != len(PROGRESS_FIELDS):
        initial, version = ["", "", "", ""], None
    stage = None if stage == (initial[0] or None) else stage
    certainty = None if certainty == (initial[1] or None) else certainty
    order_date = None if order_date is not None and order_date.isoformat() == initial[2] else order_date
    amount = None if amount is not None and _same_amount(amount, initial[3]) else amount
    if stage is None and certainty is None and order_date is None and amount is None:
        return None
    if version is None:
        detail = visible_or_none(lambda: GetOpportunity(deps)(principal, opportunity_id))
        version = detail.opportunity.version if detail else 0
    return OpportunityProgress(expected_version=version, stage_code=stage, certainty_code=certainty,
                               expected_order_date=order_date, expected_amount=amount)


def _same_amount(amount: Decimal, initial: str) -> bool:
    try:
        return bool(initial) and Decimal(initial) == amount
    except InvalidOperation:
        return False


def _amount_text(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    return str(amount.quantize(Decimal(1))) if amount == amount.to_integral_value() else str(amount)


def _saved(saved: SavedActivity) -> Template | Redirect:
    return Redirect(f"/activities/{saved.activity.id}", status_code=303)


@get("/activities/new", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def activity_new(
    request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps, form_deps: FormDeps,
) -> Template:
    """A new activity, prefilled from ``?account_id=&opportunity_id=&campaign_id=`` (related lists)."""
    ensure_writer(principal)
    reader = FieldReader(request.query_params)
    values: dict[str, Any] = {"status": ActivityStatus.PLANNED.value,
                              "activity_date": datetime.now(zone_of(principal.time_zone)).date().isoformat()}
    account_id, opportunity_id, campaign_id = (reader.uuid(n) for n in LINK_FILTERS)
    if opportunity_id is not None:
        deal = visible_or_none(lambda: GetOpportunity(sales_deps)(principal, opportunity_id))
        if deal is not None:
            values |= _progress_of_deal(deal.opportunity) | {"opportunity_id": str(opportunity_id)}
            account_id = account_id or deal.opportunity.account_id
    if account_id is not None:
        account_key = account_id
        account = visible_or_none(lambda: GetAccount(sales_deps)(principal, account_key))
        if account is not None:
            values |= {"account_id": str(account_id), "account_id_label": account.account.name}
    if campaign_id is not None:
        campaign = visible_or_none(lambda: ViewCampaign(sales_deps)(principal, campaign_id))
        if campaign is not None:
            values |= {"campaign_id": str(campaign_id), "campaign_id_label": campaign.campaign.name}
    return _form(request, principal, form_deps, mode="new", values=values)


@post("/activities/new", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def activity_create(
    request: Request[Any, Any, Any], principal: Principal, data: FormBody, sales_deps: SalesDeps, form_deps: FormDeps,
) -> Template | Redirect:
    reader = FieldReader(data)
    definitions = form_deps.custom_fields(ENTITY)
    parsed = _parse(reader, principal, definitions, sales_deps)

    def create() -> SavedActivity:
        return CreateActivity(sales_deps)(principal, CreateActivityCommand(
            **parsed.fields, restriction=parsed.restriction,
            custom_fields=without_empty(parsed.custom),
            opportunity_update=parsed.progress,
        ))

    return submit(
        create, on_success=_saved, reader=reader,
        render=lambda errors, conflict, status: _form(
            request, principal, form_deps, mode="new", values=reader.values,
            errors=form_errors(errors), conflict=conflict, status_code=status),
    )


@get("/activities/{raw_id:str}/edit", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def activity_edit(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps, form_deps: FormDeps,
) -> Template:
    activity = load_activity(sales_deps, principal, raw_id)
    ensure_writer(principal)
    return _form(request, principal, form_deps, mode="edit", record=activity,
                 values=_values_of(sales_deps, principal, activity, copy=False))


@post("/activities/{raw_id:str}/edit", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def activity_update(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, data: FormBody, sales_deps: SalesDeps,
    form_deps: FormDeps,
) -> Template | Redirect:
    activity = load_activity(sales_deps, principal, raw_id)
    reader = FieldReader(data)
    definitions = form_deps.custom_fields(ENTITY)
    parsed = _parse(reader, principal, definitions, sales_deps)
    version = reader.integer("version")
    if version is None:
        reader.errors.setdefault("version", BAD_CHOICE)

    def update() -> SavedActivity:
        return UpdateActivity(sales_deps)(principal, UpdateActivityCommand(
            activity_id=activity.id, expected_version=version or 0, **parsed.fields,
            restriction=parsed.restriction, custom_fields=parsed.custom, opportunity_update=parsed.progress,
        ))

    return submit(
        update, on_success=_saved, reader=reader,
        render=lambda errors, conflict, status: _form(
            request, principal, form_deps, mode="edit", record=activity, values=reader.values,
            errors=form_errors(errors), conflict=conflict, status_code=status),
    )


@get("/activities/{raw_id:str}/copy", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def activity_copy(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps, form_deps: FormDeps,
) -> Template:
    """コピー: the new-activity form filled from this one (posts to /activities/new)."""
    activity = load_activity(sales_deps, principal, raw_id)
    ensure_writer(principal)
    values = _values_of(sales_deps, principal, activity, copy=True)
    return _form(request, principal, form_deps, mode="copy", values=values, cancel=f"/activities/{activity.id}")


ROUTES = (activity_new, activity_create, activity_edit, activity_update, activity_copy)
"""This module's pages, registered in the UI router (before activities_pages: /activities/new is a static
path, /activities/{raw_id} a parameter one)."""
