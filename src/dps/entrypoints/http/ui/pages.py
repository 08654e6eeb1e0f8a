"""What every page template gets: the user, the navigation, the labels."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from litestar import Request
from litestar.response import Template

from dps.domain.shared.principal import License, Principal
from dps.entrypoints.http.auth import scope_user

SALES_NAV = ("取引先", "パーソン", "案件", "活動", "リード", "キャンペーン", "予算", "レポート")
"""The Sales section of the left navigation; not linked until the features exist."""

LICENSE_LABELS = {License.FULL: "フルユーザ / Full user", License.LIGHT: "ライトユーザ / Light user"}


def license_label(principal: Principal) -> str:
    return LICENSE_LABELS[principal.license]


def page(
    request: Request[Any, Any, Any],
    template: str,
    *,
    status_code: int = 200,
    context: Mapping[str, Any] | None = None,
) -> Template:
    """A page with the common context: the user (or None), the navigation, the language."""
    user = scope_user(request.scope)
    return Template(
        template_name=template,
        status_code=status_code,
        context={
            "user": user,
            "license_label": license_label(user) if user else "",
            "sales_nav": SALES_NAV,
            "lang": "ja",
            "path": request.url.path,
            **(context or {}),
        },
        media_type="text/html",
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
