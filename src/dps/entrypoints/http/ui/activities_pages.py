"""活動 screens (activities): list, detail, forms."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from dps.application.catalog.code_lists import ListCodeLists
from dps.application.sales.activities.queries import GetActivity
from dps.application.sales.deps import SalesDeps
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.ui.records import ACTIVITY_STATUS_LABELS, not_found_page, record_id, record_page


@get("/activities/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def activity_page(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists,
) -> Template:
    with not_found_page():
        activity = GetActivity(sales_deps)(principal, record_id("activity", raw_id))
    return record_page(request, principal, list_code_lists, "activity.html", {
        "record": activity, "status_label": ACTIVITY_STATUS_LABELS.get(activity.status.value, activity.status.value),
    })


ROUTES = (activity_page,)
"""This module's pages, registered in the UI router."""
