"""Parameter types and input helpers shared by the commands."""

from __future__ import annotations

import sys
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from dps.application.shared.errors import Invalid


class TimeZoneName(click.ParamType[str, object]):
    """An IANA time zone known to this machine, such as Asia/Tokyo."""

    name = "time zone"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value).strip()
        try:
            ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError):
            self.fail(f"'{text}' はタイムゾーン名ではありません / is not a time zone such as Asia/Tokyo", param, ctx)
        return text


class IsoDate(click.ParamType[date, object]):
    name = "YYYY-MM-DD"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return datetime.strptime(str(value).strip(), "%Y-%m-%d").date()
        except ValueError:
            self.fail(f"'{value}' は YYYY-MM-DD 形式の日付ではありません / is not a date like 2026-04-01",
                      param, ctx)


TIME_ZONE = TimeZoneName()
ISO_DATE = IsoDate()


def read_password(*, from_stdin: bool, required: bool) -> str | None:
    """The new password: one line of stdin, or asked twice (hidden) on a terminal.

    Without a terminal and without `--password-stdin` there is nothing to ask: None, or a usage
    error (exit 2) when a password is `required`.
    """
    stdin = sys.stdin
    if from_stdin:
        password = stdin.readline().rstrip("\r\n")
        if not password:
            raise Invalid.field("password", "標準入力にパスワードがありません / no password on standard input")
        return password
    if stdin.isatty():
        entered = click.prompt(
            "パスワード / password", hide_input=True,
            confirmation_prompt="パスワード (確認) / repeat the password",
        )
        return entered
    if required:
        raise click.UsageError(
            "端末がありません。--password-stdin でパスワードを渡してください / "
            "no terminal to ask on: pass the password with --password-stdin"
        )
    return None
