"""JSON API: 予算 budgets - list, register, view, replace (PUT with ``expected_version``), delete,
bulk delete. Every licensed user reads budgets; changing them needs a full licence (and, under
the strict update rule, being in charge of the budget's target).

A line is ``{"month": "2026-04", "amount": "1200000", "category_code": ""}``; amounts are
decimal strings (numbers are accepted on input). Responses carry the derived ``months`` (all
twelve), ``quarters``, ``halves`` and ``total``, and the record's ``url``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import cast
from uuid import UUID

import msgspec
from litestar import delete, get, post, put
from litestar.params import Parameter
from litestar.types import ControllerRouterHandler

from dps.application.sales.budgets.bulk_delete import DeleteBudgets, DeleteBudgetsCommand
from dps.application.sales.budgets.manage import (
    DeleteBudget,
    DeleteBudgetCommand,
    EditBudget,
    EditBudgetCommand,
    RegisterBudget,
)
from dps.application.sales.budgets.queries import BudgetView, GetBudget, ListBudgets, TargetLabel
from dps.application.sales.budgets.rules import BudgetInput, BudgetLineInput, BudgetQuery
from dps.application.sales.deps import SalesDeps
from dps.domain.sales.budgets import Budget
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.api.sales_common import page_request


class BudgetLineIn(msgspec.Struct):
    month: str
    """'2026-04' (or any date of that month, '2026-04-01')."""
    amount: str | int | float
    category_code: str = ""


class BudgetIn(msgspec.Struct):
    """A budget's whole content. ``fiscal_year`` is in the tenant's fiscal calendar (start month
    April by default: fiscal year 2026 = 2026-04 .. 2027-03)."""

    fiscal_year: int
    kind_code: str
    organization_id: UUID | None = None
    user_id: UUID | None = None
    by_category: bool = False
    notes: str = ""
    lines: list[BudgetLineIn] = msgspec.field(default_factory=list)


class BudgetReplaceIn(BudgetIn, kw_only=True):
    """PUT: the whole new content and the version it replaces."""

    expected_version: int


class BulkDeleteIn(msgspec.Struct):
    """Either ``ids``, or a filter with ``fiscal_year`` (and optionally organisation, with its
    sub-organisations when ``include_sub_orgs``, user and kind)."""

    ids: list[UUID] = msgspec.field(default_factory=list)
    fiscal_year: int | None = None
    organization_id: UUID | None = None
    include_sub_orgs: bool = False
    user_id: UUID | None = None
    kind_code: str | None = None


class BulkDeleteOut(msgspec.Struct):
    deleted: int


class BudgetLineOut(msgspec.Struct):
    month: str
    category_code: str
    amount: Decimal


class MonthTotalOut(msgspec.Struct):
    month: str
    amount: Decimal


class TargetOut(msgspec.Struct):
    organization_code: str
    organization_name: str
    user_login: str
    user_name: str


class BudgetSummaryOut(msgspec.Struct):
    id: UUID
    url: str
    fiscal_year: int
    fiscal_year_start_month: int
    organization_id: UUID | None
    user_id: UUID | None
    target: TargetOut
    kind_code: str
    by_category: bool
    notes: str
    total: Decimal
    updated_at: datetime | None
    version: int


class BudgetOut(BudgetSummaryOut):
    period_start: date
    period_end: date
    """The last day of the fiscal year."""
    lines: list[BudgetLineOut]
    months: list[MonthTotalOut]
    quarters: list[Decimal]
    halves: list[Decimal]
    categories: dict[str, Decimal]
    created_at: datetime | None


class BudgetPageOut(msgspec.Struct):
    items: list[BudgetSummaryOut]
    next_cursor: str | None


def _month(d: date) -> str:
    return d.strftime("%Y-%m")


def _target(label: TargetLabel) -> TargetOut:
    return TargetOut(organization_code=label.organization_code, organization_name=label.organization_name,
                     user_login=label.user_login, user_name=label.user_name)


def summary_out(view: BudgetView) -> BudgetSummaryOut:
    b = view.budget
    return BudgetSummaryOut(
        id=b.id, url=f"/budgets/{b.id}", fiscal_year=b.fiscal_year, fiscal_year_start_month=b.fiscal_year_start_month,
        organization_id=b.organization_id, user_id=b.user_id, target=_target(view.target), kind_code=b.kind_code,
        by_category=b.by_category, notes=b.notes, total=b.total, updated_at=b.updated_at, version=b.version,
    )


def budget_out(view: BudgetView) -> BudgetOut:
    b: Budget = view.budget
    period = b.period
    return BudgetOut(
        **msgspec.structs.asdict(summary_out(view)),
        period_start=period.start, period_end=date.fromordinal(period.end.toordinal() - 1),
        lines=[BudgetLineOut(month=_month(x.month), category_code=x.category_code, amount=x.amount) for x in b.lines],
        months=[MonthTotalOut(month=_month(m), amount=a) for m, a in b.month_totals()],
        quarters=list(b.quarter_totals()), halves=list(b.half_totals()),
        categories=b.category_totals() if b.by_category else {}, created_at=b.created_at,
    )


def _input(data: BudgetIn) -> BudgetInput:
    return BudgetInput(
        fiscal_year=data.fiscal_year, kind_code=data.kind_code,
        organization_id=cast(OrganizationId | None, data.organization_id), user_id=cast(UserId | None, data.user_id),
        by_category=data.by_category, notes=data.notes,
        lines=tuple(BudgetLineInput(month=x.month, amount=x.amount, category_code=x.category_code) for x in data.lines),
    )


@get("/budgets", summary="Budgets (予算) matching the filters, a page at a time", sync_to_thread=True)
def list_budgets_handler(
    principal: Principal,
    sales_deps: SalesDeps,
    fiscal_year: int | None = Parameter(query="fiscal_year", default=None, description="年度, e.g. 2026"),
    organization_id: UUID | None = Parameter(query="organization_id", default=None),
    include_sub_orgs: bool = Parameter(query="include_sub_orgs", default=False,
                                       description="also the organisation's sub-organisations"),
    user_id: UUID | None = Parameter(query="user_id", default=None),
    kind_code: str | None = Parameter(query="kind_code", default=None, description="a budget_kind code"),
    sort: str | None = Parameter(query="sort", default=None,
                                 description="fiscal_year, kind_code, created_at, updated_at; '-' for descending"),
    limit: int = Parameter(query="limit", default=50, description="1-200"),
    cursor: str | None = Parameter(query="cursor", default=None, description="next_cursor of the previous page"),
) -> BudgetPageOut:
    request = page_request(limit, cursor, sort)
    query = BudgetQuery(
        fiscal_year=fiscal_year, organization_id=cast(OrganizationId | None, organization_id),
        include_sub_orgs=include_sub_orgs, user_id=cast(UserId | None, user_id), kind_code=kind_code,
    )
    page = ListBudgets(sales_deps)(principal, query, request)
    return BudgetPageOut(items=[summary_out(v) for v in page.items], next_cursor=page.next_cursor)


@post("/budgets", summary="Register a budget", status_code=201, sync_to_thread=True)
def create_budget_handler(principal: Principal, data: BudgetIn, sales_deps: SalesDeps) -> BudgetOut:
    created = RegisterBudget(sales_deps)(principal, _input(data))
    return budget_out(GetBudget(sales_deps)(principal, created.id))


@get("/budgets/{budget_id:uuid}", summary="One budget with its lines and totals", sync_to_thread=True)
def get_budget_handler(principal: Principal, budget_id: UUID, sales_deps: SalesDeps) -> BudgetOut:
    return budget_out(GetBudget(sales_deps)(principal, budget_id))


@put("/budgets/{budget_id:uuid}", summary="Replace a budget (whole content and lines)", sync_to_thread=True)
def replace_budget_handler(
    principal: Principal, budget_id: UUID, data: BudgetReplaceIn, sales_deps: SalesDeps
) -> BudgetOut:
    cmd = EditBudgetCommand(budget_id=budget_id, expected_version=data.expected_version, content=_input(data))
    EditBudget(sales_deps)(principal, cmd)
    return budget_out(GetBudget(sales_deps)(principal, budget_id))


@delete("/budgets/{budget_id:uuid}", summary="Delete a budget", status_code=204, sync_to_thread=True)
def delete_budget_handler(
    principal: Principal, budget_id: UUID, sales_deps: SalesDeps,
    expected_version: int | None = Parameter(query="expected_version", default=None,
                                             description="refuse (409) if the budget changed since"),
) -> None:
    DeleteBudget(sales_deps)(principal, DeleteBudgetCommand(budget_id=budget_id, expected_version=expected_version))


@post("/budgets/bulk-delete", summary="Delete many budgets by ids or by filter, all or none", status_code=200,
      sync_to_thread=True)
def bulk_delete_budgets_handler(principal: Principal, data: BulkDeleteIn, sales_deps: SalesDeps) -> BulkDeleteOut:
    filtering = any(v is not None for v in (data.fiscal_year, data.organization_id, data.user_id, data.kind_code))
    query = BudgetQuery(
        fiscal_year=data.fiscal_year, organization_id=cast(OrganizationId | None, data.organization_id),
        include_sub_orgs=data.include_sub_orgs, user_id=cast(UserId | None, data.user_id), kind_code=data.kind_code,
    ) if filtering else None
    result = DeleteBudgets(sales_deps)(principal, DeleteBudgetsCommand(ids=tuple(data.ids), query=query))
    return BulkDeleteOut(deleted=result.deleted)


ROUTES: list[ControllerRouterHandler] = [
    list_budgets_handler, create_budget_handler, get_budget_handler, replace_budget_handler, delete_budget_handler,
    bulk_delete_budgets_handler,
]
"""The handlers of this module, mounted under /api/v1 by the app factory."""
