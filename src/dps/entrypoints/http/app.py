"""The litestar application factory: ``create_app(container)``.

Request pipeline (outermost first): request context (request id, clean log context) ->
principal resolution (Bearer for /api/v1, session cookie for pages) -> litestar's CSRF check
(pages only) -> handler. A ``before_send`` hook adds the security headers and writes the
request and screen log lines for every response, errors and unmatched routes included.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from dps.entrypoints.http import dependency_order
from dps.entrypoints.http.api import (
    accounts,
    activities,
    budgets,
    campaigns,
    card_imports,
    catalog,
    collaboration,
    directory,
    health,
    leads,
    me,
    opportunities,
    organizations,
    persons,
    products,
    record_people,
    registry,
    report_definitions,
    report_kinds,
    report_templates,
    reports,
    sales_results,
    users,
)
from dps.entrypoints.http.api.docs import api_docs
from dps.entrypoints.http.auth import PrincipalMiddleware, PrincipalResolver, TenantCodes
from dps.entrypoints.http.deps import (
    ContainerLike,
    HttpSettings,
    api_principal,
    container_dependencies,
    page_principal,
)
from dps.entrypoints.http.errors import exception_handlers
from dps.entrypoints.http.request_log import RequestContextMiddleware, ResponseHook
from dps.entrypoints.http.sessions import SessionCookies
from dps.entrypoints.http.ui import (
    account,
    accounts_pages,
    activities_pages,
    activity_forms_pages,
    attachments_pages,
    budgets_pages,
    campaigns_pages,
    card_import_pages,
    home,
    lead_follow_up_pages,
    leads_pages,
    login,
    lookups,
    mobile_pages,
    mobile_records_pages,
    notifications_pages,
    opportunities_pages,
    opportunity_forms_pages,
    persons_pages,
    record_cards_pages,
    registry_pages,
    report_definitions_pages,
    report_templates_pages,
    reports_pages,
    search_pages,
    transfer_pages,
)
from dps.entrypoints.http.ui.pages import SALES_DEPS_STATE

HERE = Path(__file__).parent
API_VERSION = "0.1.0"
CSRF_COOKIE = "dps_csrf"
BEARER = "BearerToken"


def csrf_config(settings: HttpSettings) -> CSRFConfig:
    """Every unsafe request to a page needs the token; the Bearer-only API and the probes do not."""
    return CSRFConfig(
        secret=settings.secret_key,
        cookie_name=CSRF_COOKIE,
        cookie_secure=settings.secure_cookies,
        cookie_httponly=True,
        cookie_samesite="lax",
        exclude=["^/api/", "^/healthz$", "^/readyz$"],
    )


SALES_API = (
    accounts, persons, products, opportunities, activities, leads, campaigns, budgets, collaboration, catalog,
    record_people, sales_results, reports, registry,
    # [definitions]
    report_kinds, report_definitions,
    # [templates]
    report_templates,
    # [card-imports]
    card_imports,
)
"""Modules whose `ROUTES` are mounted under /api/v1 beside the directory handlers."""


def api_router() -> Router:
    return Router(
        path="/api/v1",
        route_handlers=[
            me.me, me.change_me,
            users.list_users_handler, users.add_user_handler,
            directory.list_companies_handler, directory.create_company_handler,
            directory.list_public_groups_handler, directory.org_refresh_handler,
            organizations.list_organizations_handler, organizations.create_organization_handler,
            organizations.rename_organization_handler, organizations.move_organization_handler,
            organizations.close_organization_handler,
            *(handler for module in SALES_API for handler in module.ROUTES),
        ],
        dependencies={"principal": Provide(api_principal, sync_to_thread=False)},
        security=[{BEARER: []}],
    )


UI_PAGES = (
    accounts_pages, persons_pages, opportunity_forms_pages, opportunities_pages, activity_forms_pages,
    activities_pages, lead_follow_up_pages, leads_pages, campaigns_pages, budgets_pages, notifications_pages,
    search_pages, mobile_pages, mobile_records_pages, lookups, attachments_pages, record_cards_pages, transfer_pages,
    registry_pages,
    # [ui]
    reports_pages,
    # [definitions]
    report_definitions_pages,
    # [templates]
    report_templates_pages,
    # [card-imports]
    card_import_pages,
)
"""Modules whose `ROUTES` are the UI's pages (each screen family in its own module)."""


def ui_router() -> Router:
    return Router(
        path="/",
        route_handlers=[
            login.login_page, login.login_submit, login.logout, home.home,
            account.password_page, account.password_submit, account.tokens_page, account.tokens_submit,
            account.preferences_page, account.preferences_submit,
            *(handler for module in UI_PAGES for handler in module.ROUTES),
        ],
        dependencies={"principal": Provide(page_principal, sync_to_thread=False)},
        include_in_schema=False,
    )


def create_app(container: ContainerLike, *, debug: bool = False) -> Litestar:
    """The DPS web application, wired to the use cases of `container`."""
    dependency_order.install()
    settings = HttpSettings.of(container.settings())
    cookies = SessionCookies(secret_key=settings.secret_key, secure=settings.secure_cookies)
    resolver = PrincipalResolver(container, cookies, TenantCodes(container))
    dependencies: dict[str, Any] = container_dependencies(container, settings)
    return Litestar(
        route_handlers=[
            health.healthz, health.readyz, api_docs, api_router(), ui_router(),
            create_static_files_router(path="/static", directories=[HERE / "static"], include_in_schema=False),
        ],
        dependencies=dependencies,
        middleware=[RequestContextMiddleware, DefineMiddleware(PrincipalMiddleware, resolver=resolver)],
        before_send=[ResponseHook(cookies)],
        csrf_config=csrf_config(settings),
        exception_handlers=exception_handlers(),
        template_config=TemplateConfig(directory=HERE / "templates", engine=JinjaTemplateEngine),
        openapi_config=OpenAPIConfig(
            title="DPS API",
            version=API_VERSION,
            description="DPS sales CRM — JSON API. Authenticate with `Authorization: Bearer <token>`.",
            path="/api/schema",
            render_plugins=[JsonRenderPlugin()],
            components=Components(security_schemes={
                BEARER: SecurityScheme(type="http", scheme="bearer", description="dps.<tenant>.<token>.<secret>"),
            }),
        ),
        logging_config=None,
        state=State({SALES_DEPS_STATE: getattr(container, "sales_deps", lambda: None)()}),
        debug=debug,
    )
