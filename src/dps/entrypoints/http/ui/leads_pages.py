"""リード screens (leads, S3): list, detail (actions, comments, conversion links), forms, 変換 (商談化).

The record parts (custom fields, 非公開 allow-list, staff, user names) come from `record_forms`, the code
lists from `code_choices`; the comments card is shared with the campaign screens.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast
from uuid import UUID

from attrs import frozen
from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from dps.application.catalog.code_lists import ListCodeLists
from dps.application.directory.users import UserIndex
from dps.application.sales.activities.commands import SearchActivitiesQuery
from dps.application.sales.activities.ports import ActivitySearch
from dps.application.sales.activities.queries import SearchActivities
from dps.application.sales.campaigns.ports import CampaignQuery
from dps.application.sales.campaigns.queries import SearchCampaigns
from dps.application.sales.collaboration.attachments import ListAttachments
from dps.application.sales.collaboration.comments import AddComment, AddCommentCommand
from dps.application.sales.collaboration.views import CommentView
from dps.application.sales.deps import SalesDeps
from dps.application.sales.leads.actions import ListLeadActions
from dps.application.sales.leads.commands import (
    DeleteLeadCommand,
    RegisterLeadCommand,
    UpdateLeadCommand,
)
from dps.application.sales.leads.manage import DeleteLead, LeadRegistered, RegisterLead, UpdateLead
from dps.application.sales.leads.ports import LeadQuery
from dps.application.sales.leads.queries import LeadDetail, SearchLeads, ViewLead
from dps.application.sales.record_people import GetRelations
from dps.application.shared.errors import Conflict
from dps.application.shared.guards import ensure_can_write
from dps.application.shared.paging import PageRequest
from dps.domain.catalog.code_lists import CodeList
from dps.domain.sales.leads import CONVERTED, Lead
from dps.domain.sales.records import RecordType, Relation
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.ui.code_choices import code_labels_of, code_lists_by_key, code_options, is_english
from dps.entrypoints.http.ui.forms import FormBody, submit
from dps.entrypoints.http.ui.listing import Pager, query_values
from dps.entrypoints.http.ui.pages import page
from dps.entrypoints.http.ui.query_form import FieldReader
from dps.entrypoints.http.ui.record_cards_pages import record_comments
from dps.entrypoints.http.ui.record_forms import (
    FORM_DEPENDENCIES,
    CustomFieldView,
    FormDeps,
    RecordPeople,
    custom_field_values,
    custom_field_views,
    form_errors,
    form_version,
    is_fetch,
    read_custom_fields,
    read_restriction,
    read_staff,
    restriction_values,
    staff_values,
    user_names,
)
from dps.entrypoints.http.ui.records import not_found_page, record_id

# --- leads ---------------------------------------------------------------------------------------

ENTITY = "lead"
SORTS = ("updated_at", "created_at", "next_action_on", "company_name", "score")
TEXT_FIELDS = (
    "company_name", "company_kana", "department", "title", "last_name", "first_name", "last_name_kana",
    "first_name_kana", "email", "phone", "mobile", "postal_code", "address", "source_detail", "status_reason",
    "notes",
)
CODE_FIELDS = ("industry_code", "size_code", "source_code", "status_code", "campaign_follow_status_code")
CAMPAIGN_NAMES_LIMIT = 200
PART_ERRORS = {"staff": "staff_ids", "restriction": "allowed_user_ids"}
"""The use case's names of the record parts as the lead and campaign forms name them."""
RELATED_ROWS = 5


def _campaign_names(principal: Principal, sales_deps: SalesDeps) -> dict[str, str]:
    """Names of the visible campaigns (one query), for showing a lead's campaign by name."""
    found = SearchCampaigns(sales_deps)(principal, CampaignQuery(), PageRequest(limit=CAMPAIGN_NAMES_LIMIT))
    return {str(c.id): c.name for c in found.items}


