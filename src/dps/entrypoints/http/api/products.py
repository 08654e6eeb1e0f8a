"""JSON API: 商品 products - search, register, view, change (PATCH with ``expected_version``;
``is_active: false`` deactivates: the product is no longer offered for new lines). Every user reads
the master; full users change it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

import msgspec
from litestar import get, patch, post
from litestar.params import Parameter
from litestar.types import ControllerRouterHandler

from dps.application.sales.accounts.record_parts import UNSET, Unset
from dps.application.sales.deps import SalesDeps
from dps.application.sales.products.manage import (
    CreateProduct,
    CreateProductCommand,
    DeactivateProduct,
    UpdateProduct,
    UpdateProductCommand,
)
from dps.application.sales.products.ports import ProductSearch
from dps.application.sales.products.queries import GetProduct, SearchProducts
from dps.domain.sales.products import Product
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.api.sales_common import page_request

AmountIn = str | int | float
UnsetType = msgspec.UnsetType


class ProductIn(msgspec.Struct):
    code: str
    name: str
    kana: str = ""
    category_code: str | None = None
    unit: str = ""
    standard_price: AmountIn | None = None
    cost: AmountIn | None = None
    description: str = ""


class ProductPatchIn(msgspec.Struct):
    expected_version: int
    code: str | UnsetType = msgspec.UNSET
    name: str | UnsetType = msgspec.UNSET
    kana: str | UnsetType = msgspec.UNSET
    category_code: str | UnsetType | None = msgspec.UNSET
    unit: str | UnsetType = msgspec.UNSET
    standard_price: AmountIn | UnsetType | None = msgspec.UNSET
    cost: AmountIn | UnsetType | None = msgspec.UNSET
    description: str | UnsetType = msgspec.UNSET
    is_active: bool | UnsetType = msgspec.UNSET


class VersionIn(msgspec.Struct):
    expected_version: int


class ProductOut(msgspec.Struct):
    id: UUID
    code: str
    name: str
    kana: str
    category_code: str | None
    unit: str
    standard_price: Decimal | None
    cost: Decimal | None
    is_active: bool
    description: str
    created_at: datetime | None
    updated_at: datetime | None
    version: int


class ProductPageOut(msgspec.Struct):
    items: list[ProductOut]
    next_cursor: str | None


def product_out(p: Product) -> ProductOut:
    return ProductOut(
        id=p.id, code=p.code, name=p.name, kana=p.kana, category_code=p.category_code, unit=p.unit,
        standard_price=p.standard_price, cost=p.cost, is_active=p.is_active, description=p.description,
        created_at=p.created_at, updated_at=p.updated_at, version=p.version,
    )


def _given(value: object) -> object:
    return UNSET if isinstance(value, UnsetType) else value


@get("/products", summary="Products (商品) matching the filters, a page at a time", sync_to_thread=True)
def list_products_handler(
    principal: Principal,
    sales_deps: SalesDeps,
    q: str | None = Parameter(query="q", default=None, description="words in the code, name or kana"),
    category_code: str | None = Parameter(query="category_code", default=None),
    include_inactive: bool = Parameter(query="include_inactive", default=False,
                                       description="also products no longer offered"),
    sort: str | None = Parameter(query="sort", default=None,
                                 description="code (default), name, kana, standard_price, updated_at; '-' descending"),
    limit: int = Parameter(query="limit", default=50, description="1-200"),
    cursor: str | None = Parameter(query="cursor", default=None, description="next_cursor of the previous page"),
) -> ProductPageOut:
    criteria = ProductSearch(q=q, category_code=category_code, is_active=None if include_inactive else True)
    page = SearchProducts(sales_deps)(principal, criteria, page_request(limit, cursor, sort))
    return ProductPageOut(items=[product_out(p) for p in page.items], next_cursor=page.next_cursor)


@post("/products", summary="Register a product", status_code=201, sync_to_thread=True)
def create_product_handler(principal: Principal, data: ProductIn, sales_deps: SalesDeps) -> ProductOut:
    cmd = CreateProductCommand(
        code=data.code, name=data.name, kana=data.kana, category_code=data.category_code, unit=data.unit,
        standard_price=data.standard_price, cost=data.cost, description=data.description,
    )
    return product_out(CreateProduct(sales_deps)(principal, cmd))


@get("/products/{product_id:uuid}", summary="One product", sync_to_thread=True)
def get_product_handler(principal: Principal, product_id: UUID, sales_deps: SalesDeps) -> ProductOut:
    return product_out(GetProduct(sales_deps)(principal, product_id))


@patch("/products/{product_id:uuid}", summary="Change a product (only the fields sent)", sync_to_thread=True)
def update_product_handler(
    principal: Principal, product_id: UUID, data: ProductPatchIn, sales_deps: SalesDeps
) -> ProductOut:
    cmd = UpdateProductCommand(
        product_id=product_id, expected_version=data.expected_version,
        code=_str(data.code), name=_str(data.name), kana=_str(data.kana),
        category_code=UNSET if isinstance(data.category_code, UnsetType) else data.category_code,
        unit=_str(data.unit), standard_price=_given(data.standard_price), cost=_given(data.cost),
        description=_str(data.description),
        is_active=UNSET if isinstance(data.is_active, UnsetType) else data.is_active,
    )
    return product_out(UpdateProduct(sales_deps)(principal, cmd))


@post("/products/{product_id:uuid}/deactivate", summary="Stop offering a product (販売終了)", status_code=200,
      sync_to_thread=True)
def deactivate_product_handler(
    principal: Principal, product_id: UUID, data: VersionIn, sales_deps: SalesDeps
) -> ProductOut:
    return product_out(DeactivateProduct(sales_deps)(principal, product_id, data.expected_version))


def _str(value: str | UnsetType) -> str | Unset:
    return UNSET if isinstance(value, UnsetType) else value


ROUTES: list[ControllerRouterHandler] = [
    list_products_handler, create_product_handler, get_product_handler, update_product_handler,
    deactivate_product_handler,
]
"""The handlers of this module, mounted under /api/v1 by the app factory."""
