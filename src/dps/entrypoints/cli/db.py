"""`dps db upgrade|current`: the schema of a chosen database."""

from __future__ import annotations

import click

from dps.entrypoints.cli.context import get_services

_URL_HELP = "対象のデータベース / database to use (default DPS_DATABASE_URL), e.g. postgresql://user@host/db"


@click.group()
def db() -> None:
    """データベースの管理 / database schema."""


@db.command()
@click.option("--database-url", default=None, metavar="URL", help=_URL_HELP)
@click.pass_context
def upgrade(ctx: click.Context, database_url: str | None) -> None:
    """スキーマを最新にする / migrate the database to the newest revision.

    \b
    例 / example:
      dps db upgrade --database-url postgresql://dps@db.internal/dps
    """
    services = get_services(ctx, database_url=database_url)
    services.ensure_schema()
    current, _head = services.schema_revisions()
    click.echo(f"データベースを最新にしました / database upgraded to revision {current} "
               f"({services.database_label})")


@db.command()
@click.option("--database-url", default=None, metavar="URL", help=_URL_HELP)
@click.pass_context
def current(ctx: click.Context, database_url: str | None) -> None:
    """現在のリビジョンを表示 / show the database's revision and the newest one.

    \b
    例 / example:
      dps db current
    """
    services = get_services(ctx, database_url=database_url)
    revision, head = services.schema_revisions()
    click.echo(f"database: {services.database_label}")
    click.echo(f"current:  {revision or '(なし / none)'}")
    click.echo(f"head:     {head}")
    if revision == head:
        click.echo("最新です / up to date")
    else:
        click.echo("更新が必要です / behind: run `dps db upgrade`")
