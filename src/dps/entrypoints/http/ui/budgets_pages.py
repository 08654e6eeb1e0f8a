"""予算 screens (budgets): list, detail, forms."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from dps.application.catalog.code_lists import ListCodeLists
from dps.application.sales.budgets.queries import GetBudget
from dps.application.sales.deps import SalesDeps
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.ui.records import not_found_page, record_id, record_page


@get("/budgets/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def budget_page(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists,
) -> Template:
    with not_found_page():
        view = GetBudget(sales_deps)(principal, record_id("budget", raw_id))
    return record_page(request, principal, list_code_lists, "budget.html", {
        "record": view.budget, "target": view.target,
    })


ROUTES = (budget_page,)
"""This module's pages, registered in the UI router."""
