"""JSON API: キャンペーン campaigns - search, register, view (with its effect summary), change (PATCH
with ``expected_version``), copy, delete; the 招待リスト (members) and the campaign's leads.

The campaign's opportunities and activities are listed by their own modules
(``/campaigns/{id}/opportunities``, ``/campaigns/{id}/activities``). A campaign the caller cannot
see is 404; deleting one that opportunities, activities, leads or child campaigns refer to is 409.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast
from uuid import UUID

import msgspec
from litestar import Request, delete, get, patch, post
from litestar.params import Parameter
from litestar.types import ControllerRouterHandler

from dps.application.sales.campaigns.commands import (
    AddMemberCommand,
    CopyCampaignCommand,
    DeleteCampaignCommand,
    RegisterCampaignCommand,
    UpdateCampaignCommand,
    UpdateMemberCommand,
)
from dps.application.sales.campaigns.manage import CopyCampaign, DeleteCampaign, RegisterCampaign, UpdateCampaign
from dps.application.sales.campaigns.members import (
    AddCampaignMember,
    ListCampaignMembers,
    RemoveCampaignMember,
    UpdateCampaignMember,
)
from dps.application.sales.campaigns.ports import CampaignQuery, MemberEntry
from dps.application.sales.campaigns.queries import ListCampaignLeads, SearchCampaigns, ViewCampaign
from dps.application.sales.campaigns.read_models import CampaignListItem
from dps.application.sales.deps import SalesDeps
from dps.application.sales.leads.ports import LeadQuery
from dps.domain.sales.campaigns import Campaign, CampaignMember, CampaignSummary
from dps.domain.shared.ids import UserId
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.api.campaigns_schemas import (
    CampaignCopyIn,
    CampaignIn,
    CampaignItemOut,
    CampaignMemberIn,
    CampaignOut,
    CampaignPageOut,
    CampaignPatchIn,
    MemberOut,
    MemberPageOut,
    MemberPatchIn,
    SummaryOut,
)
from dps.entrypoints.http.api.leads import (
    SORT_DOC as LEAD_SORT_DOC,
)
from dps.entrypoints.http.api.leads import lead_page_out, sent_fields
from dps.entrypoints.http.api.leads_schemas import LeadPageOut
from dps.entrypoints.http.api.record_input import custom_field_filters
from dps.entrypoints.http.api.record_output import item_fields, record_fields
from dps.entrypoints.http.api.sales_common import (
    page_request,
    relations_of,
    relations_out,
)

SORT_DOC = "starts_on (default -starts_on), name, updated_at, created_at; '-' for descending"
UNSET: Any = msgspec.UNSET


def summary_out(s: CampaignSummary) -> SummaryOut:
    return SummaryOut(members=s.members, attended=s.attended, leads=s.leads, converted_leads=s.converted_leads,
                      attendance_rate=s.attendance_rate, conversion_rate=s.conversion_rate)


def campaign_url(campaign_id: UUID) -> str:
    return f"/campaigns/{campaign_id}"


def campaign_item_out(i: CampaignListItem) -> CampaignItemOut:
    return CampaignItemOut(
        **item_fields(i), id=i.id, url=campaign_url(i.id), name=i.name, kind_code=i.kind_code,
        status_code=i.status_code, starts_on=i.starts_on, ends_on=i.ends_on, budget_amount=i.budget_amount,
        actual_cost=i.actual_cost, expected_effect=i.expected_effect, target_leads=i.target_leads,
        target_opportunities=i.target_opportunities, target_amount=i.target_amount, description=i.description,
        parent_campaign_id=i.parent_campaign_id,
    )


def campaign_out(c: Campaign, summary: CampaignSummary | None = None) -> CampaignOut:
    return CampaignOut(
        **record_fields(c), id=c.id, url=campaign_url(c.id), name=c.name, kind_code=c.kind_code,
        status_code=c.status_code, starts_on=c.starts_on, ends_on=c.ends_on, budget_amount=c.budget_amount,
        actual_cost=c.actual_cost, expected_effect=c.expected_effect, target_leads=c.target_leads,
        target_opportunities=c.target_opportunities, target_amount=c.target_amount, description=c.description,
        parent_campaign_id=c.parent_campaign_id, relations=relations_out(c.relations), is_restricted=c.is_restricted,
        summary=summary_out(summary) if summary is not None else None,
    )


def member_out(m: CampaignMember, label: str | None = None) -> MemberOut:
    return MemberOut(id=m.id, campaign_id=m.campaign_id, lead_id=m.lead_id, person_id=m.person_id, label=label,
                     follow_status_code=m.follow_status_code, invited_on=m.invited_on, attended=m.attended,
                     notes=m.notes, created_at=m.created_at)


def _entry_out(entry: MemberEntry) -> MemberOut:
    return member_out(entry.member, entry.label)


def _campaign_fields(data: CampaignIn | CampaignPatchIn) -> dict[str, Any]:
    values = sent_fields(data, skip=frozenset({"expected_version"}))
    if "relations" in values:
        values["relations"] = relations_of(values["relations"])
    return values


@get("/campaigns", summary="Campaigns (キャンペーン) matching the filters, a page at a time", sync_to_thread=True)
def list_campaigns_handler(
    request: Request[Any, Any, Any],
    principal: Principal,
    sales_deps: SalesDeps,
    q: str | None = Parameter(query="q", default=None, description="words in the name"),
    status_code: str | None = Parameter(query="status_code", default=None, description="a campaign_status code"),
    kind_code: str | None = Parameter(query="kind_code", default=None, description="a campaign_kind code"),
    period_from: date | None = Parameter(query="period_from", default=None,
                                         description="campaigns running on or after this day"),
    period_to: date | None = Parameter(query="period_to", default=None,
                                       description="campaigns running on or before this day"),
    owner_id: UUID | None = Parameter(query="owner_id", default=None),
    staff_id: UUID | None = Parameter(query="staff_id", default=None),
    mine: bool = Parameter(query="mine", default=False, description="自担当: mine and my organisations'"),
    parent_campaign_id: UUID | None = Parameter(query="parent_campaign_id", default=None),
    sort: str | None = Parameter(query="sort", default=None, description=SORT_DOC),
    limit: int = Parameter(query="limit", default=50, description="1-200"),
    cursor: str | None = Parameter(query="cursor", default=None, description="next_cursor of the previous page"),
) -> CampaignPageOut:
    """Custom fields filter as ``cf.<key>=<value>``."""
    query = CampaignQuery(
        q=q, status_code=status_code, kind_code=kind_code, period_from=period_from, period_to=period_to,
        owner_id=cast(UserId | None, owner_id), staff_id=cast(UserId | None, staff_id), mine=mine,
        parent_campaign_id=parent_campaign_id, custom_fields=custom_field_filters(request),
    )
    page = SearchCampaigns(sales_deps)(principal, query, page_request(limit, cursor, sort))
    return CampaignPageOut(items=[campaign_item_out(c) for c in page.items], next_cursor=page.next_cursor)


@post("/campaigns", summary="Register a campaign", status_code=201, sync_to_thread=True)
def create_campaign_handler(principal: Principal, data: CampaignIn, sales_deps: SalesDeps) -> CampaignOut:
    cmd = RegisterCampaignCommand(**_campaign_fields(data))
    return campaign_out(RegisterCampaign(sales_deps)(principal, cmd))


@get("/campaigns/{campaign_id:uuid}", summary="One campaign with its effect summary", sync_to_thread=True)
def get_campaign_handler(principal: Principal, campaign_id: UUID, sales_deps: SalesDeps) -> CampaignOut:
    detail = ViewCampaign(sales_deps)(principal, campaign_id)
    return campaign_out(detail.campaign, detail.summary)


@patch("/campaigns/{campaign_id:uuid}", summary="Change a campaign (the fields sent)", sync_to_thread=True)
def update_campaign_handler(
    principal: Principal, campaign_id: UUID, data: CampaignPatchIn, sales_deps: SalesDeps
) -> CampaignOut:
    cmd = UpdateCampaignCommand(campaign_id=campaign_id, expected_version=data.expected_version,
                                changes=_campaign_fields(data))
    return campaign_out(UpdateCampaign(sales_deps)(principal, cmd))


@delete("/campaigns/{campaign_id:uuid}", summary="Delete a campaign nothing refers to", status_code=204,
        sync_to_thread=True)
def delete_campaign_handler(
    principal: Principal, campaign_id: UUID, sales_deps: SalesDeps,
    expected_version: int | None = Parameter(query="expected_version", default=None,
                                             description="refuse (409) if the campaign changed since"),
) -> None:
    DeleteCampaign(sales_deps)(principal, DeleteCampaignCommand(campaign_id=campaign_id,
                                                                expected_version=expected_version))


@post("/campaigns/{campaign_id:uuid}/copy", summary="Copy a campaign (without members and history)",
      status_code=201, sync_to_thread=True)
def copy_campaign_handler(
    principal: Principal, campaign_id: UUID, sales_deps: SalesDeps, data: CampaignCopyIn | None = None
) -> CampaignOut:
    body = data or CampaignCopyIn()
    cmd = CopyCampaignCommand(campaign_id=campaign_id, name=body.name, starts_on=body.starts_on, ends_on=body.ends_on)
    return campaign_out(CopyCampaign(sales_deps)(principal, cmd))


@get("/campaigns/{campaign_id:uuid}/members", summary="The campaign's 招待リスト (members the caller may see)",
     sync_to_thread=True)
def list_members_handler(
    principal: Principal, campaign_id: UUID, sales_deps: SalesDeps,
    sort: str | None = Parameter(query="sort", default=None, description="created_at (default) or invited_on"),
    limit: int = Parameter(query="limit", default=50, description="1-200"),
    cursor: str | None = Parameter(query="cursor", default=None),
) -> MemberPageOut:
    page = ListCampaignMembers(sales_deps)(principal, campaign_id, page_request(limit, cursor, sort))
    return MemberPageOut(items=[_entry_out(e) for e in page.items], next_cursor=page.next_cursor)


@post("/campaigns/{campaign_id:uuid}/members", summary="Invite a lead or a person", status_code=201,
      sync_to_thread=True)
def add_member_handler(
    principal: Principal, campaign_id: UUID, data: CampaignMemberIn, sales_deps: SalesDeps
) -> MemberOut:
    cmd = AddMemberCommand(campaign_id=campaign_id, **sent_fields(data))
    return member_out(AddCampaignMember(sales_deps)(principal, cmd))


@patch("/campaigns/{campaign_id:uuid}/members/{member_id:uuid}",
       summary="Record a member's response (follow status, attendance)", sync_to_thread=True)
def update_member_handler(
    principal: Principal, campaign_id: UUID, member_id: UUID, data: MemberPatchIn, sales_deps: SalesDeps
) -> MemberOut:
    cmd = UpdateMemberCommand(campaign_id=campaign_id, member_id=member_id, changes=sent_fields(data))
    return member_out(UpdateCampaignMember(sales_deps)(principal, cmd))


@delete("/campaigns/{campaign_id:uuid}/members/{member_id:uuid}", summary="Take a member off the list",
        status_code=204, sync_to_thread=True)
def remove_member_handler(principal: Principal, campaign_id: UUID, member_id: UUID, sales_deps: SalesDeps) -> None:
    RemoveCampaignMember(sales_deps)(principal, campaign_id, member_id)


@get("/campaigns/{campaign_id:uuid}/leads", summary="The campaign's leads", sync_to_thread=True)
def list_campaign_leads_handler(
    principal: Principal, campaign_id: UUID, sales_deps: SalesDeps,
    q: str | None = Parameter(query="q", default=None),
    status_code: str | None = Parameter(query="status_code", default=None),
    converted: bool | None = Parameter(query="converted", default=None),
    sort: str | None = Parameter(query="sort", default=None, description=LEAD_SORT_DOC),
    limit: int = Parameter(query="limit", default=50, description="1-200"),
    cursor: str | None = Parameter(query="cursor", default=None),
) -> LeadPageOut:
    query = LeadQuery(q=q, status_code=status_code, converted=converted)
    page = ListCampaignLeads(sales_deps)(principal, campaign_id, page_request(limit, cursor, sort), query)
    return lead_page_out(page)


ROUTES: list[ControllerRouterHandler] = [
    list_campaigns_handler, create_campaign_handler, get_campaign_handler, update_campaign_handler,
    delete_campaign_handler, copy_campaign_handler, list_members_handler, add_member_handler, update_member_handler,
    remove_member_handler, list_campaign_leads_handler,
]
"""The handlers of this module, mounted under /api/v1 by the app factory."""
