"""`dps registry load|update|lookup`: the offline corporate registry (法人番号), loaded from the NTA's bulk
download files (全件データ) and daily diff files (差分データ). The registry is global (the same public data
for every tenant), so there is no --tenant: the commands run as the operator.

Exit codes: 0 done; 2 a file is not NTA CSV (the message names the file and line; nothing is written)
or bad usage; 3 `lookup` found nothing; 6 database unavailable.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import structlog

from dps.application.registry.loading import LoadSummary, Progress
from dps.application.registry.ports import CorporateRecord
from dps.application.shared.errors import NotFound
from dps.domain.registry.corporate_number import normalise
from dps.entrypoints.cli.context import get_services, operator
from dps.entrypoints.cli.output import note

_FILES = click.argument("files", nargs=-1, required=True,
                        type=click.Path(exists=True, dir_okay=False, path_type=Path))
_DATABASE = click.option("--database-url", default=None,
                         help="DPS_DATABASE_URL の代わり / instead of DPS_DATABASE_URL.")
_SKIP_BAD = click.option("--skip-bad", is_flag=True,
                         help="不正な行を飛ばして数える / skip malformed lines and count them (default: stop).")
_QUIET = click.option("--quiet", "-q", is_flag=True, help="進捗バーを表示しない / no progress bar.")


@click.group(name="registry")
def registry() -> None:
    """法人番号のオフライン台帳 / the offline corporate registry (NTA data)."""


@contextmanager
def _progress_bar(files: tuple[Path, ...], quiet: bool) -> Iterator[Progress | None]:
    """A progress bar over the bytes read, on stderr (hidden when not a terminal or --quiet)."""
    if quiet:
        yield None
        return
    total = sum(p.stat().st_size for p in files)
    with click.progressbar(length=total, label="読込 / reading", file=sys.stderr,
                           show_eta=True, show_percent=True) as bar:
        yield bar.update


def _run(what: str, files: tuple[Path, ...], skip_bad: bool, quiet: bool,
         action: Callable[..., LoadSummary]) -> None:
    start = time.perf_counter()
    with _progress_bar(files, quiet) as progress:
        summary = action(list(files), progress, skip_bad=skip_bad)
    seconds = time.perf_counter() - start
    # The registry is global: the line goes to the system logs (no tenant is bound).
    structlog.get_logger("dps.log.system").info(
        f"registry.{what}", actor=operator(), files=[str(p) for p in files], rows=summary.rows,
        inserted=summary.inserted, updated=summary.updated, deleted=summary.deleted, skipped=summary.skipped,
        bad=summary.bad, seconds=round(seconds, 2))
    for line in summary.bad_lines:
        note(f"スキップ / skipped: {line}")
    click.echo(
        f"{what}: ファイル files {summary.files}, 行 rows {summary.rows}, 追加 loaded {summary.inserted}, "
        f"更新 updated {summary.updated}, 削除 deleted {summary.deleted}, スキップ skipped {summary.skipped} "
        f"(不正 bad {summary.bad}), {seconds:.1f} 秒 seconds ({operator()})")


@registry.command(name="load")
@_FILES
@_DATABASE
@_SKIP_BAD
@_QUIET
@click.pass_context
def load(ctx: click.Context, files: tuple[Path, ...], database_url: str | None, skip_bad: bool, quiet: bool) -> None:
    """全件データを読み込む / load NTA bulk CSV FILES (Shift_JIS or UTF-8); a reload updates in place.

    \b
    例 / example:
      dps registry load 00_zenkoku_all_20251031.csv
    """
    offline = get_services(ctx, database_url=database_url).offline_registry()
    _run("load", files, skip_bad, quiet, offline.load)


@registry.command(name="update")
@_FILES
@_DATABASE
@_SKIP_BAD
@_QUIET
@click.pass_context
def update(ctx: click.Context, files: tuple[Path, ...], database_url: str | None, skip_bad: bool,
           quiet: bool) -> None:
    """差分データを適用する / apply NTA daily diff FILES in order (new, changed, closed, merged, deleted)."""
    offline = get_services(ctx, database_url=database_url).offline_registry()
    _run("update", files, skip_bad, quiet, offline.apply_diff)


def _as_json(record: CorporateRecord) -> str:
    return json.dumps({
        "corporate_number": record.corporate_number, "name": record.name, "furigana": record.furigana,
        "kind": record.kind, "postal_code": record.postal_code, "prefecture": record.prefecture,
        "city": record.city, "street": record.street, "address": record.address,
        "address_outside": record.address_outside, "en_name": record.en_name, "en_address": record.en_address,
        "close_date": record.close_date.isoformat() if record.close_date else None,
        "close_cause": record.close_cause, "successor_number": record.successor_number,
        "change_date": record.change_date.isoformat() if record.change_date else None,
        "update_date": record.update_date.isoformat() if record.update_date else None,
        "assignment_date": record.assignment_date.isoformat() if record.assignment_date else None,
        "source": record.source.value,
    }, ensure_ascii=False)


@registry.command(name="lookup")
@click.argument("query")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000),
              help="名前検索の最大件数 / at most this many name matches.")
@_DATABASE
@click.pass_context
def lookup(ctx: click.Context, query: str, limit: int, database_url: str | None) -> None:
    """法人番号または名前で検索 / look up a 13-digit NUMBER or search a NAME; one JSON object per line.

    \b
    例 / examples:
      dps registry lookup 7010001008844
      dps registry lookup "ｶﾌﾞｼｷｶﾞｲｼｬ サンプル"
    """
    offline = get_services(ctx, database_url=database_url).offline_registry()
    number = normalise(query)
    if len(number) == 13 and number.isascii() and number.isdigit():
        records = offline.by_numbers([number])
    else:
        records = offline.search_name(query, limit=limit)
    if not records:
        raise NotFound("corporation", query)
    for record in records:
        click.echo(_as_json(record))
