"""`dps budget list|delete`: batch work on budgets (予算) of one tenant, as its operator."""

from __future__ import annotations

from decimal import Decimal

import click

from dps.application.sales.budgets.bulk_delete import DeleteBudgets, DeleteBudgetsCommand
from dps.application.sales.budgets.queries import ListBudgets, ResolveBudgetTarget
from dps.application.sales.budgets.rules import BudgetQuery
from dps.application.shared.paging import MAX_PAGE_SIZE, PageRequest
from dps.entrypoints.cli.context import TenantScope, tenant_code, tenant_scope
from dps.entrypoints.cli.output import note, table, yes_no

_TENANT = click.option("--tenant", "tenant", required=True, callback=lambda _c, _p, v: tenant_code(v),
                       help="テナントのコード / tenant code.")
_YEAR = click.option("--fiscal-year", "fiscal_year", type=click.IntRange(1900, 9998), required=True,
                     help="年度 / fiscal year, named by the calendar year it starts in (2026 = 2026-04 .. 2027-03 "
                          "with an April start).")
_ORG = click.option("--org", "org_code", default=None, help="組織コード / organisation code.")
_SUB = click.option("--include-sub-orgs", is_flag=True,
                    help="下位組織も含める / include the organisation's sub-organisations (集計組織).")
_USER = click.option("--user", "user_login", default=None, help="担当者のログインID / the target user's login id.")
_KIND = click.option("--kind", "kind_code", default=None, help="予算種類コード / budget kind code (budget_kind).")


@click.group()
def budget() -> None:
    """予算 / budgets."""


def _query(scope: TenantScope, fiscal_year: int, org_code: str | None, include_sub_orgs: bool,
           user_login: str | None, kind_code: str | None) -> BudgetQuery:
    if include_sub_orgs and not org_code:
        raise click.UsageError("--include-sub-orgs には --org が必要です / --include-sub-orgs needs --org")
    deps = scope.services.sales_deps()
    target = ResolveBudgetTarget(deps)(scope.principal, organization_code=org_code, user_login=user_login)
    return BudgetQuery(fiscal_year=fiscal_year, organization_id=target.organization_id,
                       include_sub_orgs=include_sub_orgs, user_id=target.user_id, kind_code=kind_code)


def _amount(value: Decimal) -> str:
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


@budget.command(name="list")
@_TENANT
@_YEAR
@_ORG
@_SUB
@_USER
@_KIND
@click.pass_context
def list_(ctx: click.Context, tenant: str, fiscal_year: int, org_code: str | None, include_sub_orgs: bool,
          user_login: str | None, kind_code: str | None) -> None:
    """予算の一覧 / list the budgets of a fiscal year.

    \b
    例 / example:
      dps budget list --tenant acme --fiscal-year 2026 --org SALES --include-sub-orgs
    """
    scope = tenant_scope(ctx, tenant)
    query = _query(scope, fiscal_year, org_code, include_sub_orgs, user_login, kind_code)
    list_budgets = ListBudgets(scope.services.sales_deps())
    rows: list[tuple[object, ...]] = []
    cursor: str | None = None
    while True:
        page = list_budgets(scope.principal, query, PageRequest(limit=MAX_PAGE_SIZE, cursor=cursor))
        for v in page.items:
            b = v.budget
            rows.append((b.id, b.fiscal_year, v.target.organization_code or "-", v.target.user_login or "-",
                         b.kind_code, yes_no(b.by_category), _amount(b.total), b.version))
        cursor = page.next_cursor
        if cursor is None:
            break
    click.echo(table(["ID", "FY", "ORG", "USER", "KIND", "BY CATEGORY", "TOTAL", "VERSION"], rows))
    note(f"{len(rows)} 件 / {len(rows)} budgets")


@budget.command()
@_TENANT
@_YEAR
@_ORG
@_SUB
@_USER
@_KIND
@click.option("--yes", "assume_yes", is_flag=True, help="確認せずに削除 / delete without asking.")
@click.pass_context
def delete(ctx: click.Context, tenant: str, fiscal_year: int, org_code: str | None, include_sub_orgs: bool,
           user_login: str | None, kind_code: str | None, assume_yes: bool) -> None:
    """予算の一括削除 / delete every budget of a fiscal year that matches, in one transaction.

    Without --yes the number of matching budgets is shown and confirmation asked.

    \b
    例 / example:
      dps budget delete --tenant acme --fiscal-year 2026 --org SALES --include-sub-orgs --kind orders --yes
    """
    scope = tenant_scope(ctx, tenant)
    query = _query(scope, fiscal_year, org_code, include_sub_orgs, user_login, kind_code)
    delete_budgets = DeleteBudgets(scope.services.sales_deps())
    if not assume_yes:
        preview = delete_budgets(scope.principal, DeleteBudgetsCommand(query=query, dry_run=True))
        if preview.matched == 0:
            click.echo("該当する予算はありません / no budget matches; nothing deleted: 0")
            return
        try:
            confirmed = click.confirm(
                f"{preview.matched} 件の予算を削除します。よろしいですか / delete {preview.matched} budgets?",
                default=False,
            )
        except click.Abort:
            raise click.UsageError(
                "確認できません。--yes を付けてください / cannot ask for confirmation here: pass --yes"
            ) from None
        if not confirmed:
            click.echo("取り消しました / cancelled; nothing deleted")
            return
    result = delete_budgets(scope.principal, DeleteBudgetsCommand(query=query))
    click.echo(f"{result.deleted} 件の予算を削除しました / deleted {result.deleted} budgets")
