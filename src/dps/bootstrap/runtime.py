"""Starting DPS in a process: settings, logging, the container, the schema, the demo, the web app.

The CLI (`dps`), the uvicorn worker factory and later the scheduler start the same way:
`boot()` once per process, then use the container.
"""

from __future__ import annotations

import importlib
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from dps.adapters.db.health import database_status
from dps.adapters.db.migrations_runner import current_revision, head_revision, upgrade
from dps.adapters.logs.channels import configure_logging
from dps.application.demo.sales_seed import SeedSalesDemo
from dps.application.demo.seed import SeedDemo
from dps.bootstrap.container import Container, build_container
from dps.bootstrap.settings import Settings, load_settings

ASGI_FACTORY = "dps.bootstrap.runtime:asgi_app"
"""Import string of the app factory uvicorn calls in each worker process (`--workers N`)."""

HTTP_APP_MODULE = "dps.entrypoints.http.app"


def boot(settings: Settings | None = None, *, log_stream: bool = False) -> Container:
    """Load settings (from DPS_* when None), send logs to `settings.log_dir`, build the container.

    Logging is process-wide: the last boot wins (tests pass their own settings and log dir).
    With `log_stream` the system and application logs are echoed to stderr as well.
    """
    settings = load_settings() if settings is None else settings
    configure_logging(settings.log_dir, level=settings.log_level, stream=log_stream)
    return build_container(settings)


def ensure_schema(container: Container) -> None:
    """Migrate the database to the newest revision (a no-op when it is there already)."""
    upgrade(container.engine())


def schema_revisions(container: Container) -> tuple[str | None, str | None]:
    """(revision of the database, newest revision of the code); the first is None when unmigrated."""
    with container.engine().connect() as conn:
        current = current_revision(conn)
    return current, head_revision()


def database_problem(container: Container, error: BaseException) -> str | None:
    """Why the database cannot serve, when `error` comes from it being down or unmigrated; else None."""
    if not isinstance(error, SQLAlchemyError):
        return None
    ready, reason = database_status(container.engine())
    return None if ready else reason


def database_label(url: str | sa.URL) -> str:
    """The URL fit for printing: the password hidden."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "<invalid database URL>"


def seed_demo(container: Container) -> SeedDemo:
    """The demo seed use case, built from the container's use cases."""
    return SeedDemo(
        find_tenant=container.find_tenant(),
        create_tenant=container.create_tenant(),
        create_company=container.create_company(),
        create_organization=container.create_organization(),
        create_position=container.create_position(),
        create_public_group=container.create_public_group(),
        add_user=container.add_user(),
        assign_affiliation=container.assign_affiliation(),
        add_group_member=container.add_group_member(),
        refresh_org_closure=container.refresh_org_closure(),
        time_zone=container.settings().default_time_zone,
        seed_sales=SeedSalesDemo(container.sales_deps()),
    )


def create_asgi_app(container: Container) -> Any:
    """The litestar app of `container` (imported late: nothing heavy happens at import time)."""
    module = importlib.import_module(HTTP_APP_MODULE)
    return module.create_app(container)


def asgi_app() -> Any:
    """uvicorn factory (`factory=True`) for worker processes: boot from DPS_* and build the app."""
    return create_asgi_app(boot(log_stream=True))
