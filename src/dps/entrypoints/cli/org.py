"""`dps org refresh`: 集計組織最新化, the organisation roll-up."""

from __future__ import annotations

from datetime import date

import click

from dps.entrypoints.cli.context import tenant_code, tenant_scope
from dps.entrypoints.cli.params import ISO_DATE


@click.group()
def org() -> None:
    """組織 / the organisation tree."""


@org.command()
@click.option("--tenant", "tenant", required=True, help="テナントのコード / tenant code.")
@click.option("--as-of", type=ISO_DATE, default=None,
              help="基準日 / the date whose tree counts (default: today in the tenant's time zone).")
@click.pass_context
def refresh(ctx: click.Context, tenant: str, as_of: date | None) -> None:
    """集計組織最新化 / rebuild the organisation roll-up (closure) as of a date; idempotent.

    \b
    例 / example:
      dps org refresh --tenant acme --as-of 2026-04-01
    """
    scope = tenant_scope(ctx, tenant_code(tenant))
    result = scope.services.refresh_org_closure()(scope.principal, as_of)
    click.echo(f"集計組織を最新化しました / organisation roll-up refreshed as of {result.as_of.isoformat()}: "
               f"{result.organizations} organisations, {result.rows} rows written")