def _lead_query(form: FieldReader) -> LeadQuery:
    return LeadQuery(
        q=form.text("q"), status_code=form.text("status_code"), source_code=form.text("source_code"),
        campaign_id=form.uuid("campaign_id"), mine=form.flag("mine"), converted=form.tristate("converted"),
        next_action_from=form.date("next_action_from"), next_action_to=form.date("next_action_to"),
    )


@get("/leads", include_in_schema=False, sync_to_thread=True)
def leads_list(
    request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps, list_code_lists: ListCodeLists,
    user_index: UserIndex,
) -> Template:
    form = FieldReader(request.query_params)
    query = _lead_query(form)
    pager = Pager.of(request.query_params, sorts=SORTS, default_sort="-updated_at")
    if not form.errors:
        pager = pager.with_page(SearchLeads(sales_deps)(principal, query, pager.page_request()))
    lists = code_lists_by_key(principal, list_code_lists)
    english = is_english(principal)
    campaigns = _campaign_names(principal, sales_deps)
    return page(request, "leads/list.html", context={
        "pager": pager, "errors": form.errors, "values": query_values(request.query_params),
        "labels": code_labels_of(lists, english), "users": user_names(principal, user_index),
        "campaigns": campaigns,
        "campaign_label": campaigns.get(str(query.campaign_id), "") if query.campaign_id else "",
        "status_options": code_options(lists, "lead_status", english=english),
        "source_options": code_options(lists, "lead_source", english=english),
    })


# -- forms


def _values_of(lead: Lead, campaigns: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(lead, name) or "" for name in (*TEXT_FIELDS, *CODE_FIELDS)}
    values |= {
        "corporate_number": lead.corporate_number or "",
        "campaign_id": str(lead.campaign_id) if lead.campaign_id else "",
        "campaign_id_label": campaigns.get(str(lead.campaign_id), "") if lead.campaign_id else "",
        "next_action_on": lead.next_action_on.isoformat() if lead.next_action_on else "",
        "score": "" if lead.score is None else str(lead.score),
        "staff_ids": staff_values(lead), "version": lead.version,
        **restriction_values(lead), **custom_field_values(lead),
    }
    return values


def _content(form: FieldReader, defs: Sequence[CustomFieldView], *, converted: bool = False) -> dict[str, Any]:
    """Every field of the lead form as the use cases name them (the status stays off a converted lead)."""
    content: dict[str, Any] = {name: form.raw(name) for name in TEXT_FIELDS}
    for name in CODE_FIELDS:
        if not (converted and name == "status_code"):
            content[name] = form.text(name)
    content |= {
        "corporate_number": form.text("corporate_number"), "campaign_id": form.uuid("campaign_id"),
        "next_action_on": form.date("next_action_on"), "score": form.integer("score"),
        "staff": read_staff(form), "restriction": read_restriction(form),
        "custom_fields": read_custom_fields(form, defs, drop_empty=True),
    }
    form.raw("campaign_id_label")
    return content


@frozen
class LeadForm:
    """What the lead form template needs besides the values."""

    request: Request[Any, Any, Any]
    principal: Principal
    sales_deps: SalesDeps
    lists: dict[str, CodeList]
    defs: list[CustomFieldView]
    people: RecordPeople

    def render(
        self, template: str, values: Mapping[str, Any], errors: Mapping[str, str], *, status: int = 200,
        conflict: Conflict | None = None, lead: Lead | None = None, action: str = "/leads/new",
    ) -> Template:
        english = is_english(self.principal)
        keep = {name: values.get(name) for name in CODE_FIELDS}
        return page(self.request, template, status_code=status, context={
            "values": values, "errors": form_errors(errors, PART_ERRORS), "conflict": conflict, "lead": lead,
            "action": action, "cancel_href": f"/leads/{lead.id}" if lead else "/leads",
            "definitions": self.defs, **self.people.context(values),
            "options": {
                "status_code": code_options(self.lists, "lead_status", keep=cast(str | None, keep["status_code"]),
                                            skip=(CONVERTED,), english=english),
                "source_code": code_options(self.lists, "lead_source", keep=cast(str | None, keep["source_code"]),
                                            english=english),
                "industry_code": code_options(self.lists, "industry", keep=cast(str | None, keep["industry_code"]),
                                              english=english),
                "size_code": code_options(self.lists, "company_size", keep=cast(str | None, keep["size_code"]),
                                          english=english),
                "campaign_follow_status_code": code_options(
                    self.lists, "campaign_follow_status",
                    keep=cast(str | None, keep["campaign_follow_status_code"]), english=english),
            },
            "labels": code_labels_of(self.lists, english),
        })


