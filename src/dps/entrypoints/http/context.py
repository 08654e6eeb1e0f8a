"""What the HTTP layer knows about the request in flight, kept in the ASGI scope.

One :class:`RequestInfo` per request, created on first use (by the middleware, or by the
``before_send`` hook for requests no route matched) and read by the logging hook, the
exception handlers and the handlers that learn who the user is (login).
"""

from __future__ import annotations

import enum
import re
import time
import uuid
from typing import Any

import structlog
from attrs import define
from litestar.types import Scope

from dps.domain.shared.ids import TenantId

_STATE_KEY = "dps.request"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class PathKind(enum.Enum):
    API = "api"
    """/api/v1/**: Bearer tokens only, JSON, no CSRF."""
    OPEN = "open"
    """Health, static files and the API docs: no credentials looked at."""
    PAGE = "page"
    """Everything else: HTML pages with the session cookie and CSRF."""


def path_kind(path: str) -> PathKind:
    if path == "/api/v1" or path.startswith("/api/v1/"):
        return PathKind.API
    if path in ("/healthz", "/readyz") or path.startswith(("/static/", "/api/")):
        return PathKind.OPEN
    return PathKind.PAGE


def wants_json(path: str) -> bool:
    """Errors of the JSON API, health checks and the schema are JSON; everything else a page."""
    return (path.startswith("/api/") and path != "/api/docs") or path in ("/healthz", "/readyz")


@define
class SessionRef:
    """The session a (validly signed) cookie points to."""

    tenant_id: TenantId
    secret: str


@define
class RequestInfo:
    request_id: str
    started: float
    tenant: str | None = None
    """Tenant code, once known."""
    user: str | None = None
    """Login id, once known."""
    session: SessionRef | None = None
    session_ended: bool = False
    """A validly signed cookie whose session is gone (expired, logged out elsewhere)."""
    clear_session_cookie: bool = False
    status: int | None = None
    logged: bool = False

    def bind(self, *, tenant: str | None = None, user: str | None = None) -> None:
        """Remember who the request is for and bind it into the log context of this thread/task."""
        if tenant is not None:
            self.tenant = tenant
            structlog.contextvars.bind_contextvars(tenant=tenant)
        if user is not None:
            self.user = user
            structlog.contextvars.bind_contextvars(user=user)


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name.lower() == b"x-request-id":
            candidate = value.decode("latin-1")
            return candidate if _REQUEST_ID.match(candidate) else None
    return None


def request_info(scope: Scope | dict[str, Any]) -> RequestInfo:
    """The info of this request, created (with its request id) on first use."""
    state: dict[str, Any] = scope.setdefault("state", {})
    info = state.get(_STATE_KEY)
    if info is None:
        info = RequestInfo(
            request_id=_incoming_request_id(scope) or uuid.uuid4().hex,  # type: ignore[arg-type]
            started=time.perf_counter(),
        )
        state[_STATE_KEY] = info
    assert isinstance(info, RequestInfo)
    return info
