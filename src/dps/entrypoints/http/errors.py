"""One mapping from failures to responses: JSON for the API, a page for the UI.

| failure                                   | status | notes                                        |
|-------------------------------------------|--------|----------------------------------------------|
| Invalid                                   | 422    | ``errors``: field -> message                 |
| NotFound                                  | 404    |                                              |
| Forbidden                                 | 403    | the use case already logged permission.denied |
| Conflict                                  | 409    | ``current_version`` / ``errors`` when known  |
| Unauthenticated                           | 401    | API: ``WWW-Authenticate: Bearer``; pages: login |
| LoginRequired (pages)                     | 303    | to /login?next=…                             |
| CSRF rejection                            | 403    | security log ``csrf.rejected``               |
| database unreachable                      | 503    | system log with the traceback                |
| RegistryUnavailable                       | 503    | ``reason`` and ``source`` of the registry    |
| anything else                             | 500    | system log with the traceback                |

A page whose handler declares ``opt={"form_template": ...}`` is rendered again with the
error under its fields and the values the user typed (never passwords).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.response import Redirect
from litestar.types import ExceptionHandlersMap
from litestar.utils.scope.state import ScopeState

from dps.application.registry.ports import RegistryUnavailable
from dps.application.shared.errors import (
    ApplicationError,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    ServiceUnavailable,
    Unauthenticated,
)
from dps.entrypoints.http.context import request_info, wants_json
from dps.entrypoints.http.deps import LoginRequired
from dps.entrypoints.http.logs import security_log, system_log
from dps.entrypoints.http.ui.pages import page

CSRF_FAILURE = "CSRF token verification failed"

MESSAGES = {
    400: "リクエストの形式が正しくありません / the request is malformed",
    401: "ログインが必要です / please log in",
    403: "この操作を行う権限がありません / you are not allowed to do this",
    404: "ページが見つかりません / not found",
    405: "この操作はできません / method not allowed",
    409: "他の人が先に更新しました。最新の内容を確認してください / it was changed by someone else; reload and retry",
    422: "入力内容を確認してください / please check your input",
    500: "システムエラーが発生しました / an unexpected error occurred",
    503: "しばらくしてから再度お試しください / service temporarily unavailable",
}
CSRF_MESSAGE = (
    "フォームの有効期限が切れたか、不正な送信です。ページを再読み込みしてから送信してください"
    " / the form expired or was not sent by this site; reload the page and try again"
)
STATUS_BY_ERROR: tuple[tuple[type[ApplicationError], int], ...] = (
    (Invalid, 422), (NotFound, 404), (Forbidden, 403), (Conflict, 409), (Unauthenticated, 401),
)
_DB_UNAVAILABLE = {"OperationalError", "InterfaceError", "TimeoutError", "DisconnectionError"}


def is_database_unavailable(exc: BaseException) -> bool:
    """SQLAlchemy's 'cannot reach / lost the database' errors, recognised without importing it."""
    if isinstance(exc, ServiceUnavailable):
        return True
    return any(c.__module__ == "sqlalchemy.exc" and c.__name__ in _DB_UNAVAILABLE for c in type(exc).__mro__)


def _problem(status: int, detail: str, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return {"status": status, "detail": detail, **(extra or {})}


def _respond(
    request: Request[Any, Any, Any],
    status: int,
    detail: str,
    extra: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response[Any]:
    if wants_json(request.url.path):
        return Response(_problem(status, detail, extra), status_code=status, headers=dict(headers or {}))
    route = request.scope.get("route_handler")
    form_template = route.opt.get("form_template") if route is not None else None
    errors = dict((extra or {}).get("errors") or {})
    if form_template and status in (401, 409, 422):
        return page(request, form_template, status_code=status, context={
            "error": detail if status != 422 or not errors else MESSAGES[422],
            "errors": errors,
            "form": _typed_values(request),
        })
    return page(request, "error.html", status_code=status, context={
        "status": status, "message": detail, "request_id": request_info(request.scope).request_id,
    })


def _typed_values(request: Request[Any, Any, Any]) -> dict[str, str]:
    """What the user typed (from the form litestar already parsed), passwords and tokens left out."""
    form = ScopeState.from_scope(request.scope).form
    if not isinstance(form, dict):
        return {}
    return {
        k: v for k, v in form.items()
        if isinstance(v, str) and "password" not in k and not k.startswith("_csrf")
    }


def application_error(request: Request[Any, Any, Any], exc: ApplicationError) -> Response[Any]:
    if isinstance(exc, ServiceUnavailable):
        return unexpected_error(request, exc)
    if isinstance(exc, RegistryUnavailable):  # 503 with why, so a client can fall back to typing
        return _respond(request, 503, exc.message, {"reason": exc.reason, "source": exc.source.value},
                        {"retry-after": "30"})
    status = next((code for cls, code in STATUS_BY_ERROR if isinstance(exc, cls)), 400)
    extra: dict[str, Any] = {}
    headers: dict[str, str] = {}
    if isinstance(exc, Invalid):
        extra["errors"] = exc.errors
    if isinstance(exc, Conflict):
        if exc.current_version is not None:
            extra["current_version"] = exc.current_version
        if exc.field is not None:
            extra["field"] = exc.field
            extra["errors"] = {exc.field: exc.message}
    if isinstance(exc, Unauthenticated):
        if not wants_json(request.url.path) and not _has_form(request):
            return login_required(request, LoginRequired(request.url.path))
        headers["www-authenticate"] = 'Bearer realm="dps"'
    return _respond(request, status, exc.message, extra, headers)


def _has_form(request: Request[Any, Any, Any]) -> bool:
    route = request.scope.get("route_handler")
    return bool(route is not None and route.opt.get("form_template"))


def login_required(request: Request[Any, Any, Any], exc: LoginRequired) -> Response[Any]:
    query = {"next": exc.next_path}
    if exc.expired:
        query["expired"] = "1"
    return Redirect(f"/login?{urlencode(query)}", status_code=303)


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if status == 403 and exc.detail == CSRF_FAILURE:
        security_log().warning(
            "csrf.rejected", method=request.method, path=request.url.path,
            remote_addr=request.client.host if request.client else "",
        )
        return _respond(request, 403, CSRF_MESSAGE)
    if status >= 500:
        return unexpected_error(request, exc)
    extra: dict[str, Any] = {}
    if isinstance(exc, ValidationException) and isinstance(exc.extra, list):
        extra["errors"] = {
            str(e.get("key") or "_"): str(e.get("message", "")) for e in exc.extra if isinstance(e, dict)
        }
    detail = exc.detail if wants_json(request.url.path) and status not in (404, 405) else MESSAGES.get(status, "")
    return _respond(request, status, detail or exc.detail, extra, exc.headers)


def unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    status = 503 if is_database_unavailable(exc) else 500
    system_log().error(
        "database.unavailable" if status == 503 else "request.failed",
        method=request.method, path=request.url.path, error=type(exc).__name__, exc_info=exc,
    )
    headers = {"retry-after": "30"} if status == 503 else {}
    return _respond(request, status, MESSAGES[status], headers=headers)


def exception_handlers() -> ExceptionHandlersMap:
    return {
        ApplicationError: application_error,
        LoginRequired: login_required,
        HTTPException: http_error,
        Exception: unexpected_error,
    }
