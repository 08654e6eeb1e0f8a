"""The `dps` command group. Wired by `dps.bootstrap.cli_main`, which passes a `CliState` as `obj`."""

from __future__ import annotations

import uuid

import click
import structlog

from dps.entrypoints.cli.budgets import budget
from dps.entrypoints.cli.cards import cards
from dps.entrypoints.cli.context import state
from dps.entrypoints.cli.db import db
from dps.entrypoints.cli.demo import demo
from dps.entrypoints.cli.errors import DpsGroup
from dps.entrypoints.cli.org import org
from dps.entrypoints.cli.registry import registry
from dps.entrypoints.cli.reports import report
from dps.entrypoints.cli.serve import serve
from dps.entrypoints.cli.tenants import tenant
from dps.entrypoints.cli.transfer import export, export_template, import_
from dps.entrypoints.cli.users import user


@click.group(cls=DpsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="失敗時にトレースバックを表示 / print tracebacks (as DPS_DEBUG=1).")
@click.version_option(package_name="dps", prog_name="dps")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """DPS 営業支援システムの運用コマンド / operate DPS, sales-force automation for Japanese sales teams.

    設定は DPS_* 環境変数から読みます / settings come from DPS_* environment variables.

    \b
    終了コード / exit codes: 0 ok, 1 unexpected, 2 invalid input, 3 not found,
    4 conflict (duplicate), 5 forbidden, 6 database unavailable.
    """
    st = state(ctx)
    st.debug = debug
    # One id per run, so every log line this command writes can be followed across the six logs.
    ctx.with_resource(structlog.contextvars.bound_contextvars(request_id=f"cli-{uuid.uuid4().hex[:16]}"))


for command in (serve, db, demo, tenant, user, org, budget, import_, export, export_template, report, cards, registry):
    cli.add_command(command)
