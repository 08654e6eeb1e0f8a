"""Read the product master: one product, or a keyset page of the search. Every user (light
included) may read it."""

from __future__ import annotations

from uuid import UUID

from dps.application.sales.deps import SalesDeps
from dps.application.sales.products.ports import ProductSearch
from dps.application.shared.errors import NotFound
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.products import Product
from dps.domain.shared.principal import Principal


class GetProduct:
    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, product_id: UUID) -> Product:
        with self._d.reading(principal.tenant_id) as uow:
            product = uow.products.get(product_id)
        if product is None:
            raise NotFound("product", product_id)
        return product


class SearchProducts:
    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, criteria: ProductSearch, page: PageRequest) -> Page[Product]:
        with self._d.reading(principal.tenant_id) as uow:
            return uow.products.search(criteria, page)
