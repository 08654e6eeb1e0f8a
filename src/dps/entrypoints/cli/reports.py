"""`dps report run activities|pipeline`: a report (活動別 or 先行管理) as a CSV or Excel file, as the
tenant's operator or (`--as LOGIN`) as one of its users - with that user's visibility, so a scheduled
distribution sends each person only what they may see. The summary line says how many restricted
records were left out of the figures.

Exit codes: 0 written; 2 bad usage (missing period, unknown format); 3 unknown tenant, user or
organisation."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from dps.application.reports.catalog import ReportCatalog
from dps.application.reports.exports import FORMATS, WriteReport
from dps.application.sales.budgets.queries import ResolveBudgetTarget
from dps.application.shared.errors import Invalid
from dps.application.transfer.imports import ActingPrincipal
from dps.entrypoints.cli.context import tenant_code, tenant_scope

REPORTS = ("activities", "pipeline")


@click.group(name="report")
def report() -> None:
    """集計レポート / reports (活動別 activities, 先行管理 pipeline)."""


@report.command(name="run")
@click.argument("name", type=click.Choice(REPORTS))
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
@click.option("--format", "file_format", type=click.Choice(FORMATS), default="xlsx", show_default=True,
              help="出力形式 / file format.")
@click.option("--out", "out", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="出力ファイル / the file to write.")
@click.pass_context
def run(ctx: click.Context, name: str, tenant: str, as_login: str | None, org_code: str | None,
        fiscal_year: int | None, date_from: datetime | None, date_to: datetime | None, file_format: str,
        out: Path) -> None:
    """レポートをファイルに出力する / write report NAME as a CSV or Excel file.

    \b
    例 / example:
      dps report run activities --tenant acme --from 2026-04-01 --to 2026-09-30 --format xlsx --out act.xlsx
      dps report run pipeline --tenant acme --org sales --fiscal-year 2026 --as sato --format csv --out p.csv
    """
    scope = tenant_scope(ctx, tenant)
    services = scope.services
    principal = ActingPrincipal(services.transfer_deps())(scope.principal, as_login)
    deps = services.sales_deps()
    org_id = None
    if org_code:
        org_id = ResolveBudgetTarget(deps)(scope.principal, organization_code=org_code).organization_id
    if name == "activities" and (date_from is None or date_to is None):
        raise Invalid({"period": "--from と --to を指定してください / give --from and --to"})
    params = {k: v for k, v in (
        ("organization_id", str(org_id) if org_id else None),
        ("fiscal_year", str(fiscal_year) if fiscal_year else None),
        ("date_from", date_from.date().isoformat() if date_from else None),
        ("date_to", date_to.date().isoformat() if date_to else None)) if v is not None}
    kind = ReportCatalog(deps).get(name)
    table = WriteReport(services.report_files())(principal, kind, params, out, file_format)
    click.echo(f"{table.title}: {len(table.rows)} 行 / rows -> {out}")
    for note in table.notes:
        click.echo(f"  {note}")
