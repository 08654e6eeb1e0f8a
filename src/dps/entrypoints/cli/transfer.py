"""`dps import`, `dps export`, `dps export-template`: Excel (xlsx) / CSV files of one kind of record,
as the tenant's operator or (`--as LOGIN`) as one of its users.

Exit codes: 0 done; 1 the file has errors (nothing written; the error workbook names each row, field
and reason); 2 bad usage or a file that cannot be read; 3 unknown tenant or user; 5 forbidden."""

from __future__ import annotations

import sys
import time
from datetime import datetime
from pathlib import Path

import click

from dps.application.shared.errors import Invalid
from dps.application.transfer.exports import ExportRecords, ExportTemplate
from dps.application.transfer.imports import ActingPrincipal, ImportInterrupted, ImportRecords, ImportReport
from dps.application.transfer.kinds import KINDS
from dps.application.transfer.ports import UnreadableFile
from dps.application.transfer.progress import NoProgress, Progress, ProgressMeter
from dps.application.transfer.schema import ImportMode
from dps.entrypoints.cli.context import TenantScope, tenant_code, tenant_scope

_KIND = click.argument("kind", type=click.Choice(sorted(KINDS)))
_TENANT = click.option("--tenant", "tenant", required=True, callback=lambda _c, _p, v: tenant_code(v),
                       help="テナントのコード / tenant code.")
_AS = click.option("--as", "as_login", default=None,
                   help="このユーザとして実行 (権限・可視性) / act as this user (rights and visibility).")
_QUIET = click.option("--quiet", "-q", "quiet", is_flag=True, help="進捗を表示しない / no progress line.")

MAX_LISTED_ERRORS = 20


def _progress(quiet: bool) -> Progress:
    """A progress line on stderr when it is a terminal and not --quiet."""
    if quiet or not sys.stderr.isatty():
        return NoProgress()

    def render(line: str, last: bool) -> None:
        click.echo(f"\r{line}\033[K", err=True, nl=last)

    return ProgressMeter(render=render)


def _scope(ctx: click.Context, tenant: str, as_login: str | None) -> tuple[TenantScope, ActingPrincipal]:
    scope = tenant_scope(ctx, tenant)
    return scope, ActingPrincipal(scope.services.transfer_deps())


def _unreadable(error: UnreadableFile, path: Path) -> Invalid:
    return Invalid({"file": f"{path}: 読み取れません / cannot read the file: {error.reason}"})


def _print_report(report: ImportReport, quiet: bool, elapsed: float) -> None:
    rate = report.read / elapsed if elapsed > 0 else 0.0
    what = "検証のみ / dry run: " if report.dry_run else ""
    click.echo(f"{what}{report.kind} {report.mode.value}: 読込 read {report.read}, 追加 inserted {report.inserted}, "
               f"更新 updated {report.updated}, 変更なし unchanged {report.unchanged}, "
               f"エラー errors {report.errors}"
               + (f", 再開でスキップ skipped {report.skipped}" if report.skipped else "")
               + ("" if quiet else f" ({elapsed:.1f}s, {rate:,.0f} rows/s)"))
    if report.committed_batches:
        click.echo(f"確定したバッチ / committed batches: {', '.join(map(str, report.committed_batches))}")


@click.command(name="import")
@_KIND
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--mode", type=click.Choice([m.value for m in ImportMode]), default=ImportMode.UPSERT.value,
              show_default=True, help="取込方法 / insert, update, upsert (by id or natural key) or delete.")
@click.option("--dry-run", is_flag=True, help="検証のみ、書き込まない / validate everything, write nothing.")
@click.option("--batch-size", type=click.IntRange(min=1), default=None,
              help="N 行ごとに確定し、中断後は再実行で再開 / commit every N rows; a rerun resumes after a failure.")
