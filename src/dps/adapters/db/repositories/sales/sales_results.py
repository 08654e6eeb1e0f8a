"""SQL store of sales results (販売実績): one result, filtered keyset pages with the labels a list
shows (account name only where the viewer may see the account), and totals for the reports."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast
from uuid import UUID

import sqlalchemy as sa

from dps.adapters.db.paging import keyset_page, resolve_sort
from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.tables.directory import users
from dps.adapters.db.tables.sales_accounts import accounts
from dps.adapters.db.tables.sales_opportunities import products
from dps.adapters.db.tables.sales_results import sales_results
from dps.adapters.db.visibility import visible_to
from dps.application.sales.sales_results.ports import (
    SalesResultFilter,
    SalesResultRepository,
    SalesResultView,
    SalesTotals,
)
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.records import RecordType
from dps.domain.sales.sales_results import SalesResult, SalesSource
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.visibility.policy import Viewer

t = sales_results
_SORTS: dict[str, sa.ColumnElement[Any]] = {
    "sales_date": t.c.sales_date,
    "amount": t.c.amount,
    "slip_no": t.c.slip_no,
    "updated_at": t.c.updated_at,
}
ZERO = Decimal(0)


def result_of(row: Any) -> SalesResult:
    """A SalesResult from a row holding the sales_results columns (trusted: no rule re-checked that
    could refuse stored data, except through the converters, which accept what was stored)."""
    return SalesResult(
        id=row.id, sales_date=row.sales_date, account_id=row.account_id, owner_id=UserId(row.owner_id),
        amount=row.amount, source=SalesSource(row.source_code), slip_no=row.slip_no, product_id=row.product_id,
        category_code=row.category_code, quantity=row.quantity, cost=row.cost, gross_profit=row.gross_profit,
        owner_organization_id=OrganizationId(row.owner_organization_id) if row.owner_organization_id else None,
        opportunity_id=row.opportunity_id, notes=row.notes,
        created_by=UserId(row.created_by) if row.created_by else None, created_at=row.created_at,
        updated_by=UserId(row.updated_by) if row.updated_by else None, updated_at=row.updated_at,
        version=row.version,
    )


def values_of(r: SalesResult) -> dict[str, Any]:
    """The column values of `r` (without tenant, id and version)."""
    return {
        "sales_date": r.sales_date, "account_id": r.account_id, "product_id": r.product_id,
        "category_code": r.category_code, "quantity": r.quantity, "amount": r.amount, "cost": r.cost,
        "gross_profit": r.gross_profit, "owner_id": r.owner_id, "owner_organization_id": r.owner_organization_id,
        "opportunity_id": r.opportunity_id, "source_code": r.source.value, "slip_no": r.slip_no, "notes": r.notes,
        "created_by": r.created_by, "created_at": r.created_at, "updated_by": r.updated_by,
        "updated_at": r.updated_at,
    }


def filtered(query: sa.Select[Any], where: SalesResultFilter) -> sa.Select[Any]:
    """`query` (over sales_results) narrowed by `where`."""
    if where.date_from is not None:
        query = query.where(t.c.sales_date >= where.date_from)
    if where.date_to is not None:
        query = query.where(t.c.sales_date <= where.date_to)
    if where.account_id is not None:
        query = query.where(t.c.account_id == where.account_id)
    if where.owner_id is not None:
        query = query.where(t.c.owner_id == where.owner_id)
    if where.organization_ids is not None:
        query = query.where(t.c.owner_organization_id.in_(sorted(where.organization_ids)))
    if where.product_id is not None:
        query = query.where(t.c.product_id == where.product_id)
    if where.category_code is not None:
        query = query.where(t.c.category_code == where.category_code)
    if where.source is not None:
        query = query.where(t.c.source_code == where.source.value)
    return query


class SqlSalesResultRepository(TenantScoped, SalesResultRepository):
    def get(self, result_id: UUID) -> SalesResult | None:
        row = self._conn.execute(self._select(t, t.c.id == result_id)).one_or_none()
        return result_of(row) if row is not None else None

    def search(self, where: SalesResultFilter, page: PageRequest, viewer: Viewer) -> Page[SalesResultView]:
        sort = resolve_sort(page, _SORTS, "-sales_date")
        a, p, u = accounts, products, users
        account_name = sa.case((visible_to(a, RecordType.ACCOUNT.value, viewer), a.c.name), else_=sa.null())
        query = filtered(
            sa.select(t, account_name.label("account_name"), p.c.code.label("product_code"),
                      p.c.name.label("product_name"), u.c.login_id.label("owner_login"),
                      u.c.name.label("owner_name"))
            .select_from(
                t.join(a, sa.and_(a.c.tenant_id == t.c.tenant_id, a.c.id == t.c.account_id))
                .join(u, sa.and_(u.c.tenant_id == t.c.tenant_id, u.c.id == t.c.owner_id))
                .outerjoin(p, sa.and_(p.c.tenant_id == t.c.tenant_id, p.c.id == t.c.product_id)))
            .where(t.c.tenant_id == self._tenant),
            where,
        )
        return keyset_page(
            self._conn, query, sort=sort, id_column=t.c.id, request=page,
            to_item=lambda r: SalesResultView(
                result=result_of(r), account_name=r.account_name, product_code=r.product_code,
                product_name=r.product_name, owner_login=r.owner_login, owner_name=r.owner_name),
            sort_value=lambda r: getattr(r, sort.key),
        )

    def totals(self, where: SalesResultFilter) -> SalesTotals:
        sums = cast("sa.Select[Any]", sa.select(
            sa.func.count(), sa.func.sum(t.c.quantity), sa.func.sum(t.c.amount), sa.func.sum(t.c.cost),
            sa.func.sum(t.c.gross_profit),
        ).where(t.c.tenant_id == self._tenant))
        count, qty, amount, cost, profit = self._conn.execute(filtered(sums, where)).one()

        def dec(value: Any) -> Decimal:
            return Decimal(str(value)) if value is not None else ZERO

        return SalesTotals(count=int(count), quantity=dec(qty), amount=dec(amount), cost=dec(cost),
                           gross_profit=dec(profit))
