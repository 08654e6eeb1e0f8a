"""Per-run state of the `dps` command: the lazily booted services and the acting tenant."""

from __future__ import annotations

import os

import click
import structlog
from attrs import define, frozen

from dps.application.auth.principals import system_principal
from dps.application.shared.errors import NotFound
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from dps.entrypoints.cli.services import Boot, Services


class NotWiredError(click.ClickException):
    """The group was started without a Boot (installed with the wrong entry point)."""

    def __init__(self) -> None:
        super().__init__(
            "dps は正しくインストールされていません / dps is not wired: "
            "the console script must be `dps.bootstrap.cli_main:main`"
        )


@define
class CliState:
    """The click context object: how to boot, and what was booted (at most once per run)."""

    boot: Boot
    services: Services | None = None
    debug: bool = False


def state(ctx: click.Context) -> CliState:
    found = ctx.find_object(CliState)
    if found is None:
        raise NotWiredError()
    return found


def get_services(ctx: click.Context, *, database_url: str | None = None, log_stream: bool = False) -> Services:
    """Boot on first use (so `--help` and usage errors touch nothing) and close at the end of the run."""
    st = state(ctx)
    if st.services is None:
        st.services = st.boot(database_url=database_url, log_stream=log_stream)
        ctx.find_root().call_on_close(st.services.close)
    return st.services


def operator() -> str:
    """Who runs the command, as recorded in the audit logs."""
    return f"cli:{os.environ.get('USER') or 'operator'}"


@frozen
class TenantScope:
    services: Services
    tenant: Tenant
    principal: Principal


def tenant_scope(ctx: click.Context, code: str) -> TenantScope:
    """Resolve a tenant code (NotFound -> exit 3), route this run's logs to it, act as its operator."""
    services = get_services(ctx)
    tenant = services.find_tenant()(code)
    if tenant is None:
        raise NotFound("tenant", code)
    ctx.with_resource(structlog.contextvars.bound_contextvars(tenant=tenant.code))
    principal = system_principal(tenant.id, actor=operator(), time_zone=tenant.time_zone)
    return TenantScope(services=services, tenant=tenant, principal=principal)


def tenant_code(value: str) -> str:
    """Tenant codes are lower case; accept ' Demo ' for 'demo'."""
    return value.strip().lower()
