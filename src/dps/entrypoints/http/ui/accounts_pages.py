"""取引先 screens (accounts): list, detail, forms."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from dps.application.catalog.code_lists import ListCodeLists
from dps.application.sales.accounts.queries import GetAccount
from dps.application.sales.deps import SalesDeps
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.ui.records import not_found_page, record_id, record_page


@get("/accounts/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def account_page(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists,
) -> Template:
    with not_found_page():
        detail = GetAccount(sales_deps)(principal, record_id("account", raw_id))
    return record_page(request, principal, list_code_lists, "account.html", {
        "record": detail.account, "detail": detail,
    })


ROUTES = (account_page,)
"""This module's pages, registered in the UI router."""
