"""SQL store of products (商品)."""

from __future__ import annotations

from dps.adapters.db.repositories.base import TenantScoped
from dps.application.sales.products.ports import ProductRepository


class SqlProductRepository(TenantScoped, ProductRepository):
    """Filled in by the products work."""
