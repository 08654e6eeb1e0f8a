"""案件 screens (S6 opportunities): the list with its search panel, the detail page, and the new / edit /
copy forms. Handlers only read the fields, call the use cases and render; visibility, licences and the
deal rules are the use cases'.

Form field names are the command's (``name``, ``account_id``, ``stage_code``, ...); product lines are
rows ``lines-<i>-product_id`` (hidden, from the product lookup), ``lines-<i>-product_name`` (the lookup's
text: the product's name, or a free name), ``lines-<i>-quantity``, ``-unit_price``, ``-discount``,
``-notes``; a row left blank is ignored. A copy is the new form prefilled from the original with a hidden
``copy_of``: what the form does not show (competitors, staff, relations) comes along from the original.
"""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from litestar import Request, get
from litestar.response import Template

from dps.application.catalog.code_lists import ListCodeLists
from dps.application.directory.organizations import ListOrganizations
from dps.application.directory.users import UserIndex
from dps.application.sales.accounts.queries import GetAccount
from dps.application.sales.activities.commands import ActivitiesOfQuery
from dps.application.sales.activities.queries import ListActivitiesOf
from dps.application.sales.campaigns.queries import ViewCampaign
from dps.application.sales.collaboration.attachments import ListAttachments
from dps.application.sales.collaboration.comments import ListComments
from dps.application.sales.deps import SalesDeps
from dps.application.sales.opportunities.queries import GetOpportunity, SearchOpportunities
from dps.application.sales.opportunities.read_models import DEFAULT_SORT, SORTS, OpportunitySearch
from dps.application.sales.opportunities.rules import ENTITY
from dps.application.shared.errors import NotFound
from dps.application.shared.paging import MAX_PAGE_SIZE, PageRequest
from dps.domain.sales.opportunities import CERTAINTY_LIST, STAGE_LIST
from dps.domain.sales.records import RecordType
from dps.domain.shared.ids import UserId
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.ui.activities_pages import organization_filter
from dps.entrypoints.http.ui.code_choices import code_labels_of, code_lists_by_key, code_options
from dps.entrypoints.http.ui.listing import Pager, query_values, searched
from dps.entrypoints.http.ui.pages import page
from dps.entrypoints.http.ui.query_form import FieldReader
from dps.entrypoints.http.ui.record_cards_pages import person_names
from dps.entrypoints.http.ui.record_forms import (
    custom_field_query,
    custom_field_views,
    user_names,
)
from dps.entrypoints.http.ui.records import not_found_page, record_id

OPP = RecordType.OPPORTUNITY
RELATED_ROWS = 5


# -- shared bits ----------------------------------------------------------------------------------


# -- list -----------------------------------------------------------------------------------------


def _search_of(form: FieldReader, request: Request[Any, Any, Any]) -> OpportunitySearch:
    custom = custom_field_query(request)
    return OpportunitySearch(
        q=form.text("q"), mine=form.flag("mine"), owner_id=cast(UserId | None, form.uuid("owner_id")),
        stage_codes=form.all("stage_code"), certainty_codes=form.all("certainty_code"),
        is_open=form.tristate("is_open"),
        expected_order_date_from=form.date("expected_order_date_from"),
        expected_order_date_to=form.date("expected_order_date_to"),
        expected_amount_min=form.decimal("expected_amount_min"),
        expected_amount_max=form.decimal("expected_amount_max"),
        account_id=form.uuid("account_id"), campaign_id=form.uuid("campaign_id"), custom_fields=custom,
        product_id=form.uuid("product_id"), organization_id=form.uuid("organization_id"),
        include_sub_orgs=form.tristate("include_sub_orgs") is not False,
    )


@get("/opportunities", include_in_schema=False, sync_to_thread=True)
def opportunity_list(
    request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps, list_code_lists: ListCodeLists,
    user_index: UserIndex, list_organizations: ListOrganizations,
) -> Template:
    pager = Pager.of(request.query_params, sorts=SORTS, default_sort=DEFAULT_SORT)
    form = FieldReader(request.query_params)
    search = _search_of(form, request)
    pager, errors = searched(pager, form.errors,
                             lambda request: SearchOpportunities(sales_deps)(principal, search, request))
    values: dict[str, Any] = dict(query_values(request.query_params))
    if search.account_id is not None and not values.get("account_id_label"):
        values["account_id_label"] = next(
            (i.account_name for i in pager.items if i.account_id == search.account_id and i.account_name),
            None) or account_name_of(principal, sales_deps, search.account_id)
    if search.campaign_id is not None and not values.get("campaign_id_label"):
        values["campaign_id_label"] = campaign_name(principal, sales_deps, search.campaign_id) or ""
    lists = code_lists_by_key(principal, list_code_lists)
    names = user_names(principal, user_index)
    if search.owner_id is not None and not values.get("owner_id_label"):
        values["owner_id_label"] = names.name(search.owner_id)
    return page(request, "opportunities/list.html", context={
        "pager": pager, "values": values, "errors": errors,
        "labels": code_labels_of(lists),
        "stage_options": code_options(lists, STAGE_LIST),
        "certainty_options": code_options(lists, CERTAINTY_LIST),
        "user_names": names,
        "org_filter": organization_filter(principal, list_organizations, search.organization_id,
                                          search.include_sub_orgs),
    })


# -- detail ---------------------------------------------------------------------------------------


def campaign_name(principal: Principal, sales_deps: SalesDeps, campaign_id: UUID | None) -> str | None:
    if campaign_id is None:
        return None
    try:
        return ViewCampaign(sales_deps)(principal, campaign_id).campaign.name
    except NotFound:
        return None


def account_name_of(principal: Principal, sales_deps: SalesDeps, account_id: UUID | None) -> str:
    """The prefilled account's name (empty when the account is unknown or hidden)."""
    if account_id is None:
        return ""
    try:
        return GetAccount(sales_deps)(principal, account_id).account.name
    except NotFound:
        return ""


@get("/opportunities/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def opportunity_page(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists, user_index: UserIndex,
) -> Template:
    with not_found_page():
        opportunity_id = record_id("opportunity", raw_id)
        detail = GetOpportunity(sales_deps)(principal, opportunity_id)
    o = detail.opportunity
    activities = ListActivitiesOf(sales_deps)(principal, ActivitiesOfQuery(
        parent_type=OPP, parent_id=o.id, page=PageRequest(limit=RELATED_ROWS, count=True)))
    lists = code_lists_by_key(principal, list_code_lists)
    return page(request, "opportunities/detail.html", context={
        "record": o, "detail": detail,
        "labels": code_labels_of(lists),
        "user_names": user_names(principal, user_index),
        "me": str(principal.user_id),
        "campaign_name": campaign_name(principal, sales_deps, o.campaign_id),
        "person_names": person_names(sales_deps, principal, o.account_id, o.relations),
        "activities": activities,
        "comments": ListComments(sales_deps)(principal, OPP, o.id, PageRequest(limit=MAX_PAGE_SIZE)).items,
        "attachments": ListAttachments(sales_deps)(principal, OPP, o.id),
        "custom_fields": custom_field_views(principal, sales_deps, ENTITY, lists),
    })


# -- forms: record -> values, values -> command ------------------------------------------------------


ROUTES = (opportunity_list, opportunity_page)
"""This module's pages, registered in the UI router."""
