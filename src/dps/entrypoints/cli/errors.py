"""Failures -> one clear bilingual line on stderr and a meaningful exit code.

| code | meaning |
|---|---|
| 0 | done |
| 1 | unexpected failure (message only; the traceback with DPS_DEBUG=1 or --debug) |
| 2 | bad usage or invalid input (click's usage errors, application `Invalid`) |
| 3 | not found (unknown tenant, user, ...) |
| 4 | conflict (duplicate tenant code or login id, stale version) |
| 5 | forbidden (the acting principal may not do this) |
| 6 | database unreachable or not migrated |
"""

from __future__ import annotations

import enum
import logging
import os
import traceback
from typing import Any

import click

from dps.application.shared.errors import (
    ApplicationError,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    ServiceUnavailable,
    Unauthenticated,
)
from dps.entrypoints.cli.context import CliState

_log = logging.getLogger("dps.cli")


class ExitCode(enum.IntEnum):
    OK = 0
    UNEXPECTED = 1
    INVALID = 2
    NOT_FOUND = 3
    CONFLICT = 4
    FORBIDDEN = 5
    DATABASE = 6


_WHAT_JA = {
    "tenant": "テナント",
    "user": "ユーザ",
    "company": "会社",
    "organisation": "組織",
    "position": "役職",
    "public group": "パブリックグループ",
    "role": "役割",
}

_FIELD_JA = {
    "code": "コード",
    "name": "名前",
    "login_id": "ログインID",
    "email": "メールアドレス",
    "password": "パスワード",
    "license": "ライセンス",
    "licenses": "ライセンス数",
    "locale": "言語",
    "time_zone": "タイムゾーン",
    "database_url": "データベースURL",
    "environment": "環境変数",
    "valid_from": "開始日",
    "valid_to": "終了日",
    "fiscal_year_start_month": "期首月",
}


def _field(name: str | None) -> str:
    if not name or name == "_":
        return "input"
    ja = _FIELD_JA.get(name)
    return f"{ja} ({name})" if ja else name


def describe(error: ApplicationError) -> tuple[ExitCode, str]:
    """The exit code and message of a use case's typed failure."""
    if isinstance(error, Invalid):
        lines = [f"  {_field(k)}: {v}" for k, v in error.errors.items()]
        fields = ", ".join(error.errors)
        return ExitCode.INVALID, "\n".join(
            [f"エラー: 入力が正しくありません / error: invalid {fields}", *lines]
        )
    if isinstance(error, NotFound):
        ja = _WHAT_JA.get(error.what, error.what)
        return ExitCode.NOT_FOUND, (
            f"エラー: {ja} '{error.key}' が見つかりません / error: unknown {error.what} '{error.key}'"
        )
    if isinstance(error, Conflict):
        if error.field:
            what = _FIELD_JA.get(error.field, error.field)
            return ExitCode.CONFLICT, f"エラー: {what}は既に使われています / error: {error.message}"
        return ExitCode.CONFLICT, f"エラー: 他の操作と競合しました / error: conflict: {error.message}"
    if isinstance(error, ServiceUnavailable):
        return ExitCode.DATABASE, f"エラー: データベースを利用できません / error: database unavailable: {error.message}"
    if isinstance(error, Forbidden | Unauthenticated):
        return ExitCode.FORBIDDEN, f"エラー: 権限がありません / error: forbidden: {error.message}"
    return ExitCode.UNEXPECTED, f"エラー / error: {error.message}"


def _debug(ctx: click.Context) -> bool:
    st = ctx.find_object(CliState)
    return (st is not None and st.debug) or os.environ.get("DPS_DEBUG", "") in ("1", "true", "yes")


def _database_problem(ctx: click.Context, error: BaseException) -> str | None:
    st = ctx.find_object(CliState)
    if st is None or st.services is None:
        return None
    try:
        return st.services.database_problem(error)
    except Exception:
        return None


def _first_line(error: BaseException, limit: int = 300) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:limit] if text else ""


def fail(ctx: click.Context, code: ExitCode, message: str) -> None:
    click.echo(message, err=True)
    ctx.exit(int(code))


class DpsGroup(click.Group):
    """The root group: turns any failure below it into a message and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort, EOFError):
            raise
        except ApplicationError as e:
            code, message = describe(e)
            fail(ctx, code, message)
        except Exception as e:
            problem = _database_problem(ctx, e)
            if problem is not None:
                _log.error("cli.database_unavailable", exc_info=True)
                detail = _first_line(e)
                hint = f"\n  {detail}" if detail and "migration" not in problem else ""
                if "migration" in problem:
                    hint = "\n  `dps db upgrade` を実行してください / run `dps db upgrade` first"
                fail(ctx, ExitCode.DATABASE,
                     f"エラー: データベースを利用できません / error: database unavailable: {problem}{hint}")
            _log.error("cli.failed", exc_info=True)
            if _debug(ctx):
                click.echo(traceback.format_exc(), err=True, nl=False)
                hint = ""
            else:
                hint = "\n  (詳細は DPS_DEBUG=1 で表示 / set DPS_DEBUG=1 for the traceback)"
            fail(ctx, ExitCode.UNEXPECTED,
                 f"エラー: 予期しない失敗です / error: unexpected failure: {type(e).__name__}: {e}{hint}")
        return None
