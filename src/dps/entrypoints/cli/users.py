"""`dps user add|list|set-password|deactivate|token`: users of one tenant, as its operator."""

from __future__ import annotations

import click

from dps.application.directory.users import AddUserCommand
from dps.domain.shared.principal import License, Role
from dps.entrypoints.cli.context import tenant_code, tenant_scope
from dps.entrypoints.cli.output import note, table, yes_no
from dps.entrypoints.cli.params import TIME_ZONE, read_password

_TENANT = click.option("--tenant", "tenant", required=True, callback=lambda _c, _p, v: tenant_code(v),
                       help="テナントのコード / tenant code.")
_PASSWORD_STDIN = click.option("--password-stdin", is_flag=True,
                               help="パスワードを標準入力の1行から読む / read the password from one line of stdin.")


@click.group()
def user() -> None:
    """ユーザの管理 / users of a tenant."""


@user.command()
@_TENANT
@click.argument("login")
@click.option("--name", required=True, help="氏名 / full name, e.g. '田中 美咲'.")
@click.option("--kana", default="", help="フリガナ / reading, e.g. 'タナカ ミサキ'.")
@click.option("--license", "license_", type=click.Choice([lic.value for lic in License]), default="full",
              show_default=True, help="ライセンス / licence type.")
@click.option("--email", default="", help="メールアドレス / e-mail address.")
@click.option("--admin", is_flag=True, help="テナント管理者にする / grant the tenant administrator role.")
@click.option("--locale", type=click.Choice(["ja", "en"]), default="ja", show_default=True,
              help="表示言語 / language.")
@click.option("--time-zone", type=TIME_ZONE, default=None,
              help="タイムゾーン / time zone (default: the tenant's).")
@_PASSWORD_STDIN
@click.pass_context
def add(
    ctx: click.Context, tenant: str, login: str, name: str, kana: str, license_: str, email: str, admin: bool,
    locale: str, time_zone: str | None, password_stdin: bool,
) -> None:
    """ユーザを追加 / add a user.

    パスワードは --password-stdin で渡すか、端末なら2回入力します。どちらも無ければ
    パスワード無しで作成します (後で set-password) / the password comes from stdin with
    --password-stdin, or is asked twice on a terminal; otherwise the user is created without one.

    \b
    例 / example:
      echo 'S3cure-pass-2026' | dps user add --tenant acme tanaka --name '田中 美咲' \\
          --email tanaka@example.com --password-stdin
    """
    scope = tenant_scope(ctx, tenant)
    password = read_password(from_stdin=password_stdin, required=False)
    created = scope.services.add_user()(scope.principal, AddUserCommand(
        login_id=login, name=name, kana=kana, license=License(license_), email=email, password=password,
        locale=locale, time_zone=time_zone or scope.tenant.time_zone,
        roles=frozenset({Role.TENANT_ADMIN}) if admin else frozenset(),
    ))
    role = ", admin" if created.is_admin else ""
    click.echo(f"ユーザ '{created.login_id}' を追加しました / added user '{created.login_id}' "
               f"to tenant '{scope.tenant.code}' ({created.license.value}{role})")
    if password is None:
        note(f"パスワードは未設定です (ログインできません)。設定するには / no password set (cannot log in yet); "
             f"set one with: dps user set-password --tenant {scope.tenant.code} {created.login_id}")


@user.command(name="list")
@_TENANT
@click.option("--all", "include_inactive", is_flag=True, help="無効なユーザも表示 / include inactive users.")
@click.pass_context
def list_(ctx: click.Context, tenant: str, include_inactive: bool) -> None:
    """ユーザの一覧 / list users.

    \b
    例 / example:
      dps user list --tenant acme --all
    """
    scope = tenant_scope(ctx, tenant)
    users = scope.services.list_users()(scope.principal, include_inactive=include_inactive)
    click.echo(table(
        ["LOGIN", "NAME", "LICENSE", "ACTIVE", "ADMIN"],
        [(u.login_id, u.name, u.license.value, yes_no(u.is_active), yes_no(u.is_admin)) for u in users],
    ))


@user.command(name="set-password")
@_TENANT
@click.argument("login")
@_PASSWORD_STDIN
@click.pass_context
def set_password(ctx: click.Context, tenant: str, login: str, password_stdin: bool) -> None:
    """パスワードを設定 (ロックも解除) / set a user's password (and unlock the account).

    \b
    例 / example:
      dps user set-password --tenant acme tanaka
    """
    scope = tenant_scope(ctx, tenant)
    password = read_password(from_stdin=password_stdin, required=True)
    assert password is not None
    changed = scope.services.set_user_password()(scope.principal, login, password)
    click.echo(f"ユーザ '{changed.login_id}' のパスワードを設定しました / password of '{changed.login_id}' set")


@user.command()
@_TENANT
@click.argument("login")
@click.pass_context
def deactivate(ctx: click.Context, tenant: str, login: str) -> None:
    """ユーザを無効化 (ライセンスを解放) / deactivate a user (frees its licence; records stay).

    \b
    例 / example:
      dps user deactivate --tenant acme tanaka
    """
    scope = tenant_scope(ctx, tenant)
    gone = scope.services.deactivate_user()(scope.principal, login)
    click.echo(f"ユーザ '{gone.login_id}' を無効にしました / deactivated user '{gone.login_id}'")


@user.command()
@_TENANT
@click.argument("login")
@click.option("--name", "token_name", default="cli", show_default=True,
              help="トークンの名前 / a name to recognise the token by.")
@click.pass_context
def token(ctx: click.Context, tenant: str, login: str, token_name: str) -> None:
    """API トークンを発行 / issue an API token in a user's name (printed once).

    標準出力にはトークンだけを出力します / only the bearer token goes to stdout.

    \b
    例 / example:
      dps user token --tenant acme tanaka --name reporting
    """
    scope = tenant_scope(ctx, tenant)
    issued = scope.services.issue_api_token_for_user()(scope.principal, login, token_name)
    click.echo(issued.bearer)
    note(f"ユーザ '{login}' の API トークンです。一度だけ表示されます / API token of '{login}' "
         f"(id {issued.token.id}); shown once, keep it secret. Use it as 'Authorization: Bearer <token>'.")
