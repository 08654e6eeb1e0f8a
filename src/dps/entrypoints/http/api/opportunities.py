"""JSON API: 案件 opportunities - search, register, view, change (PATCH with ``expected_version``),
copy, delete; and the navigation lists of an account's and a campaign's opportunities.

Amounts are decimal strings in responses (numbers or text such as ``"1,200,000"`` are accepted
on input; anything else is a 422 naming the field). A product line's ``amount`` is computed
(quantity x unit_price - discount) and never read from input. ``is_open`` follows the stage:
90 受注, 91 失注 and 92 中止 close a deal. An invisible or unknown opportunity is a 404.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast
from uuid import UUID

import msgspec
from attrs import evolve
from litestar import Request, delete, get, patch, post
from litestar.di import Provide
from litestar.params import Parameter
from litestar.types import ControllerRouterHandler

from dps.application.sales.accounts.record_parts import UNSET
from dps.application.sales.deps import SalesDeps
from dps.application.sales.opportunities.commands import (
    CompetitorInput,
    CreateOpportunityCommand,
    LineInput,
    OpportunityChanges,
    UpdateOpportunityCommand,
)
from dps.application.sales.opportunities.manage import (
    CopyOpportunity,
    CreateOpportunity,
    DeleteOpportunity,
    UpdateOpportunity,
)
from dps.application.sales.opportunities.queries import (
    GetOpportunity,
    ListRelatedOpportunities,
    OpportunityDetail,
    SearchOpportunities,
)
from dps.application.sales.opportunities.read_models import OpportunityListItem, OpportunitySearch
from dps.application.shared.errors import domain_rules
from dps.application.shared.paging import Page
from dps.domain.sales.opportunities import Opportunity
from dps.domain.sales.opportunity_lines import money
from dps.domain.sales.records import RecordType
from dps.domain.shared.ids import UserId
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.api.opportunities_schemas import (
    CompetitorIn,
    CompetitorOut,
    LineIn,
    LineOut,
    OpportunityIn,
    OpportunityItemOut,
    OpportunityOut,
    OpportunityPageOut,
    OpportunityPatchIn,
)
from dps.entrypoints.http.api.record_input import custom_field_filters, given, record_parts, record_parts_patch
from dps.entrypoints.http.api.record_output import record_fields
from dps.entrypoints.http.api.sales_common import (
    page_request,
    relations_out,
)

AmountIn = str | int | float
UnsetType = msgspec.UnsetType


def url_of(opportunity_id: UUID) -> str:
    """The stable link to the opportunity's page (URL取得)."""
    return f"/opportunities/{opportunity_id}"


def opportunity_out(detail: OpportunityDetail) -> OpportunityOut:
    o: Opportunity = detail.opportunity
    return OpportunityOut(
        **record_fields(o), id=o.id, url=url_of(o.id), name=o.name, account_id=o.account_id,
        account_name=detail.account_name, campaign_id=o.campaign_id, source_lead_id=o.source_lead_id,
        stage_code=o.stage_code, certainty_code=o.certainty_code, is_open=o.is_open,
        expected_order_date=o.expected_order_date, expected_sales_date=o.expected_sales_date,
        expected_amount=o.expected_amount, order_amount=o.order_amount, ordered_on=o.ordered_on,
        lost_reason=o.lost_reason, description=o.description, next_action=o.next_action,
        next_action_on=o.next_action_on,
        lines=[LineOut(line_no=x.line_no, product_id=x.product_id, product_name=x.product_name, quantity=x.quantity,
                       unit_price=x.unit_price, discount=x.discount, amount=x.amount, notes=x.notes)
               for x in o.lines],
        lines_total=o.lines_total,
        competitors=[CompetitorOut(name=c.name, competitor_account_id=c.competitor_account_id, product=c.product,
                                   price=c.price, strengths=c.strengths, weaknesses=c.weaknesses,
                                   result=c.result.value)
                     for c in o.competitors],
        relations=relations_out(o.relations),
    )


def item_out(i: OpportunityListItem) -> OpportunityItemOut:
    return OpportunityItemOut(
        id=i.id, url=url_of(i.id), name=i.name, account_id=i.account_id, account_name=i.account_name,
        stage_code=i.stage_code, certainty_code=i.certainty_code, is_open=i.is_open,
        expected_order_date=i.expected_order_date, expected_amount=i.expected_amount, owner_id=i.owner_id,
        campaign_id=i.campaign_id, is_restricted=i.is_restricted, updated_at=i.updated_at, version=i.version,
    )


def page_out(page: Page[OpportunityListItem]) -> OpportunityPageOut:
    return OpportunityPageOut(items=[item_out(i) for i in page.items], next_cursor=page.next_cursor)


def _lines(items: list[LineIn]) -> tuple[LineInput, ...]:
    return tuple(LineInput(quantity=x.quantity, unit_price=x.unit_price, discount=x.discount,
                           product_id=x.product_id, product_name=x.product_name, notes=x.notes) for x in items)


