"""`dps tenant create|list`: provisioning tenants (a system operator's work)."""

from __future__ import annotations

import click

from dps.application.tenancy.tenants import CreateTenantCommand
from dps.domain.visibility.policy import UpdateRule
from dps.entrypoints.cli.context import get_services, tenant_code
from dps.entrypoints.cli.output import table, yes_no
from dps.entrypoints.cli.params import TIME_ZONE


@click.group()
def tenant() -> None:
    """テナントの管理 / tenants."""


@tenant.command()
@click.argument("code")
@click.option("--name", required=True, help="テナント名 (会社名) / tenant (company) name.")
@click.option("--full-licenses", type=click.IntRange(min=0), default=100, show_default=True,
              help="フルユーザのライセンス数 / full-user licences.")
@click.option("--light-licenses", type=click.IntRange(min=0), default=100, show_default=True,
              help="ライトユーザのライセンス数 / light-user licences.")
@click.option("--time-zone", type=TIME_ZONE, default=None,
              help="タイムゾーン / time zone (default DPS_DEFAULT_TIME_ZONE, Asia/Tokyo).")
@click.option("--fiscal-year-start", type=click.IntRange(1, 12), default=4, show_default=True,
              help="期首月 / first month of the fiscal year.")
@click.option("--update-rule", type=click.Choice([r.value for r in UpdateRule]), default=UpdateRule.ANY_FULL_USER.value,
              show_default=True,
              help="更新権限 / who may update records they can see: every full user, or strictly those in charge.")
@click.pass_context
def create(
    ctx: click.Context, code: str, name: str, full_licenses: int, light_licenses: int, time_zone: str | None,
    fiscal_year_start: int, update_rule: str,
) -> None:
    """テナントを作成 / create a tenant.

    \b
    例 / example:
      dps tenant create acme --name "株式会社アクメ" --full-licenses 50 --light-licenses 20
    """
    services = get_services(ctx)
    created = services.create_tenant()(CreateTenantCommand(
        code=tenant_code(code), name=name, time_zone=time_zone or services.default_time_zone,
        full_licenses=full_licenses, light_licenses=light_licenses, fiscal_year_start_month=fiscal_year_start,
        update_rule=UpdateRule(update_rule),
    ))
    click.echo(f"テナント '{created.code}' を作成しました / created tenant '{created.code}' "
               f"({created.name}; full {created.full_licenses}, light {created.light_licenses}, "
               f"{created.time_zone}, fiscal year from month {created.fiscal_year_start_month}, "
               f"update rule {created.update_rule.value})")


@tenant.command(name="list")
@click.pass_context
def list_(ctx: click.Context) -> None:
    """テナントの一覧 / list tenants.

    \b
    例 / example:
      dps tenant list
    """
    tenants = get_services(ctx).list_tenants()()
    click.echo(table(
        ["CODE", "NAME", "TIME ZONE", "FULL", "LIGHT", "ACTIVE", "CREATED"],
        [
            (t.code, t.name, t.time_zone, t.full_licenses, t.light_licenses, yes_no(t.is_active),
             t.created_at.date().isoformat() if t.created_at else "")
            for t in tenants
        ],
    ))
