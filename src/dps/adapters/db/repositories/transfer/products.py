"""Products in bulk: lookups by code or id, executemany insert/update and the export stream."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.sales.products import _product, _values
from dps.adapters.db.repositories.transfer.common import chunked, versioned_update
from dps.adapters.db.tables.sales_opportunities import products
from dps.application.shared.errors import Conflict
from dps.application.transfer.ports_store import ProductBulkStore
from dps.domain.sales.products import Product
from dps.domain.shared.text import normalize_for_search


class SqlProductBulkStore(TenantScoped, ProductBulkStore):
    def _by(self, column: sa.ColumnElement[object], values: Collection[object]) -> list[Product]:
        out: list[Product] = []
        for part in chunked(values):
            out.extend(_product(r) for r in self._conn.execute(self._select(products, column.in_(part))))
        return out

    def by_codes(self, codes: Collection[str]) -> dict[str, Product]:
        return {p.code: p for p in self._by(products.c.code, codes)}

    def by_ids(self, ids: Collection[UUID]) -> dict[UUID, Product]:
        return {p.id: p for p in self._by(products.c.id, ids)}

    def insert(self, items: Sequence[Product]) -> None:
        rows = [_values(p) | {"tenant_id": self._tenant, "id": p.id, "created_at": p.created_at,
                              "version": p.version} for p in items]
        try:
            with self._conn.begin_nested():
                self._conn.execute(products.insert(), rows)
        except IntegrityError as e:
            raise Conflict("商品コードは既に使われています / a product code is already used", field="code") from e

    def update(self, items: Sequence[tuple[Product, int]]) -> None:
        rows = [_values(p) | {"b_id": p.id, "b_version": v} for p, v in items]
        try:
            with self._conn.begin_nested():
                versioned_update(self._conn, products, self._tenant, rows, what="products")
        except IntegrityError as e:
            raise Conflict("商品コードは既に使われています / a product code is already used", field="code") from e
        for p, v in items:
            p.version = v + 1

    def stream(self, filters: Mapping[str, str], page_size: int = 1000) -> Iterator[Product]:
        t = products
        stmt = self._select(t).order_by(t.c.code).limit(page_size)
        if q := filters.get("q"):
            stmt = stmt.where(*(t.c.search_text.contains(w, autoescape=True) for w in normalize_for_search(q).split()))
        last: str | None = None
        while True:
            page = list(self._conn.execute(stmt if last is None else stmt.where(t.c.code > last)))
            yield from (_product(r) for r in page)
            if len(page) < page_size:
                return
            last = page[-1].code
