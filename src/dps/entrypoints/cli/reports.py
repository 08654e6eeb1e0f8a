"""`dps report run NAME` and `dps report list`: a report as a CSV or Excel file, as the tenant's
operator or (`--as LOGIN`) as one of its users - with that user's visibility, so a scheduled
distribution sends each person only what they may see. NAME is a report kind (activities, pipeline,
...) or the name of a saved report definition the acting user may use (its parameters, columns and
sort; options given here override them). The summary line says how many restricted records were
left out of the figures.

Exit codes: 0 written; 2 bad usage (missing period, unknown format, parameter or column); 3 unknown
tenant, user, organisation or report."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from attrs import evolve

from dps.application.reports.catalog import ReportCatalog
from dps.application.reports.definitions.queries import ListReportDefinitions, PresetKind, ReportRequest
from dps.application.reports.exports import FORMATS, WriteReport
from dps.application.reports.templates.use_cases import (
    FillReportTemplate,
    FillReportTemplateCommand,
    GetReportTemplate,
)
from dps.application.sales.budgets.queries import ResolveBudgetTarget
from dps.application.shared.errors import Invalid, NotFound
from dps.application.transfer.imports import ActingPrincipal
from dps.entrypoints.cli.context import tenant_code, tenant_scope
from dps.entrypoints.cli.report_templates import template


@click.group(name="report")
def report() -> None:
    """集計レポート / reports (活動別 activities, 先行管理 pipeline, ... and saved report definitions)."""


def _pairs(values: tuple[str, ...]) -> dict[str, str]:
    """`KEY=VALUE` options as a dict; Invalid (exit 2) on one without '='."""
    out: dict[str, str] = {}
    for raw in values:
        key, sep, value = raw.partition("=")
        if not sep or not key.strip():
            raise Invalid({"param": f"KEY=VALUE の形で / as KEY=VALUE, not {raw!r}"})
        out[key.strip()] = value.strip()
    return out


@report.command(name="run")
@click.argument("name")
@click.option("--tenant", "tenant", required=True, callback=lambda _c, _p, v: tenant_code(v),
              help="テナントのコード / tenant code.")
@click.option("--as", "as_login", default=None,
              help="このユーザとして実行 (可視性) / act as this user (visibility).")
@click.option("--org", "org_code", default=None,
              help="組織コード (既定: 所属組織、なければ最上位) / organisation code (default: yours, else the top).")
@click.option("--fiscal-year", "fiscal_year", type=int, default=None,
              help="年度 (pipeline; 既定: 今年度) / fiscal year (pipeline; default: the current one).")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="開始日 (activities) / first day (activities).")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="終了日 (activities) / last day, inclusive (activities).")
@click.option("--param", "param_values", multiple=True, metavar="KEY=VALUE",
              help="レポートのパラメータ (複数可) / a parameter of the report (repeatable).")
@click.option("--columns", "columns", default=None, metavar="KEY,KEY",
              help="出力する列キー (順序どおり) / the column keys to write, in order.")
@click.option("--sort", "sort_key", default=None, metavar="KEY", help="並べ替えの列キー / the column to sort by.")
@click.option("--desc", "sort_desc", is_flag=True, default=False, help="降順 / descending.")
@click.option("--format", "file_format", type=click.Choice(FORMATS), default="xlsx", show_default=True,
              help="出力形式 / file format.")
@click.option("--template", "template_name", default=None, metavar="NAME",
              help="このテンプレートに差し込む (xlsx; 定義にテンプレートがあれば既定でそれ) / fill this template "
                   "(xlsx; a saved definition's own template by default).")
@click.option("--out", "out", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="出力ファイル / the file to write.")
@click.pass_context
def run(ctx: click.Context, name: str, tenant: str, as_login: str | None, org_code: str | None,
        fiscal_year: int | None, date_from: datetime | None, date_to: datetime | None, param_values: tuple[str, ...],
        columns: str | None, sort_key: str | None, sort_desc: bool, file_format: str, template_name: str | None,
        out: Path) -> None:
    """レポートをファイルに出力する / write report NAME (a kind or a saved definition) as a CSV or Excel file.

    \b
    例 / example:
      dps report run activities --tenant acme --from 2026-04-01 --to 2026-09-30 --format xlsx --out act.xlsx
      dps report run pipeline --tenant acme --org sales --fiscal-year 2026 --as sato --format csv --out p.csv
      dps report run "月次活動" --tenant acme --as sato --param date_to=2026-06-30 --out monthly.xlsx
    """
    scope = tenant_scope(ctx, tenant)
    services = scope.services
    principal = ActingPrincipal(services.transfer_deps())(scope.principal, as_login)
    deps = services.sales_deps()
    org_id = None
    if org_code:
        org_id = ResolveBudgetTarget(deps)(scope.principal, organization_code=org_code).organization_id
    params = {k: v for k, v in (
        ("organization_id", str(org_id) if org_id else None),
        ("fiscal_year", str(fiscal_year) if fiscal_year else None),
        ("date_from", date_from.date().isoformat() if date_from else None),
        ("date_to", date_to.date().isoformat() if date_to else None)) if v is not None}
    given = _pairs(param_values)
    params |= given
    keys = tuple(k.strip() for k in (columns or "").split(",") if k.strip())
    catalog = ReportCatalog(deps)
    template_id = None
    if name in catalog.names():
        if name == "activities" and not {"date_from", "date_to"} <= set(params):
            raise Invalid({"period": "--from と --to を指定してください / give --from and --to"})
        unknown = sorted(set(given) - {p.name for p in catalog.get(name).params})
        if unknown:
            raise Invalid({"param": f"{name} にパラメータ {', '.join(unknown)} はありません / unknown parameter"})
        kind = PresetKind(catalog, ReportRequest(name, params, keys, sort_key, sort_desc))
    else:
        found = ListReportDefinitions(deps)(principal, name=name)
        if not found:
            raise NotFound("report", name)
        definition = found[0].definition
        request = ReportRequest.of(definition, params)
        if keys:  # the saved sort goes with the saved columns unless it is among the new ones
            request = evolve(request, columns=keys, sort_key=request.sort_key if request.sort_key in keys else None)
        if sort_key:
            request = evolve(request, sort_key=sort_key, sort_desc=sort_desc)
        kind = PresetKind(catalog, request, title=definition.name, strict=bool(keys or sort_key))
        template_id = definition.template_id if file_format == "xlsx" else None
    if template_name is not None:
        if file_format != "xlsx":
            raise Invalid({"template": "テンプレートは xlsx のみ / a template writes xlsx only"})
        template_id = GetReportTemplate(deps)(principal, name=template_name).id
    if template_id is not None:
        filled = FillReportTemplate(deps, services.report_template_engine())(
            principal, FillReportTemplateCommand(template_id=template_id, preset=kind), out)
        table = filled.table
    else:
        table = WriteReport(services.report_files())(principal, kind, {}, out, file_format)
    click.echo(f"{table.title}: {len(table.rows)} 行 / rows -> {out}")
    for note in table.notes:
        click.echo(f"  {note}")


@report.command(name="list")
@click.option("--tenant", "tenant", required=True, callback=lambda _c, _p, v: tenant_code(v),
              help="テナントのコード / tenant code.")
@click.option("--as", "as_login", default=None,
              help="このユーザが使えるもの / what this user may use.")
@click.pass_context
def list_reports(ctx: click.Context, tenant: str, as_login: str | None) -> None:
    """レポートの種類と使えるレポート定義の一覧 / the report kinds and the saved definitions you may use."""
    scope = tenant_scope(ctx, tenant)
    services = scope.services
    principal = ActingPrincipal(services.transfer_deps())(scope.principal, as_login)
    deps = services.sales_deps()
    click.echo("種類 / kinds:")
    for kind in ReportCatalog(deps):
        params = ", ".join(p.name + ("*" if p.required else "") for p in kind.params)
        click.echo(f"  {kind.name}\t{kind.title}\t({params})")
    click.echo("定義 / definitions:")
    views = ListReportDefinitions(deps)(principal)
    for view in views:
        d = view.definition
        sharing = d.sharing
        shared = ("全員 everyone" if sharing.everyone else
                  f"組織 {len(sharing.organization_ids)} / グループ {len(sharing.group_ids)}" if sharing.is_shared
                  else "非共有 private")
        click.echo(f"  {d.name}\t{d.kind}\t{view.owner_login or '-'}\t{shared}")
    if not views:
        click.echo("  (なし / none)")


report.add_command(template)
