"""SQL store of products (商品)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy.exc import IntegrityError

from dps.adapters.db.paging import keyset_page, resolve_sort
from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.tables.sales_opportunities import products
from dps.application.sales.products.ports import ProductRepository, ProductSearch
from dps.application.shared.errors import Conflict
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.products import Product
from dps.domain.shared.text import normalize_for_search


def _money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def _product(r: Any) -> Product:
    return Product(
        id=r.id, code=r.code, name=r.name, kana=r.kana, category_code=r.category_code, unit=r.unit,
        standard_price=_money(r.standard_price), cost=_money(r.cost), is_active=r.is_active,
        description=r.description, created_at=r.created_at, updated_at=r.updated_at, version=r.version,
    )


def _values(p: Product) -> dict[str, Any]:
    return {
        "code": p.code, "name": p.name, "kana": p.kana, "category_code": p.category_code, "unit": p.unit,
        "standard_price": p.standard_price, "cost": p.cost, "is_active": p.is_active,
        "description": p.description, "updated_at": p.updated_at, "search_text": p.search_text,
    }


def _code_taken(code: str) -> Conflict:
    return Conflict(f"商品コード '{code}' は既に使われています / product code '{code}' is already used", field="code")


class SqlProductRepository(TenantScoped, ProductRepository):
    def add(self, product: Product) -> None:
        values = _values(product) | {"id": product.id, "created_at": product.created_at, "version": product.version}
        try:
            with self._conn.begin_nested():
                self._conn.execute(products.insert().values(tenant_id=self._tenant, **values))
        except IntegrityError as e:
            raise _code_taken(product.code) from e

    def get(self, product_id: UUID) -> Product | None:
        r = self._conn.execute(self._select(products, products.c.id == product_id)).first()
        return _product(r) if r else None

    def get_many(self, product_ids: Iterable[UUID]) -> Mapping[UUID, Product]:
        ids = sorted(set(product_ids))
        if not ids:
            return {}
        return {r.id: _product(r) for r in self._conn.execute(self._select(products, products.c.id.in_(ids)))}

    def get_by_code(self, code: str) -> Product | None:
        r = self._conn.execute(self._select(products, products.c.code == code)).first()
        return _product(r) if r else None

    def update(self, product: Product, expected_version: int) -> int:
        try:
            with self._conn.begin_nested():
                version = self._update_versioned(products, product.id, expected_version, _values(product),
                                                 what="product")
        except IntegrityError as e:
            raise _code_taken(product.code) from e
        product.version = version
        return version

    def search(self, criteria: ProductSearch, page: PageRequest) -> Page[Product]:
        t = products
        sort = resolve_sort(page, {"code": t.c.code, "name": t.c.name, "kana": t.c.kana,
                                   "standard_price": t.c.standard_price, "updated_at": t.c.updated_at},
                            default="code")
        stmt = self._select(t)
        if criteria.q:
            words = normalize_for_search(criteria.q).split()
            stmt = stmt.where(*(t.c.search_text.contains(w, autoescape=True) for w in words))
        if criteria.category_code is not None:
            stmt = stmt.where(t.c.category_code == criteria.category_code)
        if criteria.is_active is not None:
            stmt = stmt.where(t.c.is_active.is_(criteria.is_active))
        return keyset_page(self._conn, stmt, sort=sort, id_column=t.c.id, request=page, to_item=_product,
                           sort_value=lambda r: getattr(r, sort.key))
