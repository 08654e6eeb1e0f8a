"""Request ids, security headers and the request / screen log lines.

The middleware starts the request's log context (a fresh one, with ``request_id``). The
``before_send`` hook sees every response, including those for unmatched routes and those
made by the exception handlers: it adds the headers, and when the last body chunk leaves it
writes one REQUEST line (and a SCREEN line for HTML pages), then clears the log context.
"""

from __future__ import annotations

import time

import structlog
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware import MiddlewareProtocol
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from dps.entrypoints.http.context import PathKind, RequestInfo, path_kind, request_info
from dps.entrypoints.http.logs import request_log, screen_log
from dps.entrypoints.http.sessions import COOKIE_NAME, SessionCookies

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)
SECURITY_HEADERS = (
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "same-origin"),
    ("content-security-policy", CONTENT_SECURITY_POLICY),
)


class RequestContextMiddleware(MiddlewareProtocol):
    """The outermost middleware: a clean log context bound to this request's id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            structlog.contextvars.clear_contextvars()
            structlog.contextvars.bind_contextvars(request_id=request_info(scope).request_id)
        await self.app(scope, receive, send)


class ResponseHook:
    """``before_send`` hook: headers on the response start, log lines after the last chunk."""

    def __init__(self, cookies: SessionCookies) -> None:
        self._cookies = cookies

    async def __call__(self, message: Message, scope: Scope) -> None:
        if scope["type"] != ScopeType.HTTP:
            return
        info = request_info(scope)
        if message["type"] == "http.response.start":
            info.status = message["status"]
            self._add_headers(message, scope, info)
        elif message["type"] == "http.response.body" and not message.get("more_body", False):
            _write_lines(scope, info)

    def _add_headers(self, message: Message, scope: Scope, info: RequestInfo) -> None:
        headers = MutableScopeHeaders.from_message(message)  # type: ignore[arg-type]
        headers["x-request-id"] = info.request_id
        for name, value in SECURITY_HEADERS:
            if name not in headers:
                headers[name] = value
        if path_kind(scope["path"]) is not PathKind.OPEN and "cache-control" not in headers:
            headers["cache-control"] = "no-store"
        if info.clear_session_cookie and not any(
            c.startswith(f"{COOKIE_NAME}=") for c in headers.getall("set-cookie", [])
        ):
            headers.add("set-cookie", self._cookies.expired_cookie().to_header(header=""))


def _write_lines(scope: Scope, info: RequestInfo) -> None:
    if info.logged:
        return
    info.logged = True
    who: dict[str, str] = {"tenant": info.tenant} if info.tenant else {}
    path = scope["path"]
    method = scope.get("method", "")
    duration_ms = round((time.perf_counter() - info.started) * 1000, 1)
    request_log().info(
        "request", method=method, path=path, status=info.status, duration_ms=duration_ms, user=info.user,
        request_id=info.request_id, **who,
    )
    if path_kind(path) is PathKind.PAGE:
        screen_log().info(
            "screen", method=method, path=path, status=info.status, user=info.user, request_id=info.request_id,
            **who,
        )
    structlog.contextvars.clear_contextvars()
