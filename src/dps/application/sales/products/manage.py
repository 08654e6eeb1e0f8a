"""Register, change and deactivate 商品 products (full users: the product master is shared sales data,
not tenant administration; light users only read it)."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from attrs import frozen

from dps.application.sales.accounts.record_parts import UNSET, Unset
from dps.application.sales.deps import SalesDeps
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.audit import log_master_change
from dps.application.shared.errors import Conflict, NotFound, domain_rules
from dps.application.shared.guards import ensure_can_write
from dps.application.shared.snapshots import snapshot
from dps.domain.catalog.code_lists import CodeList
from dps.domain.sales.opportunity_lines import money
from dps.domain.sales.products import CATEGORY_LIST, Product
from dps.domain.shared.principal import Principal

ENTITY = "product"
STALE = "商品は他のユーザに更新されています / the product was changed by someone else"


@frozen
class CreateProductCommand:
    code: str
    name: str
    kana: str = ""
    category_code: str | None = None
    unit: str = ""
    standard_price: object | None = None
    cost: object | None = None
    description: str = ""


@frozen
class UpdateProductCommand:
    """Only what is given changes; `is_active=False` deactivates (販売終了), True offers it again."""

    product_id: UUID
    expected_version: int
    code: str | Unset = UNSET
    name: str | Unset = UNSET
    kana: str | Unset = UNSET
    category_code: str | Unset | None = UNSET
    unit: str | Unset = UNSET
    standard_price: object | Unset | None = UNSET
    cost: object | Unset | None = UNSET
    description: str | Unset = UNSET
    is_active: bool | Unset = UNSET


def _categories(uow: SalesUnitOfWork) -> CodeList:
    return uow.code_lists.get(CATEGORY_LIST) or CodeList(key=CATEGORY_LIST)


def _price(value: object | None, field: str) -> Decimal | None:
    return None if value is None or (isinstance(value, str) and not value.strip()) else money(value, field)


class CreateProduct:
    """A new product: the code is unique in the tenant, the category a `product_category` value."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: CreateProductCommand) -> Product:
        ensure_can_write(principal, self._d.audit, "product.create")
        with self._d.uow(principal.tenant_id) as uow:
            with domain_rules():
                product = Product(
                    id=self._d.ids.new_id(), code=cmd.code, name=cmd.name, kana=cmd.kana,
                    category_code=cmd.category_code, unit=cmd.unit,
                    standard_price=_price(cmd.standard_price, "standard_price"), cost=_price(cmd.cost, "cost"),
                    description=cmd.description,
                )
                if product.category_code is not None:
                    _categories(uow).validate(product.category_code, field_name="category_code")
            if uow.products.get_by_code(product.code) is not None:
                raise Conflict(f"商品コード '{product.code}' は既に使われています / product code '{product.code}' "
                               "is already used", field="code")
            product.stamp(self._d.clock.now())
            uow.products.add(product)
            uow.commit()
        log_master_change(self._d.audit, principal, ENTITY, "create", product)
        return product


class UpdateProduct:
    """Change a product at the version read (stale: Conflict with the current version)."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: UpdateProductCommand) -> Product:
        ensure_can_write(principal, self._d.audit, "product.update")
        with self._d.uow(principal.tenant_id) as uow:
            product = uow.products.get(cmd.product_id)
            if product is None:
                raise NotFound("product", cmd.product_id)
            if product.version != cmd.expected_version:
                raise Conflict(STALE, current_version=product.version)
            before = snapshot(product)
            with domain_rules():
                _apply(uow, product, cmd)
            if not isinstance(cmd.code, Unset) and (other := uow.products.get_by_code(product.code)) is not None \
                    and other.id != product.id:
                raise Conflict(f"商品コード '{product.code}' は既に使われています / product code '{product.code}' "
                               "is already used", field="code")
            product.stamp(self._d.clock.now())
            uow.products.update(product, cmd.expected_version)
            uow.commit()
        action = "deactivate" if before["is_active"] and not product.is_active else "update"
        log_master_change(self._d.audit, principal, ENTITY, action, product, before=before)
        return product


def _apply(uow: SalesUnitOfWork, p: Product, cmd: UpdateProductCommand) -> None:
    if not isinstance(cmd.code, Unset):
        p.code = cmd.code
    if not isinstance(cmd.name, Unset):
        p.name = cmd.name
    if not isinstance(cmd.kana, Unset):
        p.kana = cmd.kana
    if not isinstance(cmd.category_code, Unset) and cmd.category_code != p.category_code:
        p.category_code = cmd.category_code
        if p.category_code is not None:
            _categories(uow).validate(p.category_code, field_name="category_code")
    if not isinstance(cmd.unit, Unset):
        p.unit = cmd.unit
    if not isinstance(cmd.standard_price, Unset):
        p.standard_price = _price(cmd.standard_price, "standard_price")
    if not isinstance(cmd.cost, Unset):
        p.cost = _price(cmd.cost, "cost")
    if not isinstance(cmd.description, Unset):
        p.description = cmd.description
    if cmd.is_active is True:
        p.activate()
    elif cmd.is_active is False:
        p.deactivate()


class DeactivateProduct:
    """販売終了: the product is no longer offered for new lines; deals that have it keep it."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, product_id: UUID, expected_version: int) -> Product:
        return UpdateProduct(self._d)(principal, UpdateProductCommand(
            product_id=product_id, expected_version=expected_version, is_active=False))