@click.option("--errors", "errors_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="エラーファイルの出力先 / where to write the error workbook (default FILE.errors.xlsx).")
@_TENANT
@_AS
@_QUIET
@click.pass_context
def import_(ctx: click.Context, kind: str, file: Path, mode: str, dry_run: bool, batch_size: int | None,
            errors_path: Path | None, tenant: str, as_login: str | None, quiet: bool) -> None:
    """Excel / CSV ファイルを取り込む / import an Excel or CSV file of KIND (all or nothing).

    \b
    例 / example:
      dps import accounts accounts.xlsx --tenant acme --mode upsert
      dps import users users.xlsx --tenant acme --dry-run
    """
    if not file.is_file():
        raise Invalid({"file": f"{file}: ファイルがありません / no such file"})
    scope, acting = _scope(ctx, tenant, as_login)
    principal = acting(scope.principal, as_login)
    started = time.monotonic()
    try:
        report = ImportRecords(scope.services.transfer_deps())(
            principal, kind, file, ImportMode(mode), dry_run=dry_run, batch_size=batch_size,
            error_path=errors_path, progress=_progress(quiet))
    except UnreadableFile as e:
        raise _unreadable(e, file) from e
    except ImportInterrupted as e:
        _print_report(e.report, quiet, time.monotonic() - started)
        click.echo(f"エラー: 取込が中断しました。再実行すると続きから再開します / error: the import stopped "
                   f"({e.cause}); batches {e.report.committed_batches or 'none'} are committed; run the same "
                   f"command again to resume", err=True)
        ctx.exit(1)
    _print_report(report, quiet, time.monotonic() - started)
    if not report.ok:
        for err in report.row_errors[:MAX_LISTED_ERRORS]:
            where = err.header or err.column or ""
            click.echo(f"  {err.row} 行目 / row {err.row}" + (f" [{where}]" if where else "") + f": {err.message}",
                       err=True)
        if report.errors > MAX_LISTED_ERRORS:
            more = report.errors - MAX_LISTED_ERRORS
            click.echo(f"  ... 他 {more} 件 / and {more} more", err=True)
        click.echo(f"何も書き込んでいません。エラーファイル / nothing was written; error workbook: {report.error_path}",
                   err=True)
        ctx.exit(1)


@click.command(name="export")
@_KIND
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@_TENANT
@_AS
@click.option("--q", "q", default=None, help="キーワードで絞り込む / only records matching these words.")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="この日以降 (活動・販売実績) / on or after this date (activities, sales results).")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="この日以前 (活動・販売実績) / on or before this date (activities, sales results).")
@click.option("--closed", type=click.Choice(["true", "false"]), default=None,
              help="取引先: true は閉鎖のみ、false は閉鎖を除く / accounts: true = closed only, false = open only.")
@_QUIET
@click.pass_context
def export(ctx: click.Context, kind: str, file: Path, tenant: str, as_login: str | None, q: str | None,
           date_from: datetime | None, date_to: datetime | None, closed: str | None, quiet: bool) -> None:
    """見えるデータを Excel / CSV に出力する / export what the acting user may see of KIND.

    \b
    例 / example:
      dps export accounts accounts.xlsx --tenant acme --as sato
      dps export sales-results sales.csv --tenant acme --from 2026-04-01 --to 2027-03-31
    """
    scope, acting = _scope(ctx, tenant, as_login)
    principal = acting(scope.principal, as_login)
    filters = {"q": q} if q else {}
    if date_from is not None:
        filters["date_from"] = date_from.date().isoformat()
    if date_to is not None:
        filters["date_to"] = date_to.date().isoformat()
    if closed is not None:
        filters["closed"] = closed
    started = time.monotonic()
    report = ExportRecords(scope.services.transfer_deps())(principal, kind, file, filters,
                                                           progress=_progress(quiet))
    elapsed = time.monotonic() - started
    click.echo(f"{report.rows} 件を出力しました / exported {report.rows} rows to {report.path}"
               + ("" if quiet else f" ({elapsed:.1f}s)"))


@click.command(name="export-template")
@_KIND
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@_TENANT
@click.pass_context
def export_template(ctx: click.Context, kind: str, file: Path, tenant: str) -> None:
    """取込用の空のひな形 (見出し・選択肢) / write an empty template of KIND (headers, dropdowns).

    \b
    例 / example:
      dps export-template accounts accounts-template.xlsx --tenant acme
    """
    scope = tenant_scope(ctx, tenant)
    report = ExportTemplate(scope.services.transfer_deps())(scope.principal, kind, file)
    click.echo(f"ひな形を出力しました / wrote the template {report.path}")
