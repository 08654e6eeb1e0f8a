"""Who is asking: resolve the principal once per request and bind it into the log context.

- /api/v1/**: ``Authorization: Bearer dps.…`` only (never the session cookie, so no CSRF).
- HTML pages: the ``dps_session`` cookie, whose signature is checked before the database is.
- Health, static files and API docs: nothing.

The principal goes to ``scope["user"]`` (``request.user``), the session it came from to
``scope["auth"]``; handlers get it through the ``principal`` dependency.
"""

from __future__ import annotations

import threading
from typing import Any

from litestar.concurrency import sync_to_thread
from litestar.enums import ScopeType
from litestar.middleware import MiddlewareProtocol
from litestar.types import ASGIApp, Receive, Scope, Send

from dps.application.shared.errors import Unauthenticated
from dps.application.shared.request_reads import shared_reads
from dps.domain.shared.ids import TenantId
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.context import PathKind, RequestInfo, SessionRef, path_kind, request_info
from dps.entrypoints.http.deps import ContainerLike
from dps.entrypoints.http.logs import security_log
from dps.entrypoints.http.sessions import COOKIE_NAME, SessionCookies, TamperedCookie


class TenantCodes:
    """Tenant id -> code, cached; an unknown id is looked up once by id."""

    def __init__(self, container: ContainerLike) -> None:
        self._get = container.get_tenant
        self._codes: dict[TenantId, str] = {}
        self._lock = threading.Lock()

    def code_of(self, tenant_id: TenantId, *, reload: bool = True) -> str | None:
        """The code of a tenant; `reload=False` for ids nobody vouched for (no database work)."""
        code = self._codes.get(tenant_id)
        if code is None and reload:
            tenant = self._get()(tenant_id)
            if tenant is not None:
                with self._lock:
                    self._codes[tenant_id] = code = tenant.code
        return code


class PrincipalResolver:
    def __init__(self, container: ContainerLike, cookies: SessionCookies, tenants: TenantCodes) -> None:
        self._resolve_token = container.resolve_api_token
        self._resolve_session = container.resolve_session
        self.cookies = cookies
        self.tenants = tenants

    def from_bearer(self, authorization: str | None, info: RequestInfo, remote_addr: str) -> Principal | None:
        bearer = _bearer(authorization)
        if bearer is None:
            return None
        try:
            return self._resolve_token()(bearer)
        except Unauthenticated as e:
            security_log().warning("api_token.rejected", reason=e.message, remote_addr=remote_addr)
            return None

    def cached(self, scope: Scope, info: RequestInfo) -> Principal | None:
        """An API request whose token was found valid before and whose tenant's directory has not changed
        since (`ResolveApiToken.cached`): no database work, so no worker thread. None: `resolve` it."""
        if path_kind(scope["path"]) is not PathKind.API:
            return None
        bearer = _bearer(_headers(scope).get("authorization"))
        if bearer is None:
            return None
        principal = self._resolve_token().cached(bearer)
        if principal is None:
            return None
        code = self.tenants.code_of(principal.tenant_id, reload=False)
        if code is None:
            return None
        info.bind(tenant=code, user=principal.login_id)
        return principal

    def from_cookie(self, value: str | None, info: RequestInfo, remote_addr: str) -> Principal | None:
        if not value:
            return None
        try:
            tenant_id, secret = self.cookies.parse(value)
        except TamperedCookie as e:
            info.clear_session_cookie = True
            claimed = self.tenants.code_of(e.claimed_tenant, reload=False) if e.claimed_tenant else None
            extra = {"tenant": claimed} if claimed else {}
            security_log().warning("session.tampered", reason=str(e), remote_addr=remote_addr, **extra)
            return None
        try:
            principal = self._resolve_session()(tenant_id, secret)
        except Unauthenticated:
            info.clear_session_cookie = True
            info.session_ended = True
            return None
        info.session = SessionRef(tenant_id=tenant_id, secret=secret)
        return principal

    def resolve(self, scope: Scope, info: RequestInfo) -> Principal | None:
        """The principal of the request (runs in a worker thread: the use cases are synchronous)."""
        kind = path_kind(scope["path"])
        if kind is PathKind.OPEN:
            return None
        headers = _headers(scope)
        client = scope.get("client")
        remote_addr = client[0] if client else ""
        if kind is PathKind.API:
            principal = self.from_bearer(headers.get("authorization"), info, remote_addr)
        else:
            principal = self.from_cookie(_cookie(headers.get("cookie", ""), COOKIE_NAME), info, remote_addr)
        if principal is not None:
            info.bind(tenant=self.tenants.code_of(principal.tenant_id), user=principal.login_id)
        return principal


class PrincipalMiddleware(MiddlewareProtocol):
    """Resolve the principal once per request; never rejects (the ``principal`` dependency does)."""

    def __init__(self, app: ASGIApp, resolver: PrincipalResolver) -> None:
        self.app = app
        self.resolver = resolver

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        # The request's units of work share what they read: the use case takes the tenant row that
        # resolving the principal just read (`request_reads`).
        with shared_reads():
            info = request_info(scope)
            principal = self.resolver.cached(scope, info)
            if principal is None:
                principal = await sync_to_thread(self.resolver.resolve, scope, info)
                # Bind in this task too: the thread above only had a copy of the log context.
                info.bind(tenant=info.tenant, user=info.user)
            scope["user"] = principal
            scope["auth"] = info.session
            await self.app(scope, receive, send)


def _bearer(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, else None."""
    scheme, _, bearer = (authorization or "").partition(" ")
    return (bearer.strip() or None) if scheme.lower() == "bearer" else None


def _headers(scope: Scope) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in scope.get("headers", ()):
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        out[key] = f"{out[key]}; {text}" if key == "cookie" and key in out else text
    return out


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key == name:
            return value.strip().strip('"')
    return None


def scope_user(scope: Any) -> Principal | None:
    user = scope.get("user")
    return user if isinstance(user, Principal) else None
