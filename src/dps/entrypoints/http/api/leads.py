"""JSON API: リード leads - search, register (with a duplicate hint), view, change (PATCH with
``expected_version``), delete; follow-up actions; and conversion (商談化)::

    POST /api/v1/leads/{id}/convert
    {"create_opportunity": true, "opportunity_name": "基幹刷新", "stage_code": "10"}
    -> {"lead": {...status_code: "converted"...}, "account_id": ..., "person_id": ..., "opportunity_id": ...}

A lead the caller cannot see is 404; a converted lead cannot be converted again nor deleted (409).
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast
from uuid import UUID

import msgspec
from litestar import Request, delete, get, patch, post
from litestar.params import Parameter
from litestar.types import ControllerRouterHandler

from dps.application.sales.deps import SalesDeps
from dps.application.sales.leads.actions import AddLeadAction, ListLeadActions, UpdateLeadAction
from dps.application.sales.leads.commands import (
    AddLeadActionCommand,
    DeleteLeadCommand,
    RegisterLeadCommand,
    UpdateLeadActionCommand,
    UpdateLeadCommand,
)
from dps.application.sales.leads.convert import ConvertLead, ConvertLeadCommand
from dps.application.sales.leads.manage import DeleteLead, RegisterLead, UpdateLead
from dps.application.sales.leads.ports import LeadQuery
from dps.application.sales.leads.queries import SearchLeads, ViewLead
from dps.application.sales.leads.read_models import LeadListItem
from dps.application.shared.paging import Page
from dps.domain.sales.leads import Lead, LeadAction
from dps.domain.shared.ids import UserId
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.api.leads_schemas import (
    ActionIn,
    ActionListOut,
    ActionOut,
    ActionPatchIn,
    ConversionOut,
    ConvertIn,
    LeadIn,
    LeadItemOut,
    LeadOut,
    LeadPageOut,
    LeadPatchIn,
)
from dps.entrypoints.http.api.record_input import custom_field_filters
from dps.entrypoints.http.api.record_output import item_fields, record_fields
from dps.entrypoints.http.api.sales_common import (
    page_request,
    restriction_of,
    staff_of,
)

SORT_DOC = "updated_at (default -updated_at), created_at, next_action_on, company_name, score; '-' descending"
UNSET: Any = msgspec.UNSET


def lead_url(lead_id: UUID) -> str:
    return f"/leads/{lead_id}"


def lead_out(lead: Lead, *, possible_duplicates: tuple[UUID, ...] = (),
             opportunity_ids: tuple[UUID, ...] = ()) -> LeadOut:
    return LeadOut(
        **record_fields(lead), id=lead.id, url=lead_url(lead.id), company_name=lead.company_name,
        company_kana=lead.company_kana, corporate_number=lead.corporate_number, department=lead.department,
        title=lead.title, last_name=lead.last_name, first_name=lead.first_name, last_name_kana=lead.last_name_kana,
        first_name_kana=lead.first_name_kana, email=lead.email, phone=lead.phone, mobile=lead.mobile,
        postal_code=lead.postal_code, address=lead.address, industry_code=lead.industry_code, size_code=lead.size_code,
        source_code=lead.source_code, source_detail=lead.source_detail, status_code=lead.status_code,
        status_reason=lead.status_reason, campaign_id=lead.campaign_id,
        campaign_follow_status_code=lead.campaign_follow_status_code, next_action_on=lead.next_action_on,
        score=lead.score, converted_account_id=lead.converted_account_id, converted_person_id=lead.converted_person_id,
        converted_at=lead.converted_at, notes=lead.notes, is_restricted=lead.is_restricted,
        possible_duplicates=list(possible_duplicates), opportunity_ids=list(opportunity_ids),
    )


def lead_item_out(i: LeadListItem) -> LeadItemOut:
    return LeadItemOut(
        **item_fields(i), id=i.id, url=lead_url(i.id), company_name=i.company_name, company_kana=i.company_kana,
        corporate_number=i.corporate_number, department=i.department, title=i.title, last_name=i.last_name,
        first_name=i.first_name, last_name_kana=i.last_name_kana, first_name_kana=i.first_name_kana, email=i.email,
        phone=i.phone, mobile=i.mobile, postal_code=i.postal_code, address=i.address, industry_code=i.industry_code,
        size_code=i.size_code, source_code=i.source_code, source_detail=i.source_detail, status_code=i.status_code,
        status_reason=i.status_reason, campaign_id=i.campaign_id,
        campaign_follow_status_code=i.campaign_follow_status_code, next_action_on=i.next_action_on, score=i.score,
        converted_account_id=i.converted_account_id, converted_person_id=i.converted_person_id,
        converted_at=i.converted_at, notes=i.notes,
    )


def lead_page_out(page: Page[LeadListItem]) -> LeadPageOut:
    return LeadPageOut(items=[lead_item_out(i) for i in page.items], next_cursor=page.next_cursor)


def action_out(a: LeadAction) -> ActionOut:
    return ActionOut(id=a.id, lead_id=a.lead_id, action_on=a.action_on, kind_code=a.kind_code,
                     description=a.description, is_done=a.is_done, user_id=a.user_id, created_at=a.created_at)


def sent_fields(data: msgspec.Struct, *, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The fields of a PATCH body that were sent, with staff / restriction / owner as domain values."""
    changes: dict[str, Any] = {}
    for name in data.__struct_fields__:
        value = getattr(data, name)
        if name in skip or value is msgspec.UNSET:
            continue
        if name == "staff":
            value = staff_of(value)
        elif name == "restriction":
            value = restriction_of(value)
        elif name in ("owner_id", "user_id") and value is not None:
            value = cast(UserId, value)
        changes[name] = value
    return changes