def _competitors(items: list[CompetitorIn]) -> tuple[CompetitorInput, ...]:
    return tuple(CompetitorInput(name=x.name, competitor_account_id=x.competitor_account_id, product=x.product,
                                 price=x.price, strengths=x.strengths, weaknesses=x.weaknesses, result=x.result)
                 for x in items)


def _create_command(data: OpportunityIn) -> CreateOpportunityCommand:
    details = OpportunityChanges(
        certainty_code=data.certainty_code, campaign_id=data.campaign_id,
        expected_order_date=data.expected_order_date, expected_sales_date=data.expected_sales_date,
        expected_amount=data.expected_amount, order_amount=data.order_amount, ordered_on=data.ordered_on,
        lost_reason=data.lost_reason, description=data.description, next_action=data.next_action,
        next_action_on=data.next_action_on, lines=_lines(data.lines), competitors=_competitors(data.competitors),
        parts=record_parts(data),
    )
    return CreateOpportunityCommand(name=data.name, account_id=data.account_id, stage_code=data.stage_code,
                                    details=details)


def _changes(d: OpportunityPatchIn) -> OpportunityChanges:
    parts = record_parts_patch(d)
    return OpportunityChanges(
        name=given(d.name), account_id=given(d.account_id), stage_code=given(d.stage_code),
        certainty_code=given(d.certainty_code), campaign_id=given(d.campaign_id),
        expected_order_date=given(d.expected_order_date), expected_sales_date=given(d.expected_sales_date),
        expected_amount=given(d.expected_amount), order_amount=given(d.order_amount),
        ordered_on=given(d.ordered_on), lost_reason=given(d.lost_reason), description=given(d.description),
        next_action=given(d.next_action), next_action_on=given(d.next_action_on),
        lines=UNSET if isinstance(d.lines, UnsetType) else _lines(d.lines),
        competitors=UNSET if isinstance(d.competitors, UnsetType) else _competitors(d.competitors),
        parts=parts,
    )


def _codes(values: list[str] | None) -> tuple[str, ...]:
    """Repeated (`?stage_code=10&stage_code=20`) or comma-separated (`?stage_code=10,20`)."""
    return tuple(c.strip() for v in values or [] for c in v.split(",") if c.strip())


def _money_param(value: str | None, name: str) -> Decimal | None:
    if value is None or not value.strip():
        return None
    with domain_rules():
        return money(value, name, allow_negative=True)


def list_filters(
    request: Request[Any, Any, Any],
    q: str | None = Parameter(query="q", default=None, description="words in the name, or the account's name/kana"),
    owner_id: UUID | None = Parameter(query="owner_id", default=None),
    staff_id: UUID | None = Parameter(query="staff_id", default=None),
    mine: bool = Parameter(query="mine", default=False, description="自担当: mine or my organisations'"),
    stage_code: list[str] | None = Parameter(query="stage_code", default=None,
                                             description="repeatable or comma-separated"),
    certainty_code: list[str] | None = Parameter(query="certainty_code", default=None,
                                                 description="repeatable or comma-separated"),
    is_open: bool | None = Parameter(query="is_open", default=None),
    expected_order_date_from: date | None = Parameter(query="expected_order_date_from", default=None),
    expected_order_date_to: date | None = Parameter(query="expected_order_date_to", default=None),
    expected_amount_min: str | None = Parameter(query="expected_amount_min", default=None),
    expected_amount_max: str | None = Parameter(query="expected_amount_max", default=None),
) -> OpportunitySearch:
    """The filters every opportunity list takes; `cf.<key>=value` filters on a custom field."""
    return OpportunitySearch(
        q=q, owner_id=cast(UserId | None, owner_id), staff_id=cast(UserId | None, staff_id), mine=mine,
        stage_codes=_codes(stage_code), certainty_codes=_codes(certainty_code), is_open=is_open,
        expected_order_date_from=expected_order_date_from, expected_order_date_to=expected_order_date_to,
        expected_amount_min=_money_param(expected_amount_min, "expected_amount_min"),
        expected_amount_max=_money_param(expected_amount_max, "expected_amount_max"),
        custom_fields=custom_field_filters(request),
    )


def search_criteria(
    filters: OpportunitySearch,
    account_id: UUID | None = Parameter(query="account_id", default=None),
    campaign_id: UUID | None = Parameter(query="campaign_id", default=None),
    product_id: UUID | None = Parameter(query="product_id", default=None, description="with a line of this product"),
    organization_id: UUID | None = Parameter(query="organization_id", default=None,
                                             description="the owner's organisation (stamped at owner assignment)"),
    include_sub_orgs: bool = Parameter(query="include_sub_orgs", default=True,
                                       description="with organization_id: also its sub-organisations (default)"),
) -> OpportunitySearch:
    """The list filters plus account, campaign, product and the owner's organisation (the navigation
    lists take their parent from the path)."""
    return evolve(filters, account_id=account_id, campaign_id=campaign_id, product_id=product_id,
                  organization_id=organization_id, include_sub_orgs=include_sub_orgs)


SEARCH = {"filters": Provide(list_filters, sync_to_thread=False),
          "criteria": Provide(search_criteria, sync_to_thread=False)}
