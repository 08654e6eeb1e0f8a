"""What every page template gets: the user, the navigation, the labels (``t``), the formats (``fmt``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from attrs import frozen
from litestar import Request
from litestar.response import Template

from dps.application.sales.collaboration.inbox import CountUnreadNotifications
from dps.application.sales.deps import SalesDeps
from dps.domain.shared.principal import License, Principal
from dps.entrypoints.http.auth import scope_user
from dps.entrypoints.http.ui.formats import Formats
from dps.entrypoints.http.ui.messages import Labels

LICENSE_LABELS = {License.FULL: "フルユーザ / Full user", License.LIGHT: "ライトユーザ / Light user"}
SALES_DEPS_STATE = "dps_sales_deps"
"""Key of the app state holding the SalesDeps, so that any page can show the unread count."""


@frozen
class NavItem:
    key: str
    href: str | None
    """None: not built yet (shown greyed out)."""


SALES_NAV = (
    NavItem("nav.accounts", "/accounts"), NavItem("nav.persons", "/persons"),
    NavItem("nav.opportunities", "/opportunities"), NavItem("nav.activities", "/activities"),
    NavItem("nav.leads", "/leads"), NavItem("nav.campaigns", "/campaigns"), NavItem("nav.budgets", "/budgets"),
    NavItem("nav.reports", "/reports"), NavItem("nav.cards", "/cards/import"), NavItem("nav.maintenance", None),
)
COLLABORATION_NAV = (NavItem("nav.notifications", "/notifications"),)
ADMIN_NAV = (NavItem("transfer.nav", "/transfer"),)
"""管理: shown to full users only (light users have no access to these screens)."""


def license_label(principal: Principal) -> str:
    return LICENSE_LABELS[principal.license]


def labels_for(user: Principal | None) -> Labels:
    return Labels(user.locale if user else "ja")


def formats_for(user: Principal | None) -> Formats:
    return Formats(user.locale if user else "ja", user.time_zone if user else None)


def unread_count(request: Request[Any, Any, Any], user: Principal | None) -> int | None:
    """The bell's number; None on pages without a user (login, errors before login)."""
    deps = request.app.state.get(SALES_DEPS_STATE)
    if user is None or not isinstance(deps, SalesDeps):
        return None
    return CountUnreadNotifications(deps)(user)


def is_current(path: str, href: str | None) -> bool:
    if href is None:
        return False
    if href == "/":
        return path == "/"
    return path == href or path.startswith(href + "/")


def page(
    request: Request[Any, Any, Any],
    template: str,
    *,
    status_code: int = 200,
    context: Mapping[str, Any] | None = None,
) -> Template:
    """A page with the common context: the user (or None), the navigation, labels, formats, unread count."""
    user = scope_user(request.scope)
    labels = labels_for(user)
    return Template(
        template_name=template,
        status_code=status_code,
        context={
            "user": user,
            "license_label": license_label(user) if user else "",
            "sales_nav": SALES_NAV if user and user.can_write_records else tuple(
                item for item in SALES_NAV if item.key != "nav.cards"),  # light users register no cards
            "collaboration_nav": COLLABORATION_NAV,
            "admin_nav": ADMIN_NAV if user and user.can_write_records else (),
            "is_current": is_current,
            "lang": "en" if labels.english_first else "ja",
            "t": labels,
            "fmt": formats_for(user),
            "unread": unread_count(request, user) if status_code < 500 else None,
            "can_write": bool(user and user.can_write_records),
            "path": request.url.path,
            **(context or {}),
        },
        media_type="text/html",  # litestar appends "; charset=utf-8"
    )


def local_path(candidate: str | None, default: str = "/") -> str:
    """`candidate` when it is a path on this site (so no open redirect), else `default`."""
    if not candidate or not candidate.startswith("/") or candidate.startswith(("//", "/\\")):
        return default
    if any(ch in candidate for ch in "\\\r\n\t") or any(ord(ch) < 0x20 for ch in candidate):
        return default
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        return default
    return candidate