@get("/leads", summary="Leads (リード) matching the filters, a page at a time", sync_to_thread=True)
def list_leads_handler(
    request: Request[Any, Any, Any],
    principal: Principal,
    sales_deps: SalesDeps,
    q: str | None = Parameter(query="q", default=None, description="company, names, kana or e-mail"),
    status_code: str | None = Parameter(query="status_code", default=None, description="a lead_status code"),
    source_code: str | None = Parameter(query="source_code", default=None, description="a lead_source code"),
    campaign_id: UUID | None = Parameter(query="campaign_id", default=None),
    owner_id: UUID | None = Parameter(query="owner_id", default=None),
    staff_id: UUID | None = Parameter(query="staff_id", default=None),
    mine: bool = Parameter(query="mine", default=False, description="自担当: mine and my organisations'"),
    next_action_from: date | None = Parameter(query="next_action_from", default=None),
    next_action_to: date | None = Parameter(query="next_action_to", default=None),
    converted: bool | None = Parameter(query="converted", default=None),
    sort: str | None = Parameter(query="sort", default=None, description=SORT_DOC),
    limit: int = Parameter(query="limit", default=50, description="1-200"),
    cursor: str | None = Parameter(query="cursor", default=None, description="next_cursor of the previous page"),
) -> LeadPageOut:
    """Custom fields filter as ``cf.<key>=<value>``."""
    query = LeadQuery(
        q=q, status_code=status_code, source_code=source_code, campaign_id=campaign_id,
        owner_id=cast(UserId | None, owner_id), staff_id=cast(UserId | None, staff_id), mine=mine,
        next_action_from=next_action_from, next_action_to=next_action_to, converted=converted,
        custom_fields=custom_field_filters(request),
    )
    return lead_page_out(SearchLeads(sales_deps)(principal, query, page_request(limit, cursor, sort)))


@post("/leads", summary="Register a lead (possible_duplicates: visible leads with the same e-mail)",
      status_code=201, sync_to_thread=True)
