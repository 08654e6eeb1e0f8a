"""`dps demo seed`: load the demo tenant."""

from __future__ import annotations

import click
import structlog

from dps.application.demo.seed import DEMO_PASSWORD, DEMO_TENANT
from dps.entrypoints.cli.context import get_services, tenant_code
from dps.entrypoints.cli.output import note, table, yes_no


@click.group()
def demo() -> None:
    """デモデータ / the demo tenant."""


@demo.command()
@click.option("--tenant", "code", default=DEMO_TENANT, show_default=True,
              help="作成するテナントのコード / code of the tenant to create.")
@click.pass_context
def seed(ctx: click.Context, code: str) -> None:
    """デモテナントを作成 (既にあれば何もしない) / load the demo tenant unless it exists.

    \b
    例 / example:
      dps demo seed
    """
    code = tenant_code(code)
    services = get_services(ctx)
    with structlog.contextvars.bound_contextvars(tenant=code):
        result = services.seed_demo()(code)
    if not result.created:
        click.echo(f"テナント '{code}' は既にあります。何も作成していません / "
                   f"tenant '{code}' already exists; nothing created")
        return
    click.echo(f"デモテナント '{code}' を作成しました / created the demo tenant '{code}' "
               f"({len(result.logins)} users)")
    if result.sales is not None:
        s = result.sales
        click.echo(f"営業データ / sales data: {s.accounts} accounts, {s.persons} persons, "
                   f"{s.opportunities} opportunities, {s.activities} activities, {s.leads} leads, "
                   f"{s.campaigns} campaigns, {s.budgets} budgets, {s.comments} comments")
    if result.org_refresh is not None:
        click.echo(f"集計組織 / org roll-up: {result.org_refresh.organizations} organisations, "
                   f"{result.org_refresh.rows} rows")
    click.echo(table(["LOGIN", "LICENSE", "ADMIN"],
                     [(login.login_id, login.license.value, yes_no(login.is_admin)) for login in result.logins]))
    click.echo(f"パスワード (全員共通) / password (all users): {DEMO_PASSWORD}")
    note("※ デモ専用です。本番環境では使わないでください / for demos only: never use it in production")
