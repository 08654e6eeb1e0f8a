"""Products (商品) through the use cases and the SQL store, on SQLite and PostgreSQL: unique codes,
category from the code list, search on code/name/kana, change at a version, deactivation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from dps.application.sales.accounts.record_parts import UNSET
from dps.application.sales.products.manage import (
    CreateProduct,
    CreateProductCommand,
    DeactivateProduct,
    UpdateProduct,
    UpdateProductCommand,
)
from dps.application.sales.products.ports import ProductSearch
from dps.application.sales.products.queries import GetProduct, SearchProducts
from dps.application.shared.errors import Conflict, Forbidden, Invalid, NotFound
from dps.application.shared.paging import PageRequest
from dps.bootstrap.container import Container
from dps.domain.sales.products import Product
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from tests.integration.sales.test_opportunities_support import Sales, build_sales


@pytest.fixture
def s(container: Container, engine: sa.Engine, tenant: Tenant, admin: Principal) -> Sales:
    return build_sales(container, engine, tenant, admin)


def _create(s: Sales, code: str, name: str, **kw: Any) -> Product:
    return CreateProduct(s.deps)(s.principal("alice"), CreateProductCommand(code=code, name=name, **kw))


def _codes(s: Sales, page: PageRequest | None = None, **criteria: Any) -> list[str]:
    found = SearchProducts(s.deps)(s.principal("lucy"), ProductSearch(**criteria), page or PageRequest())
    return [p.code for p in found.items]


def test_products_are_registered_searched_changed_and_deactivated(s: Sales) -> None:
    alice = s.principal("alice")
    lic = CreateProduct(s.deps)(alice, CreateProductCommand(
        code="LIC-01", name="年間ライセンス", kana="ネンカンライセンス", category_code="software", unit="本",
        standard_price="120,000", cost=50000))
    _create(s, "SUP-01", "保守サポート", kana="ホシュサポート", category_code="maintenance")
    _create(s, "HW-01", "サーバ", category_code="hardware", standard_price=800000)

    stored = GetProduct(s.deps)(s.principal("lucy"), lic.id)
    assert (stored.code, stored.name, stored.standard_price, stored.cost, stored.version) == (
        "LIC-01", "年間ライセンス", Decimal("120000.00"), Decimal("50000.00"), 1)
    assert _codes(s) == ["HW-01", "LIC-01", "SUP-01"]
    assert _codes(s, q="ねんかん") == ["LIC-01"]  # kana folded
    assert _codes(s, q="sup") == ["SUP-01"]
    assert _codes(s, category_code="hardware") == ["HW-01"]
    assert _codes(s, PageRequest(sort="-standard_price")) == ["HW-01", "LIC-01", "SUP-01"]

    changed = UpdateProduct(s.deps)(alice, UpdateProductCommand(
        product_id=lic.id, expected_version=1, name="年間ライセンス（新）", standard_price=None))
    assert (changed.version, changed.name, changed.standard_price, changed.unit) == (
        2, "年間ライセンス（新）", None, "本")
    with pytest.raises(Conflict) as e:
        UpdateProduct(s.deps)(alice, UpdateProductCommand(product_id=lic.id, expected_version=1, unit="式"))
    assert e.value.current_version == 2

    DeactivateProduct(s.deps)(alice, lic.id, expected_version=2)
    assert _codes(s) == ["HW-01", "SUP-01"]
    assert _codes(s, is_active=None) == ["HW-01", "LIC-01", "SUP-01"]
    assert GetProduct(s.deps)(alice, lic.id).is_active is False


def test_codes_are_unique_and_values_checked(s: Sales) -> None:
    alice = s.principal("alice")
    _create(s, "LIC-01", "年間ライセンス")
    other = _create(s, "LIC-02", "月額ライセンス")
    with pytest.raises(Conflict) as e:
        _create(s, "LIC-01", "重複")
    assert e.value.field == "code"
    with pytest.raises(Conflict):
        UpdateProduct(s.deps)(alice, UpdateProductCommand(product_id=other.id, expected_version=1, code="LIC-01"))
    for kw, field in (({"category_code": "food"}, "category_code"), ({"standard_price": "高い"}, "standard_price"),
                      ({"cost": -1}, "cost")):
        with pytest.raises(Invalid) as invalid:
            _create(s, "X-1", "x", **kw)
        assert field in invalid.value.errors
    with pytest.raises(Invalid) as invalid:
        _create(s, "コード", "x")
    assert "code" in invalid.value.errors
    with pytest.raises(Invalid) as invalid:
        _create(s, "X-2", " ")
    assert "name" in invalid.value.errors
    with pytest.raises(Forbidden):
        CreateProduct(s.deps)(s.principal("lucy"), CreateProductCommand(code="L-1", name="x"))
    with pytest.raises(NotFound):
        UpdateProduct(s.deps)(alice, UpdateProductCommand(product_id=s.users["alice"], expected_version=1,
                                                          name=UNSET))
    assert _codes(s) == ["LIC-01", "LIC-02"]