RELATED = {"criteria": Provide(list_filters, sync_to_thread=False)}
SORT_HELP = "expected_order_date (default, newest first: -expected_order_date), expected_amount, name, updated_at"


@get("/opportunities", summary="Opportunities (案件) matching the filters, a page at a time", dependencies=SEARCH,
     sync_to_thread=True)
def list_opportunities_handler(
    principal: Principal,
    sales_deps: SalesDeps,
    criteria: OpportunitySearch,
    sort: str | None = Parameter(query="sort", default=None, description=SORT_HELP),
    limit: int = Parameter(query="limit", default=50, description="1-200"),
    cursor: str | None = Parameter(query="cursor", default=None, description="next_cursor of the previous page"),
) -> OpportunityPageOut:
    return page_out(SearchOpportunities(sales_deps)(principal, criteria, page_request(limit, cursor, sort)))


@get("/accounts/{account_id:uuid}/opportunities", summary="An account's opportunities (same filters)",
     dependencies=RELATED, sync_to_thread=True)
def account_opportunities_handler(
    principal: Principal,
    sales_deps: SalesDeps,
    account_id: UUID,
    criteria: OpportunitySearch,
    sort: str | None = Parameter(query="sort", default=None, description=SORT_HELP),
    limit: int = Parameter(query="limit", default=50, description="1-200"),
    cursor: str | None = Parameter(query="cursor", default=None, description="next_cursor of the previous page"),
) -> OpportunityPageOut:
    use_case = ListRelatedOpportunities(sales_deps, RecordType.ACCOUNT)
    return page_out(use_case(principal, account_id, criteria, page_request(limit, cursor, sort)))


@get("/campaigns/{campaign_id:uuid}/opportunities", summary="A campaign's opportunities (same filters)",
     dependencies=RELATED, sync_to_thread=True)
def campaign_opportunities_handler(
    principal: Principal,
    sales_deps: SalesDeps,
    campaign_id: UUID,
    criteria: OpportunitySearch,
    sort: str | None = Parameter(query="sort", default=None, description=SORT_HELP),
    limit: int = Parameter(query="limit", default=50, description="1-200"),
    cursor: str | None = Parameter(query="cursor", default=None, description="next_cursor of the previous page"),
) -> OpportunityPageOut:
    use_case = ListRelatedOpportunities(sales_deps, RecordType.CAMPAIGN)
    return page_out(use_case(principal, campaign_id, criteria, page_request(limit, cursor, sort)))


@post("/opportunities", summary="Register an opportunity", status_code=201, sync_to_thread=True)
def create_opportunity_handler(principal: Principal, data: OpportunityIn, sales_deps: SalesDeps) -> OpportunityOut:
    created = CreateOpportunity(sales_deps)(principal, _create_command(data))
    return opportunity_out(GetOpportunity(sales_deps)(principal, created.id))


@get("/opportunities/{opportunity_id:uuid}", summary="One opportunity with its lines and competitors",
     sync_to_thread=True)
def get_opportunity_handler(principal: Principal, opportunity_id: UUID, sales_deps: SalesDeps) -> OpportunityOut:
    return opportunity_out(GetOpportunity(sales_deps)(principal, opportunity_id))


@patch("/opportunities/{opportunity_id:uuid}", summary="Change an opportunity (only the fields sent)",
       sync_to_thread=True)
def update_opportunity_handler(
    principal: Principal, opportunity_id: UUID, data: OpportunityPatchIn, sales_deps: SalesDeps
) -> OpportunityOut:
    cmd = UpdateOpportunityCommand(opportunity_id=opportunity_id, expected_version=data.expected_version,
                                   changes=_changes(data))
    UpdateOpportunity(sales_deps)(principal, cmd)
    return opportunity_out(GetOpportunity(sales_deps)(principal, opportunity_id))


@post("/opportunities/{opportunity_id:uuid}/copy", summary="Copy an opportunity (without comments, likes, files)",
      status_code=201, sync_to_thread=True)
def copy_opportunity_handler(principal: Principal, opportunity_id: UUID, sales_deps: SalesDeps) -> OpportunityOut:
    copy = CopyOpportunity(sales_deps)(principal, opportunity_id)
    return opportunity_out(GetOpportunity(sales_deps)(principal, copy.id))


@delete("/opportunities/{opportunity_id:uuid}", summary="Delete an opportunity (refused while activities refer to it)",
        status_code=204, sync_to_thread=True)
def delete_opportunity_handler(
    principal: Principal, opportunity_id: UUID, sales_deps: SalesDeps,
    expected_version: int | None = Parameter(query="expected_version", default=None,
                                             description="refuse (409) if the opportunity changed since"),
) -> None:
    DeleteOpportunity(sales_deps)(principal, opportunity_id, expected_version)


ROUTES: list[ControllerRouterHandler] = [
    list_opportunities_handler, account_opportunities_handler, campaign_opportunities_handler,
    create_opportunity_handler, get_opportunity_handler, update_opportunity_handler, copy_opportunity_handler,
    delete_opportunity_handler,
]
"""The handlers of this module, mounted under /api/v1 by the app factory."""
