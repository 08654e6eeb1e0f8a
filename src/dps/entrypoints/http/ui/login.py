"""ログイン / logout: the session cookie is set here and cleared here."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from dps.application.auth.login import LogIn, LogOut
from dps.application.tenancy.tenants import FindTenant
from dps.entrypoints.http.context import request_info
from dps.entrypoints.http.deps import HttpSettings, client_host
from dps.entrypoints.http.sessions import SessionCookies
from dps.entrypoints.http.ui.pages import local_path, page

EXPIRED_MESSAGE = (
    "セッションの有効期限が切れました。もう一度ログインしてください / your session has expired; please log in again"
)


class LoginForm(msgspec.Struct):
    tenant: str = ""
    login_id: str = ""
    password: str = ""
    next: str = ""


Form = Annotated[LoginForm, Body(media_type=RequestEncodingType.URL_ENCODED)]


@get("/login", include_in_schema=False, sync_to_thread=False)
def login_page(
    request: Request[Any, Any, Any], http_settings: HttpSettings, next: str = "/", expired: str = ""
) -> Template:
    return page(request, "login.html", context={
        "form": {"tenant": http_settings.default_tenant, "next": local_path(next)},
        "notice": EXPIRED_MESSAGE if expired else "",
        "errors": {},
    })


@post("/login", include_in_schema=False, sync_to_thread=True, opt={"form_template": "login.html"})
def login_submit(
    request: Request[Any, Any, Any], data: Form, log_in: LogIn, find_tenant: FindTenant, http_settings: HttpSettings
) -> Redirect:
    """Failures (wrong password, locked account) re-render the form with status 401."""
    info = request_info(request.scope)
    tenant = find_tenant(data.tenant.strip()) if data.tenant.strip() else None
    if tenant is not None:
        info.bind(tenant=tenant.code)  # the use case's security lines go to this tenant's log
    result = log_in(data.tenant, data.login_id, data.password, remote_addr=client_host(request))
    info.bind(user=result.principal.login_id)
    cookies = SessionCookies(secret_key=http_settings.secret_key, secure=http_settings.secure_cookies)
    info.clear_session_cookie = False
    return Redirect(
        local_path(data.next), status_code=303, cookies=[cookies.cookie(result.tenant_id, result.session_secret)]
    )


@post("/logout", include_in_schema=False, sync_to_thread=True)
def logout(request: Request[Any, Any, Any], log_out: LogOut) -> Redirect:
    """Ends the session in the database, then in the browser."""
    info = request_info(request.scope)
    if info.session is not None:
        log_out(info.session.tenant_id, info.session.secret, login_id=info.user or "")
    info.clear_session_cookie = True
    return Redirect("/login", status_code=303)
