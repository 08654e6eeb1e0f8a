"""案件 screens (opportunities): list, detail, forms."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from dps.application.catalog.code_lists import ListCodeLists
from dps.application.sales.deps import SalesDeps
from dps.application.sales.opportunities.queries import GetOpportunity
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.ui.records import not_found_page, record_id, record_page


@get("/opportunities/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def opportunity_page(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists,
) -> Template:
    with not_found_page():
        detail = GetOpportunity(sales_deps)(principal, record_id("opportunity", raw_id))
    return record_page(request, principal, list_code_lists, "opportunity.html", {
        "record": detail.opportunity, "detail": detail,
    })


ROUTES = (opportunity_page,)
"""This module's pages, registered in the UI router."""
