"""通知 / notifications: my notifications newest first (未読のみ filter), open one (marks it read and goes
to its record), mark all read. Only the reader's own, on records the reader may still see (R7)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from dps.application.sales.collaboration.inbox import (
    ListNotifications,
    MarkAllNotificationsRead,
    MarkNotificationRead,
)
from dps.application.sales.deps import SalesDeps
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.api.collaboration import record_url
from dps.entrypoints.http.ui.forms import FormBody
from dps.entrypoints.http.ui.listing import Pager
from dps.entrypoints.http.ui.pages import local_path, page
from dps.entrypoints.http.ui.query_form import FieldReader
from dps.entrypoints.http.ui.records import not_found_page, record_id

LIST = "/notifications"


@get(LIST, include_in_schema=False, sync_to_thread=True)
def notifications_list(request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps) -> Template:
    pager = Pager.of(request.query_params, sorts=("created_at",), default_sort="-created_at")
    unread_only = FieldReader(request.query_params).flag("unread")
    found = ListNotifications(sales_deps)(principal, unread_only=unread_only, request=pager.page_request())
    return page(request, "notifications/list.html", context={
        "pager": pager.with_page(found), "unread_only": unread_only, "record_url": record_url,
    })


@post(f"{LIST}/read-all", include_in_schema=False, sync_to_thread=True)
def notifications_read_all(principal: Principal, data: FormBody, sales_deps: SalesDeps) -> Redirect:
    MarkAllNotificationsRead(sales_deps)(principal)
    back = FieldReader(data).raw("next")
    return Redirect(local_path(back, LIST) if back.startswith(LIST) else LIST, status_code=303)


@post(f"{LIST}/{{raw_id:str}}/open", include_in_schema=False, sync_to_thread=True)
def notification_open(principal: Principal, raw_id: str, sales_deps: SalesDeps) -> Redirect:
    """Marks the notification read and goes to its record (404 for another user's or an unknown one)."""
    with not_found_page():
        view = MarkNotificationRead(sales_deps)(principal, record_id("notification", raw_id))
    return Redirect(record_url(view.record_type, view.record_id) or LIST, status_code=303)


ROUTES: tuple[Any, ...] = (notifications_list, notifications_read_all, notification_open)
"""This module's pages, registered in the UI router."""
