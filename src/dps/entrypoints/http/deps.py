"""Bridge from the dependency-injector container to litestar's ``Provide``.

The entrypoint may not import the composition root, so it describes the part of the
container it uses as a Protocol; the real ``Container`` is passed to ``create_app``.
Handlers declare use cases by provider name (``log_in: LogIn``) and receive the instance.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from attrs import frozen
from litestar import Request
from litestar.di import Provide

from dps.application.auth.login import ChangePassword, LogIn, LogOut, ResolveSession
from dps.application.auth.tokens import IssueApiToken, ResolveApiToken
from dps.application.shared.errors import Unauthenticated
from dps.application.tenancy.tenants import FindTenant, GetTenant
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.context import request_info


class SettingsLike(Protocol):
    @property
    def secret_key(self) -> str: ...
    @property
    def secure_cookies(self) -> bool: ...
    @property
    def default_tenant(self) -> str: ...


class ContainerLike(Protocol):
    """What the HTTP entrypoint needs from ``dps.bootstrap.container.Container``."""

    def settings(self) -> SettingsLike: ...
    def readiness(self) -> Callable[[], tuple[bool, str]]: ...
    def find_tenant(self) -> FindTenant: ...
    def get_tenant(self) -> GetTenant: ...
    def log_in(self) -> LogIn: ...
    def log_out(self) -> LogOut: ...
    def resolve_session(self) -> ResolveSession: ...
    def change_password(self) -> ChangePassword: ...
    def issue_api_token(self) -> IssueApiToken: ...
    def resolve_api_token(self) -> ResolveApiToken: ...


PROVIDERS = (
    "readiness", "log_in", "log_out", "change_password", "issue_api_token", "find_tenant",
    "list_users", "add_user", "list_companies", "create_company", "list_organizations", "create_organization",
    "rename_organization", "move_organization", "close_organization", "list_public_groups",
    "refresh_org_closure", "sales_deps", "list_code_lists", "get_code_list", "get_tenant",
    "change_my_preferences", "user_index",
    "import_records", "export_records", "export_template", "transfer_work_dir",
    "report_template_engine",
    "write_report",
    "corporate_registry",
    "card_import_deps",
)
"""Container providers handlers may ask for by name (use cases, and the readiness probe)."""


@frozen
class HttpSettings:
    """The settings the HTTP layer reads, copied once from the container's settings."""

    secret_key: str
    secure_cookies: bool
    default_tenant: str

    @classmethod
    def of(cls, settings: SettingsLike) -> HttpSettings:
        return cls(
            secret_key=settings.secret_key, secure_cookies=settings.secure_cookies,
            default_tenant=settings.default_tenant,
        )


def _bridge(container: Any, name: str) -> Provide:
    provider = getattr(container, name)

    def dependency() -> Any:
        return provider()

    dependency.__name__ = f"provide_{name}"
    return Provide(dependency, sync_to_thread=False)


def container_dependencies(container: ContainerLike, http_settings: HttpSettings) -> dict[str, Provide]:
    """One ``Provide`` per use case, plus the HTTP settings."""
    deps = {name: _bridge(container, name) for name in PROVIDERS}

    def provide_http_settings() -> HttpSettings:
        return http_settings

    deps["http_settings"] = Provide(provide_http_settings, sync_to_thread=False)
    return deps


class LoginRequired(Exception):
    """An HTML page needs a logged-in user; the error handler redirects to the login page."""

    def __init__(self, next_path: str, *, expired: bool = False) -> None:
        super().__init__("login required")
        self.next_path = next_path
        self.expired = expired


def api_principal(request: Request[Any, Any, Any]) -> Principal:
    """The Bearer token's principal, resolved by the middleware; 401 without one."""
    principal = request.scope.get("user")
    if not isinstance(principal, Principal):
        raise Unauthenticated("認証が必要です / authentication required: send 'Authorization: Bearer <token>'")
    return principal


def page_principal(request: Request[Any, Any, Any]) -> Principal:
    """The session's principal, resolved by the middleware; a redirect to /login without one."""
    principal = request.scope.get("user")
    if not isinstance(principal, Principal):
        path = request.url.path
        if request.url.query:
            path = f"{path}?{request.url.query}"
        raise LoginRequired(path, expired=request_info(request.scope).session_ended)
    return principal


def client_host(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else ""