def create_lead_handler(principal: Principal, data: LeadIn, sales_deps: SalesDeps) -> LeadOut:
    values = sent_fields(data)
    cmd = RegisterLeadCommand(**values)
    registered = RegisterLead(sales_deps)(principal, cmd)
    return lead_out(registered.lead, possible_duplicates=registered.possible_duplicates)


@get("/leads/{lead_id:uuid}", summary="One lead", sync_to_thread=True)
def get_lead_handler(principal: Principal, lead_id: UUID, sales_deps: SalesDeps) -> LeadOut:
    detail = ViewLead(sales_deps)(principal, lead_id)
    return lead_out(detail.lead, opportunity_ids=detail.opportunity_ids)


@patch("/leads/{lead_id:uuid}", summary="Change a lead (the fields sent)", sync_to_thread=True)
def update_lead_handler(principal: Principal, lead_id: UUID, data: LeadPatchIn, sales_deps: SalesDeps) -> LeadOut:
    cmd = UpdateLeadCommand(lead_id=lead_id, expected_version=data.expected_version,
                            changes=sent_fields(data, skip=frozenset({"expected_version"})))
    return lead_out(UpdateLead(sales_deps)(principal, cmd))


@delete("/leads/{lead_id:uuid}", summary="Delete a lead (not once converted)", status_code=204,
        sync_to_thread=True)
def delete_lead_handler(
    principal: Principal, lead_id: UUID, sales_deps: SalesDeps,
    expected_version: int | None = Parameter(query="expected_version", default=None,
                                             description="refuse (409) if the lead changed since"),
) -> None:
    DeleteLead(sales_deps)(principal, DeleteLeadCommand(lead_id=lead_id, expected_version=expected_version))


@get("/leads/{lead_id:uuid}/actions", summary="The lead's follow-up actions by date", sync_to_thread=True)
def list_lead_actions_handler(principal: Principal, lead_id: UUID, sales_deps: SalesDeps) -> ActionListOut:
    return ActionListOut(items=[action_out(a) for a in ListLeadActions(sales_deps)(principal, lead_id)])


@post("/leads/{lead_id:uuid}/actions", summary="Plan a follow-up action", status_code=201, sync_to_thread=True)
def add_lead_action_handler(principal: Principal, lead_id: UUID, data: ActionIn, sales_deps: SalesDeps) -> ActionOut:
    cmd = AddLeadActionCommand(lead_id=lead_id, **sent_fields(data))
    return action_out(AddLeadAction(sales_deps)(principal, cmd))


@patch("/leads/{lead_id:uuid}/actions/{action_id:uuid}", summary="Change an action or mark it done",
       sync_to_thread=True)
def update_lead_action_handler(
    principal: Principal, lead_id: UUID, action_id: UUID, data: ActionPatchIn, sales_deps: SalesDeps
) -> ActionOut:
    cmd = UpdateLeadActionCommand(lead_id=lead_id, action_id=action_id, changes=sent_fields(data))
    return action_out(UpdateLeadAction(sales_deps)(principal, cmd))


@post("/leads/{lead_id:uuid}/convert", summary="商談化: convert into account + person (+ opportunity)",
      status_code=200, sync_to_thread=True)
def convert_lead_handler(
    principal: Principal, lead_id: UUID, sales_deps: SalesDeps, data: ConvertIn | None = None
) -> ConversionOut:
    body = data or ConvertIn()
    cmd = ConvertLeadCommand(lead_id=lead_id, **sent_fields(body))
    done = ConvertLead(sales_deps)(principal, cmd)
    return ConversionOut(lead=lead_out(done.lead), account_id=done.account_id, person_id=done.person_id,
                         opportunity_id=done.opportunity_id, account_created=done.account_created)


ROUTES: list[ControllerRouterHandler] = [
    list_leads_handler, create_lead_handler, get_lead_handler, update_lead_handler, delete_lead_handler,
    list_lead_actions_handler, add_lead_action_handler, update_lead_action_handler, convert_lead_handler,
]
"""The handlers of this module, mounted under /api/v1 by the app factory."""
