"""`dps serve`: migrate, load the demo when asked, print where to log in, serve the web app."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click
import structlog

from dps.application.demo.seed import DEMO_ADMIN_LOGIN, DEMO_PASSWORD, DEMO_TENANT
from dps.entrypoints.cli.context import get_services
from dps.entrypoints.cli.errors import ExitCode, fail
from dps.entrypoints.cli.output import note

_ALL_INTERFACES = ("0.0.0.0", "::", "")  # noqa: S104 - only compared against, to print a usable URL


UVICORN_LOGGING: dict[str, Any] = {"log_level": "warning", "log_config": None, "access_log": False}
"""uvicorn must not configure logging: its dictConfig would close DPS's per-tenant log files.
Its warnings then reach the system log through the root logger; the request log replaces its access log."""


@contextmanager
def _server_warnings_on_terminal() -> Iterator[None]:
    """Show the server's own warnings and errors (port in use, ...) on the terminal while it runs."""
    server_log = logging.getLogger("uvicorn")
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    server_log.addHandler(console)
    try:
        yield
    finally:
        server_log.removeHandler(console)


def url_of(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in _ALL_INTERFACES else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def banner(*, url: str, database: str, log_dir: str, demo: bool, all_interfaces: bool) -> str:
    lines = [f"DPS が起動しました / DPS is running at {url}"]
    if all_interfaces:
        lines.append("  全インターフェースで待ち受けています / listening on all interfaces")
    lines += [f"  データベース / database: {database}", f"  ログ / logs: {log_dir}"]
    if demo:
        lines += [
            f"  デモログイン / demo login: テナント {DEMO_TENANT}, ログインID {DEMO_ADMIN_LOGIN}, "
            f"パスワード {DEMO_PASSWORD}",
            f"    (tenant {DEMO_TENANT}, login id {DEMO_ADMIN_LOGIN}, password {DEMO_PASSWORD})",
            "  ※ デモ専用です。本番環境では使わないでください / for demos only: never use it in production",
        ]
    lines.append("  停止するには Ctrl+C / press Ctrl+C to stop")
    return "\n".join(lines)


@click.command()
@click.option("--host", default=None, help="待ち受けるアドレス / address to bind (default DPS_HOST, 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="ポート / port (default DPS_PORT, 8000).")
@click.option("--demo/--no-demo", default=None,
              help="デモテナントが無ければ作る / load the demo tenant when missing "
                   "(default: on with SQLite, off otherwise).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="アプリのプロセス数 / app processes (default DPS_WORKERS, 1; use PostgreSQL above 1).")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, demo: bool | None, workers: int | None) -> None:
    """Web アプリを起動 / migrate the database and serve the web app.

    \b
    例 / example:
      dps serve --host 0.0.0.0 --port 8080 --no-demo --workers 4
    """
    import uvicorn  # late: `dps` commands other than serve do not need the server

    services = get_services(ctx, log_stream=True)
    host = services.host if host is None else host
    port = services.port if port is None else port
    workers = services.workers if workers is None else workers
    with_demo = services.is_sqlite if demo is None else demo

    services.ensure_schema()
    if with_demo:
        with structlog.contextvars.bound_contextvars(tenant=DEMO_TENANT):
            result = services.seed_demo()(DEMO_TENANT)
        if result.created:
            note(f"デモテナント '{DEMO_TENANT}' を作成しました / loaded the demo tenant "
                 f"'{DEMO_TENANT}' ({len(result.logins)} users)")
    if workers > 1 and services.is_sqlite:
        note("注意: SQLite で複数プロセスは1台のマシン内に限られます / note: several processes on SQLite "
             "only work on one machine; use PostgreSQL to scale out")
    app = services.asgi_app() if workers == 1 else None

    click.echo(banner(url=url_of(host, port), database=services.database_label, log_dir=services.log_dir,
                      demo=with_demo, all_interfaces=host in _ALL_INTERFACES))
    try:
        with _server_warnings_on_terminal():
            if app is None:
                uvicorn.run(services.asgi_factory, factory=True, host=host, port=port, workers=workers,
                            **UVICORN_LOGGING)
            else:
                uvicorn.run(app, host=host, port=port, **UVICORN_LOGGING)
    except KeyboardInterrupt:
        pass
    except SystemExit as e:  # uvicorn exits when it cannot start (port in use, ...)
        if e.code not in (0, None):
            fail(ctx, ExitCode.UNEXPECTED,
                 f"エラー: サーバを起動できませんでした / error: the server could not start on "
                 f"{host}:{port} (is the port in use?)")
    click.echo("DPS を停止しました / DPS stopped")
