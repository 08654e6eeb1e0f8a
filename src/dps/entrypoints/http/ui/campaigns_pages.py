"""キャンペーン screens (campaigns, S2): list, detail (effect, staff, relations, related leads /
opportunities / activities), forms new / edit / copy, delete, comments."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from attrs import frozen
from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from dps.application.catalog.code_lists import ListCodeLists
from dps.application.directory.users import UserIndex
from dps.application.sales.activities.commands import SearchActivitiesQuery
from dps.application.sales.activities.ports import ActivitySearch
from dps.application.sales.activities.queries import SearchActivities
from dps.application.sales.campaigns.commands import (
    DeleteCampaignCommand,
    RegisterCampaignCommand,
    UpdateCampaignCommand,
)
from dps.application.sales.campaigns.manage import DeleteCampaign, RegisterCampaign, UpdateCampaign
from dps.application.sales.campaigns.ports import CampaignQuery
from dps.application.sales.campaigns.queries import ListCampaignLeads, SearchCampaigns, ViewCampaign
from dps.application.sales.deps import SalesDeps
from dps.application.sales.opportunities.queries import SearchOpportunities
from dps.application.sales.opportunities.read_models import OpportunitySearch
from dps.application.shared.errors import Conflict, NotFound
from dps.application.shared.guards import ensure_can_write
from dps.application.shared.paging import PageRequest
from dps.domain.catalog.code_lists import CodeList
from dps.domain.sales.campaigns import Campaign
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.ui.code_choices import code_labels_of, code_lists_by_key, code_options, is_english
from dps.entrypoints.http.ui.forms import FormBody, submit
from dps.entrypoints.http.ui.leads_pages import PART_ERRORS, add_comment, lead_comments, record_cards
from dps.entrypoints.http.ui.listing import Pager, query_values, searched
from dps.entrypoints.http.ui.pages import page
from dps.entrypoints.http.ui.query_form import FieldReader
from dps.entrypoints.http.ui.record_forms import (
    FORM_DEPENDENCIES,
    CustomFieldView,
    FormDeps,
    RecordPeople,
    custom_field_values,
    custom_field_views,
    form_errors,
    form_version,
    read_custom_fields,
    read_restriction,
    read_staff,
    restriction_values,
    staff_values,
    user_names,
)
from dps.entrypoints.http.ui.records import not_found_page, record_id

ENTITY = "campaign"
SORTS = ("starts_on", "name", "updated_at", "created_at")
TEXT_FIELDS = ("name", "expected_effect", "description")
AMOUNT_FIELDS = ("budget_amount", "actual_cost", "target_amount")
COUNT_FIELDS = ("target_leads", "target_opportunities")
RELATED_ROWS = 5


def _related(rows: int = RELATED_ROWS) -> PageRequest:
    return PageRequest(limit=rows, count=True)


@get("/campaigns", include_in_schema=False, sync_to_thread=True)
def campaigns_list(
    request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps, list_code_lists: ListCodeLists,
    user_index: UserIndex,
) -> Template:
    form = FieldReader(request.query_params)
    query = CampaignQuery(
        q=form.text("q"), status_code=form.text("status_code"), kind_code=form.text("kind_code"),
        period_from=form.date("period_from"), period_to=form.date("period_to"), mine=form.flag("mine"),
    )
    pager = Pager.of(request.query_params, sorts=SORTS, default_sort="-starts_on")
    pager, errors = searched(pager, form.errors, lambda request: SearchCampaigns(sales_deps)(principal, query, request))
    lists = code_lists_by_key(principal, list_code_lists)
    english = is_english(principal)
    return page(request, "campaigns/list.html", context={
        "pager": pager, "errors": errors, "values": query_values(request.query_params),
        "labels": code_labels_of(lists, english), "users": user_names(principal, user_index),
        "status_options": code_options(lists, "campaign_status", english=english),
        "kind_options": code_options(lists, "campaign_kind", english=english),
    })


# -- forms


def _values_of(campaign: Campaign, parent_name: str = "") -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(campaign, name) or "" for name in TEXT_FIELDS}
    values |= {name: "" if getattr(campaign, name) is None else str(getattr(campaign, name))
               for name in (*AMOUNT_FIELDS, *COUNT_FIELDS)}
    values |= {
        "kind_code": campaign.kind_code or "", "status_code": campaign.status_code or "",
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat() if campaign.ends_on else "",
        "parent_campaign_id": str(campaign.parent_campaign_id) if campaign.parent_campaign_id else "",
        "parent_campaign_id_label": parent_name,
        "staff_ids": staff_values(campaign), "version": campaign.version,
        **restriction_values(campaign), **custom_field_values(campaign),
    }
    return values


def _content(form: FieldReader, defs: list[CustomFieldView]) -> dict[str, Any]:
    content: dict[str, Any] = {name: form.raw(name) for name in TEXT_FIELDS}
    content |= {name: form.decimal(name) for name in AMOUNT_FIELDS}
    content |= {name: form.integer(name) for name in COUNT_FIELDS}
    content |= {
        "kind_code": form.text("kind_code"), "status_code": form.text("status_code"),
        "starts_on": form.date("starts_on"), "ends_on": form.date("ends_on"),
        "parent_campaign_id": form.uuid("parent_campaign_id"),
        "staff": read_staff(form), "restriction": read_restriction(form),
        "custom_fields": read_custom_fields(form, defs, drop_empty=True),
    }
    if content["starts_on"] is None and "starts_on" not in form.errors:
        form.errors["starts_on"] = "開始日を入力してください / the start date is required"
    form.raw("parent_campaign_id_label")
    return content


@frozen
class CampaignForm:
    request: Request[Any, Any, Any]
    principal: Principal
    lists: dict[str, CodeList]
    defs: list[CustomFieldView]
    people: RecordPeople

    def render(
        self, values: Mapping[str, Any], errors: Mapping[str, str], *, status: int = 200,
        conflict: Conflict | None = None, campaign: Campaign | None = None, action: str = "/campaigns/new",
        title_key: str = "camp.new_title",
    ) -> Template:
        english = is_english(self.principal)
        return page(self.request, "campaigns/form.html", status_code=status, context={
            "values": values, "errors": form_errors(errors, PART_ERRORS), "conflict": conflict,
            "campaign": campaign, "action": action, "title_key": title_key,
            "cancel_href": f"/campaigns/{campaign.id}" if campaign else "/campaigns",
            "definitions": self.defs, **self.people.context(values),
            "kind_options": code_options(self.lists, "campaign_kind", keep=values.get("kind_code") or None,
                                         english=english),
            "status_options": code_options(self.lists, "campaign_status", keep=values.get("status_code") or None,
                                           english=english),
        })


def _campaign_form(d: FormDeps) -> CampaignForm:
    lists = d.lists()
    return CampaignForm(
        request=d.request, principal=d.principal, lists=lists,
        defs=d.custom_fields(ENTITY, lists, english=is_english(d.principal)), people=d.people(with_codes=True),
    )


def _parent_name(principal: Principal, sales_deps: SalesDeps, campaign: Campaign) -> str:
    if campaign.parent_campaign_id is None:
        return ""
    try:
        return ViewCampaign(sales_deps)(principal, campaign.parent_campaign_id).campaign.name
    except NotFound:  # a parent the user may not see: shown without its name
        return ""


@get("/campaigns/new", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def campaign_new(principal: Principal, sales_deps: SalesDeps, form_deps: FormDeps) -> Template:
    ensure_can_write(principal, sales_deps.audit, "campaign.create")
    ui = _campaign_form(form_deps)
    return ui.render({"staff_ids": [str(principal.user_id)]}, {})


@post("/campaigns/new", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def campaign_create(principal: Principal, data: FormBody, sales_deps: SalesDeps, form_deps: FormDeps) -> Response[Any]:
    form = FieldReader(data)
    ui = _campaign_form(form_deps)
    content = _content(form, ui.defs)
    copy_of = form.text("copy_of")

    def register() -> Campaign:
        return RegisterCampaign(sales_deps)(principal, RegisterCampaignCommand(**content))

    return submit(
        register,
        on_success=lambda saved: Redirect(f"/campaigns/{saved.id}", status_code=303),
        render=lambda errors, conflict, status: ui.render(
            form.values, errors, status=status, conflict=conflict,
            title_key="camp.copy_title" if copy_of else "camp.new_title"),
        reader=form,
    )


@get("/campaigns/{raw_id:str}/copy", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def campaign_copy(principal: Principal, raw_id: str, sales_deps: SalesDeps, form_deps: FormDeps) -> Template:
    """コピー: the new-campaign form filled from the campaign (posted to /campaigns/new)."""
    with not_found_page():
        source = ViewCampaign(sales_deps)(principal, record_id(ENTITY, raw_id)).campaign
    ensure_can_write(principal, sales_deps.audit, "campaign.copy")
    ui = _campaign_form(form_deps)
    values = _values_of(source, _parent_name(principal, sales_deps, source))
    values.pop("version")
    values["name"] = f"{source.name}{'(copy)' if is_english(principal) else 'のコピー'}"
    values["copy_of"] = str(source.id)
    return ui.render(values, {}, title_key="camp.copy_title")


@get("/campaigns/{raw_id:str}/edit", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def campaign_edit(principal: Principal, raw_id: str, sales_deps: SalesDeps, form_deps: FormDeps) -> Template:
    with not_found_page():
        campaign = ViewCampaign(sales_deps)(principal, record_id(ENTITY, raw_id)).campaign
    ensure_can_write(principal, sales_deps.audit, "campaign.update")
    ui = _campaign_form(form_deps)
    values = _values_of(campaign, _parent_name(principal, sales_deps, campaign))
    return ui.render(values, {}, campaign=campaign, action=f"/campaigns/{campaign.id}/edit",
                     title_key="camp.edit_title")


@post("/campaigns/{raw_id:str}/edit", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def campaign_update(
    principal: Principal, raw_id: str, data: FormBody, sales_deps: SalesDeps, form_deps: FormDeps,
) -> Response[Any]:
    with not_found_page():
        campaign = ViewCampaign(sales_deps)(principal, record_id(ENTITY, raw_id)).campaign
    form = FieldReader(data)
    ui = _campaign_form(form_deps)
    version = form_version(form)
    changes = _content(form, ui.defs)

    def update() -> Campaign:
        return UpdateCampaign(sales_deps)(principal, UpdateCampaignCommand(
            campaign_id=campaign.id, expected_version=version,
            changes=changes))

    return submit(
        update,
        on_success=lambda saved: Redirect(f"/campaigns/{saved.id}", status_code=303),
        render=lambda errors, conflict, status: ui.render(
            form.values, errors, status=status, conflict=conflict, campaign=campaign,
            action=f"/campaigns/{campaign.id}/edit", title_key="camp.edit_title"),
        reader=form,
    )


@post("/campaigns/{raw_id:str}/delete", include_in_schema=False, sync_to_thread=True)
def campaign_delete(principal: Principal, raw_id: str, data: FormBody, sales_deps: SalesDeps) -> Redirect:
    form = FieldReader(data)
    with not_found_page():
        DeleteCampaign(sales_deps)(principal, DeleteCampaignCommand(
            campaign_id=record_id(ENTITY, raw_id), expected_version=form.integer("version")))
    return Redirect("/campaigns", status_code=303)


@post("/campaigns/{raw_id:str}/comments", include_in_schema=False, sync_to_thread=True)
def campaign_comment(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, data: FormBody, sales_deps: SalesDeps,
) -> Response[Any]:
    return add_comment(request, principal, sales_deps, RecordType.CAMPAIGN, raw_id, data, "/campaigns")


# -- detail


def _related_lists(principal: Principal, sales_deps: SalesDeps, campaign_id: UUID) -> dict[str, Any]:
    """The campaign's leads, opportunities and activities: 5 rows each with their counts."""
    return {
        "leads": ListCampaignLeads(sales_deps)(principal, campaign_id, _related()),
        "opportunities": SearchOpportunities(sales_deps)(
            principal, OpportunitySearch(campaign_id=campaign_id), _related()),
        "activities": SearchActivities(sales_deps)(principal, SearchActivitiesQuery(
            search=ActivitySearch(campaign_id=campaign_id), page=_related())),
    }


