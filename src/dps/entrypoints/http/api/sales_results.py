"""JSON API: 販売実績 sales results - a filtered list (a page at a time, newest sales date first),
the totals of the same filters, and one result. Every licensed user reads every result (results are
never 非公開; the name of an account the user may not see is withheld). Results are imported from
the core system (`dps import sales-results FILE`), so the API reads only.

Amounts are decimal strings; ``gross_profit`` is amount - cost where the cost is known.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import cast
from uuid import UUID

import msgspec
from litestar import get
from litestar.params import Parameter
from litestar.types import ControllerRouterHandler

from dps.application.sales.deps import SalesDeps
from dps.application.sales.sales_results.ports import SalesResultView
from dps.application.sales.sales_results.queries import (
    GetSalesResult,
    ListSalesResults,
    SalesResultQuery,
    SalesResultTotals,
)
from dps.domain.sales.sales_results import SalesResult
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.api.sales_common import page_request


class SalesResultOut(msgspec.Struct):
    id: UUID
    source: str
    """core (基幹取込), opportunity (案件変換) or manual (手入力)."""
    slip_no: str | None
    sales_date: date
    year_month: str
    account_id: UUID
    product_id: UUID | None
    category_code: str | None
    quantity: Decimal | None
    amount: Decimal
    cost: Decimal | None
    gross_profit: Decimal | None
    owner_id: UUID
    owner_organization_id: UUID | None
    opportunity_id: UUID | None
    notes: str
    created_at: datetime | None
    updated_at: datetime | None
    version: int


class SalesResultItemOut(SalesResultOut):
    account_name: str | None
    """None when the account is 非公開 to the caller."""
    product_code: str | None
    product_name: str | None
    owner_login: str
    owner_name: str


class SalesResultPageOut(msgspec.Struct):
    items: list[SalesResultItemOut]
    next_cursor: str | None
    total: int | None = None


class SalesTotalsOut(msgspec.Struct):
    count: int
    quantity: Decimal
    amount: Decimal
    cost: Decimal
    gross_profit: Decimal


def result_fields(r: SalesResult) -> dict[str, object]:
    return {
        "id": r.id, "source": r.source.value, "slip_no": r.slip_no, "sales_date": r.sales_date,
        "year_month": r.year_month, "account_id": r.account_id, "product_id": r.product_id,
        "category_code": r.category_code, "quantity": r.quantity, "amount": r.amount, "cost": r.cost,
        "gross_profit": r.gross_profit, "owner_id": r.owner_id, "owner_organization_id": r.owner_organization_id,
        "opportunity_id": r.opportunity_id, "notes": r.notes, "created_at": r.created_at,
        "updated_at": r.updated_at, "version": r.version,
    }


def item_out(v: SalesResultView) -> SalesResultItemOut:
    return SalesResultItemOut(
        **result_fields(v.result),  # type: ignore[arg-type]
        account_name=v.account_name, product_code=v.product_code, product_name=v.product_name,
        owner_login=v.owner_login, owner_name=v.owner_name,
    )


def _query(date_from: date | None, date_to: date | None, account_id: UUID | None, owner_id: UUID | None,
           organization_id: UUID | None, include_sub_orgs: bool, product_id: UUID | None,
           category_code: str | None, source: str | None) -> SalesResultQuery:
    return SalesResultQuery(
        date_from=date_from, date_to=date_to, account_id=account_id, owner_id=cast(UserId | None, owner_id),
        organization_id=cast(OrganizationId | None, organization_id), include_sub_orgs=include_sub_orgs,
        product_id=product_id, category_code=category_code, source=source,
    )


_FROM = Parameter(query="date_from", default=None, description="first sales date (inclusive), YYYY-MM-DD")
_TO = Parameter(query="date_to", default=None, description="last sales date (inclusive), YYYY-MM-DD")
_ACCOUNT = Parameter(query="account_id", default=None)
_OWNER = Parameter(query="owner_id", default=None, description="the owner (担当者) user id")
_ORG = Parameter(query="organization_id", default=None, description="the owner's organisation when booked")
_SUB = Parameter(query="include_sub_orgs", default=True, description="also its sub-organisations (default)")
_PRODUCT = Parameter(query="product_id", default=None)
_CATEGORY = Parameter(query="category_code", default=None, description="a product_category code")
_SOURCE = Parameter(query="source", default=None, description="core, opportunity or manual")


@get("/sales-results", summary="Sales results (販売実績) matching the filters, a page at a time",
     sync_to_thread=True)
def list_sales_results_handler(
    principal: Principal,
    sales_deps: SalesDeps,
    date_from: date | None = _FROM,
    date_to: date | None = _TO,
    account_id: UUID | None = _ACCOUNT,
    owner_id: UUID | None = _OWNER,
    organization_id: UUID | None = _ORG,
    include_sub_orgs: bool = _SUB,
    product_id: UUID | None = _PRODUCT,
    category_code: str | None = _CATEGORY,
    source: str | None = _SOURCE,
    sort: str | None = Parameter(query="sort", default=None,
                                 description="sales_date, amount, slip_no, updated_at; '-' for descending "
                                             "(default -sales_date)"),
    limit: int = Parameter(query="limit", default=50, description="1-200"),
    cursor: str | None = Parameter(query="cursor", default=None, description="next_cursor of the previous page"),
) -> SalesResultPageOut:
    request = page_request(limit, cursor, sort)
    query = _query(date_from, date_to, account_id, owner_id, organization_id, include_sub_orgs, product_id,
                   category_code, source)
    page = ListSalesResults(sales_deps)(principal, query, request)
    return SalesResultPageOut(items=[item_out(v) for v in page.items], next_cursor=page.next_cursor,
                              total=page.total)


@get("/sales-results/totals", summary="Count and sums of the sales results matching the filters",
     sync_to_thread=True)
def sales_results_totals_handler(
    principal: Principal,
    sales_deps: SalesDeps,
    date_from: date | None = _FROM,
    date_to: date | None = _TO,
    account_id: UUID | None = _ACCOUNT,
    owner_id: UUID | None = _OWNER,
    organization_id: UUID | None = _ORG,
    include_sub_orgs: bool = _SUB,
    product_id: UUID | None = _PRODUCT,
    category_code: str | None = _CATEGORY,
    source: str | None = _SOURCE,
) -> SalesTotalsOut:
    query = _query(date_from, date_to, account_id, owner_id, organization_id, include_sub_orgs, product_id,
                   category_code, source)
    t = SalesResultTotals(sales_deps)(principal, query)
    return SalesTotalsOut(count=t.count, quantity=t.quantity, amount=t.amount, cost=t.cost,
                          gross_profit=t.gross_profit)


@get("/sales-results/{result_id:uuid}", summary="One sales result", sync_to_thread=True)
def get_sales_result_handler(principal: Principal, result_id: UUID, sales_deps: SalesDeps) -> SalesResultOut:
    return SalesResultOut(**result_fields(GetSalesResult(sales_deps)(principal, result_id)))  # type: ignore[arg-type]


ROUTES: list[ControllerRouterHandler] = [
    list_sales_results_handler, sales_results_totals_handler, get_sales_result_handler,
]
"""The handlers of this module, mounted under /api/v1 by the app factory."""
