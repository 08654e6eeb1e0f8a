"""Store of products."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable, Mapping
from typing import Protocol
from uuid import UUID

from attrs import frozen

from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.products import Product


@frozen
class ProductSearch:
    """`q` matches code, name and kana; `is_active` None lists both active and inactive."""

    q: str | None = None
    category_code: str | None = None
    is_active: bool | None = True


class ProductRepository(Protocol):
    """商品 products (categories are the `product_category` code list)."""

    @abstractmethod
    def add(self, product: Product) -> None:
        """Conflict when the code is taken."""

    @abstractmethod
    def get(self, product_id: UUID) -> Product | None: ...

    @abstractmethod
    def get_many(self, product_ids: Iterable[UUID]) -> Mapping[UUID, Product]: ...

    @abstractmethod
    def get_by_code(self, code: str) -> Product | None: ...

    @abstractmethod
    def update(self, product: Product, expected_version: int) -> int:
        """The new version; Conflict when stale or when the new code is taken."""

    @abstractmethod
    def search(self, criteria: ProductSearch, page: PageRequest) -> Page[Product]: ...