@get("/campaigns/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def campaign_page(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists, user_index: UserIndex,
) -> Template:
    with not_found_page():
        detail = ViewCampaign(sales_deps)(principal, record_id(ENTITY, raw_id))
    campaign = detail.campaign
    lists = code_lists_by_key(principal, list_code_lists)
    return page(request, "campaigns/detail.html", context={
        "record": campaign, "detail": detail, "labels": code_labels_of(lists, is_english(principal)),
        "users": user_names(principal, user_index), "me": principal.user_id,
        "parent_name": _parent_name(principal, sales_deps, campaign),
        "definitions": custom_field_views(principal, sales_deps, ENTITY, lists, english=is_english(principal)),
        "comments": lead_comments(principal, sales_deps, RecordType.CAMPAIGN, campaign.id),
        "comments_action": f"/campaigns/{campaign.id}/comments",
        **_related_lists(principal, sales_deps, campaign.id),
        **record_cards(principal, sales_deps, RecordType.CAMPAIGN, campaign.id, campaign.relations),
    })


ROUTES = (
    campaigns_list, campaign_new, campaign_create, campaign_copy, campaign_edit, campaign_update, campaign_delete,
    campaign_comment, campaign_page,
)
"""This module's pages, registered in the UI router (static paths before parameter ones)."""