def _lead_form(d: FormDeps) -> LeadForm:
    lists = d.lists()
    return LeadForm(
        request=d.request, principal=d.principal, sales_deps=d.sales, lists=lists,
        defs=d.custom_fields(ENTITY, lists, english=is_english(d.principal)), people=d.people(with_codes=True),
    )


@get("/leads/new", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def lead_new(
    request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps, form_deps: FormDeps,
) -> Template:
    ensure_can_write(principal, sales_deps.audit, "lead.create")
    form = _lead_form(form_deps)
    values: dict[str, Any] = {"status_code": "new", "staff_ids": [str(principal.user_id)]}
    campaign = FieldReader(request.query_params).uuid("campaign_id")
    if campaign is not None:
        values |= {"campaign_id": str(campaign),
                   "campaign_id_label": _campaign_names(principal, sales_deps).get(str(campaign), "")}
    return form.render("leads/form.html", values, {})


@post("/leads/new", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def lead_create(principal: Principal, data: FormBody, sales_deps: SalesDeps, form_deps: FormDeps) -> Response[Any]:
    form = FieldReader(data)
    ui = _lead_form(form_deps)
    content = _content(form, ui.defs)

    def register() -> LeadRegistered:
        return RegisterLead(sales_deps)(principal, RegisterLeadCommand(**content))

    return submit(
        register,
        on_success=lambda done: Redirect(f"/leads/{done.lead.id}", status_code=303),
        render=lambda errors, conflict, status: ui.render("leads/form.html", form.values, errors, status=status,
                                                          conflict=conflict),
        reader=form,
    )


@get("/leads/{raw_id:str}/edit", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def lead_edit(principal: Principal, raw_id: str, sales_deps: SalesDeps, form_deps: FormDeps) -> Template:
    with not_found_page():
        lead = ViewLead(sales_deps)(principal, record_id(ENTITY, raw_id)).lead
    ensure_can_write(principal, sales_deps.audit, "lead.update")
    ui = _lead_form(form_deps)
    values = _values_of(lead, _campaign_names(principal, sales_deps))
    return ui.render("leads/form.html", values, {}, lead=lead, action=f"/leads/{lead.id}/edit")


@post("/leads/{raw_id:str}/edit", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def lead_update(
    principal: Principal, raw_id: str, data: FormBody, sales_deps: SalesDeps, form_deps: FormDeps,
) -> Response[Any]:
    with not_found_page():
        lead = ViewLead(sales_deps)(principal, record_id(ENTITY, raw_id)).lead
    form = FieldReader(data)
    ui = _lead_form(form_deps)
    version = form_version(form)
    changes = _content(form, ui.defs, converted=lead.is_converted)

    def update() -> Lead:
        return UpdateLead(sales_deps)(principal, UpdateLeadCommand(
            lead_id=lead.id, expected_version=version, changes=changes))

    return submit(
        update,
        on_success=lambda saved: Redirect(f"/leads/{saved.id}", status_code=303),
        render=lambda errors, conflict, status: ui.render(
            "leads/form.html", form.values, errors, status=status, conflict=conflict, lead=lead,
            action=f"/leads/{lead.id}/edit"),
        reader=form,
    )


@post("/leads/{raw_id:str}/delete", include_in_schema=False, sync_to_thread=True)
def lead_delete(principal: Principal, raw_id: str, data: FormBody, sales_deps: SalesDeps) -> Redirect:
    form = FieldReader(data)
    with not_found_page():
        DeleteLead(sales_deps)(principal, DeleteLeadCommand(
            lead_id=record_id(ENTITY, raw_id), expected_version=form.integer("version")))
    return Redirect("/leads", status_code=303)


# -- detail


def detail_context(
    principal: Principal, sales_deps: SalesDeps, detail: LeadDetail, list_code_lists: ListCodeLists,
    user_index: UserIndex,
) -> dict[str, Any]:
    lead = detail.lead
    lists = code_lists_by_key(principal, list_code_lists)
    english = is_english(principal)
    campaigns = _campaign_names(principal, sales_deps) if lead.campaign_id else {}
    return {
        "record": lead, "detail": detail, "labels": code_labels_of(lists, english),
        "users": user_names(principal, user_index), "me": principal.user_id,
        "campaign_name": campaigns.get(str(lead.campaign_id), "") if lead.campaign_id else "",
        "actions": ListLeadActions(sales_deps)(principal, lead.id),
        "comments": lead_comments(principal, sales_deps, RecordType.LEAD, lead.id),
        "comments_action": f"/leads/{lead.id}/comments",
        "action_kinds": code_options(lists, "activity_kind", english=english),
        "stage_options": code_options(lists, "opportunity_stage", english=english),
        "definitions": custom_field_views(principal, sales_deps, ENTITY, lists, english=english),
        "activities": SearchActivities(sales_deps)(principal, SearchActivitiesQuery(
            search=ActivitySearch(lead_id=lead.id), page=PageRequest(limit=RELATED_ROWS, count=True))),
        **record_cards(principal, sales_deps, RecordType.LEAD, lead.id,
                       GetRelations(sales_deps)(principal, RecordType.LEAD, lead.id).relations),
    }


@get("/leads/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def lead_page(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists, user_index: UserIndex,
) -> Template:
    with not_found_page():
        detail = ViewLead(sales_deps)(principal, record_id(ENTITY, raw_id))
    context = detail_context(principal, sales_deps, detail, list_code_lists, user_index)
    return page(request, "leads/detail.html", context=context | {"values": {}, "errors": {}})


# -- conversion (商談化)


COMMENT_PAGE = 50


def record_cards(
    principal: Principal, sales_deps: SalesDeps, record_type: RecordType, target: UUID,
    relations: Sequence[Relation],
) -> dict[str, Any]:
    """The shared 関係者 and 添付ファイル cards of a lead or campaign page (a fixed number of reads).
    Their relations are persons of any account, so they show without names."""
    return {"relations": relations, "relation_names": {},
            "attachments": ListAttachments(sales_deps)(principal, record_type, target)}


def lead_comments(
    principal: Principal, sales_deps: SalesDeps, record_type: RecordType, target: UUID,
) -> Sequence[CommentView]:
    """The comments card of a lead or campaign page (the newest 50)."""
    return record_comments(sales_deps, principal, record_type, target, limit=COMMENT_PAGE)


def add_comment(
    request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps, record_type: RecordType,
    raw_id: str, data: Mapping[str, Any], base: str,
) -> Response[Any]:
    """A comment posted from a record page (light users too): the comments card for dps.js (which swaps
    it in place), else back to the page (303). An empty comment is simply ignored."""
    form = FieldReader(data)
    with not_found_page():
        target = record_id(record_type.value, raw_id)
        body = form.raw("body")
        if body:
            AddComment(sales_deps)(principal, AddCommentCommand(record_type=record_type, record_id=target, body=body))
        if is_fetch(request):
            return page(request, "leads/_comments.html", context={
                "comments": lead_comments(principal, sales_deps, record_type, target),
                "comments_action": f"{base}/{target}/comments"})
    return Redirect(f"{base}/{target}#comments", status_code=303)


@post("/leads/{raw_id:str}/comments", include_in_schema=False, sync_to_thread=True)
def lead_comment(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, data: FormBody, sales_deps: SalesDeps,
) -> Response[Any]:
    return add_comment(request, principal, sales_deps, RecordType.LEAD, raw_id, data, "/leads")


ROUTES = (leads_list, lead_new, lead_create, lead_edit, lead_update, lead_delete, lead_comment, lead_page)
"""This module's pages, registered in the UI router (static paths before parameter ones)."""
