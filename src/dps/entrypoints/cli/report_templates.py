"""`dps report template ...`: users' Excel templates (帳票テンプレート) from the command line - add (checked:
every problem printed with its cell address), list, rm, and fill a template with a report run as the
tenant's operator or (`--as LOGIN`) one of its users, with that user's visibility.

Exit codes: 0 done; 2 bad usage or a broken template (the problems are printed); 3 unknown tenant,
user or template; 4 the template is in use (rm)."""

from __future__ import annotations

from pathlib import Path

import click

from dps.application.reports.templates.use_cases import (
    DeleteReportTemplate,
    FillReportTemplate,
    FillReportTemplateCommand,
    GetReportTemplate,
    ListReportTemplates,
    UploadReportTemplate,
    UploadReportTemplateCommand,
)
from dps.application.sales.budgets.queries import ResolveBudgetTarget
from dps.application.shared.errors import Invalid
from dps.application.transfer.imports import ActingPrincipal
from dps.entrypoints.cli.context import tenant_code, tenant_scope

TENANT = click.option("--tenant", "tenant", required=True, callback=lambda _c, _p, v: tenant_code(v),
                      help="テナントのコード / tenant code.")


@click.group(name="template")
def template() -> None:
    """Excelテンプレート / users' Excel templates (add, list, rm, fill)."""


@template.command(name="add")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--name", "name", required=True, help="テンプレート名 / the template's name.")
@click.option("--kind", "kind", default=None, help="レポートの種類で検査 / check against this report kind.")
@TENANT
@click.pass_context
def add(ctx: click.Context, file: Path, name: str, kind: str | None, tenant: str) -> None:
    """テンプレートを登録する / upload FILE as a template (its placeholders are checked).

    \b
    例 / example:
      dps report template add monthly.xlsx --name 月次活動 --kind activities --tenant acme
    """
    scope = tenant_scope(ctx, tenant)
    services = scope.services
    with file.open("rb") as f:
        saved = UploadReportTemplate(services.sales_deps(), services.report_template_engine())(
            scope.principal, UploadReportTemplateCommand(name=name, file_name=file.name, data=f, kind=kind))
    click.echo(f"{saved.name}: {len(saved.placeholders)} プレースホルダ / placeholders ({saved.id})")


@template.command(name="list")
@TENANT
@click.pass_context
def list_templates(ctx: click.Context, tenant: str) -> None:
    """テンプレートの一覧 / the tenant's templates."""
    scope = tenant_scope(ctx, tenant)
    for t in ListReportTemplates(scope.services.sales_deps())(scope.principal):
        click.echo(f"{t.name}\t{t.kind or '-'}\t{t.file_name}\t{len(t.placeholders)}")


@template.command(name="rm")
@click.argument("name")
@TENANT
@click.pass_context
def remove(ctx: click.Context, name: str, tenant: str) -> None:
    """テンプレートを削除する / delete template NAME (refused while a report definition uses it)."""
    scope = tenant_scope(ctx, tenant)
    deps = scope.services.sales_deps()
    found = GetReportTemplate(deps)(scope.principal, name=name)
    DeleteReportTemplate(deps)(scope.principal, found.id)
    click.echo(f"{found.name}: 削除しました / deleted")


def _params(pairs: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, eq, value = pair.partition("=")
        if not eq or not key.strip():
            raise Invalid({"param": f"k=v の形で / write k=v, not {pair!r}"})
        out[key.strip()] = value.strip()
    return out


@click.command(name="fill")
@click.argument("name")
@click.option("--kind", "kind", default=None, help="レポートの種類 (既定: テンプレートの種類) / report kind.")
@TENANT
@click.option("--as", "as_login", default=None, help="このユーザとして実行 (可視性) / act as this user (visibility).")
@click.option("--org", "org_code", default=None,
              help="組織コード (organization_id の代わり) / organisation code (instead of organization_id).")
@click.option("--param", "params", multiple=True, help="レポートの条件 k=v (繰り返し可) / a report parameter k=v.")
@click.option("--column", "columns", multiple=True, help="列キー (繰り返し可; 既定: すべて) / a column key.")
@click.option("--out", "out", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="出力ファイル / the file to write.")
@click.pass_context
def fill(ctx: click.Context, name: str, kind: str | None, tenant: str, as_login: str | None, org_code: str | None,
         params: tuple[str, ...], columns: tuple[str, ...], out: Path) -> None:
    """テンプレートにレポートを差し込む / fill template NAME with a report and write it to --out.

    \b
    例 / example:
      dps report template fill 月次活動 --tenant acme --org sales --param date_from=2026-04-01 \\
          --param date_to=2026-04-30 --as sato --out april.xlsx
    """
    scope = tenant_scope(ctx, tenant)
    services = scope.services
    deps = services.sales_deps()
    principal = ActingPrincipal(services.transfer_deps())(scope.principal, as_login)
    values = _params(params)
    if org_code:
        target = ResolveBudgetTarget(deps)(scope.principal, organization_code=org_code)
        values["organization_id"] = str(target.organization_id)
    found = GetReportTemplate(deps)(principal, name=name)
    filled = FillReportTemplate(deps, services.report_template_engine())(principal, FillReportTemplateCommand(
        template_id=found.id, kind=kind, params=values, columns=columns), out)
    click.echo(f"{filled.table.title}: {len(filled.table.rows)} 行 / rows -> {out}")
    for note in filled.table.notes:
        click.echo(f"  {note}")
template.add_command(fill)
