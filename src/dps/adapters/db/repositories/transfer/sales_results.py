"""Sales results in bulk: lookups by id, by (source, slip number) and of opportunities' accounts,
executemany insert/update, and the export stream in (sales_date, id) keyset pages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.sales.sales_results import result_of, values_of
from dps.adapters.db.repositories.transfer.common import chunked, versioned_update
from dps.adapters.db.tables.directory import users
from dps.adapters.db.tables.sales_accounts import accounts
from dps.adapters.db.tables.sales_opportunities import opportunities, products
from dps.adapters.db.tables.sales_results import sales_results
from dps.application.sales.sales_results.ports import SalesResultBulkStore, SalesResultExportRow
from dps.application.shared.errors import Conflict, Invalid
from dps.domain.sales.sales_results import SalesResult, SalesSource

t = sales_results
_TAKEN = "伝票番号は既に登録されています / a (source, slip number) is already used"


def _date_filter(filters: Mapping[str, str], key: str) -> date | None:
    raw = (filters.get(key) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid.field(key, f"'{raw}' は日付ではありません (YYYY-MM-DD) / not a date") from None


class SqlSalesResultBulkStore(TenantScoped, SalesResultBulkStore):
    def by_ids(self, ids: Collection[UUID]) -> dict[UUID, SalesResult]:
        out: dict[UUID, SalesResult] = {}
        for part in chunked(ids):
            out.update((r.id, result_of(r)) for r in self._conn.execute(self._select(t, t.c.id.in_(part))))
        return out

    def by_slips(self, keys: Collection[tuple[SalesSource, str]]) -> dict[tuple[SalesSource, str], SalesResult]:
        per_source: dict[SalesSource, set[str]] = defaultdict(set)
        for source, slip in keys:
            per_source[source].add(slip)
        out: dict[tuple[SalesSource, str], SalesResult] = {}
        for source, slips in per_source.items():
            for part in chunked(slips):
                rows = self._conn.execute(self._select(t, t.c.source_code == source.value, t.c.slip_no.in_(part)))
                for r in rows:
                    out[(source, r.slip_no)] = result_of(r)
        return out

    def opportunity_accounts(self, ids: Collection[UUID]) -> dict[UUID, UUID]:
        o = opportunities
        out: dict[UUID, UUID] = {}
        for part in chunked(ids):
            rows = self._conn.execute(sa.select(o.c.id, o.c.account_id).where(o.c.tenant_id == self._tenant,
                                                                              o.c.id.in_(part)))
            out.update((r.id, r.account_id) for r in rows)
        return out

    def insert(self, results: Sequence[SalesResult]) -> None:
        rows = [values_of(r) | {"tenant_id": self._tenant, "id": r.id, "version": r.version} for r in results]
        try:
            with self._conn.begin_nested():
                self._conn.execute(t.insert(), rows)
        except IntegrityError as e:
            raise Conflict(_TAKEN, field="slip_no") from e

    def update(self, results: Sequence[tuple[SalesResult, int]]) -> None:
        rows = [values_of(r) | {"b_id": r.id, "b_version": v} for r, v in results]
        try:
            with self._conn.begin_nested():
                versioned_update(self._conn, t, self._tenant, rows, what="sales results")
        except IntegrityError as e:
            raise Conflict(_TAKEN, field="slip_no") from e

    def stream(self, filters: Mapping[str, str], page_size: int = 1000) -> Iterator[SalesResultExportRow]:
        a, p, u = accounts, products, users
        account_key = sa.func.coalesce(a.c.corporate_number, a.c.code).label("account_key")
        stmt: sa.Select[Any] = (
            sa.select(t, account_key, p.c.code.label("product_code"), u.c.login_id.label("owner_login"))
            .select_from(
                t.join(a, sa.and_(a.c.tenant_id == t.c.tenant_id, a.c.id == t.c.account_id))
                .join(u, sa.and_(u.c.tenant_id == t.c.tenant_id, u.c.id == t.c.owner_id))
                .outerjoin(p, sa.and_(p.c.tenant_id == t.c.tenant_id, p.c.id == t.c.product_id)))
            .where(t.c.tenant_id == self._tenant)
            .order_by(t.c.sales_date, t.c.id).limit(page_size))
        if (since := _date_filter(filters, "date_from")) is not None:
            stmt = stmt.where(t.c.sales_date >= since)
        if (until := _date_filter(filters, "date_to")) is not None:
            stmt = stmt.where(t.c.sales_date <= until)
        last: tuple[date, UUID] | None = None
        while True:
            page_stmt = stmt if last is None else stmt.where(sa.tuple_(t.c.sales_date, t.c.id) > sa.tuple_(
                sa.bindparam(None, last[0], type_=sa.Date()), sa.bindparam(None, last[1], type_=sa.Uuid())))
            page = list(self._conn.execute(page_stmt))
            for r in page:
                yield SalesResultExportRow(result=result_of(r), account_key=r.account_key,
                                           product_code=r.product_code, owner_login=r.owner_login)
            if len(page) < page_size:
                return
            last = (page[-1].sales_date, page[-1].id)
