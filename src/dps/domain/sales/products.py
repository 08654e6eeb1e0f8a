"""商品 Product: the master that opportunity product lines are picked from (a line keeps a snapshot
of the product's name, so renaming a product does not rewrite past deals)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from attrs import define, field

from dps.domain.directory.codes import validate_code
from dps.domain.sales.opportunity_lines import money
from dps.domain.shared.errors import DomainError
from dps.domain.shared.text import normalize_for_search

CATEGORY_LIST = "product_category"


def _name(value: str | None) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError("商品名は必須です / the name is required", field="name")
    if len(text) > 200:
        raise DomainError("must be at most 200 characters", field="name")
    return text


def _kana(value: str | None) -> str:
    text = (value or "").strip()
    if len(text) > 200:
        raise DomainError("must be at most 200 characters", field="kana")
    return text


def _unit(value: str | None) -> str:
    text = (value or "").strip()
    if len(text) > 20:
        raise DomainError("must be at most 20 characters", field="unit")
    return text


def _category(value: str | None) -> str | None:
    return (value or "").strip() or None


def _standard_price(value: object) -> Decimal | None:
    return None if value is None else money(value, "standard_price")


def _cost(value: object) -> Decimal | None:
    return None if value is None else money(value, "cost")


def _text(value: str | None) -> str:
    return (value or "").strip()


@define(kw_only=True, eq=False)
class Product:
    """`code` is the unique business key (what Excel files and admins use); a product is never
    deleted while lines may refer to it, it is deactivated (no longer offered)."""

    id: UUID
    code: str = field(converter=validate_code)
    name: str = field(converter=_name)
    kana: str = field(default="", converter=_kana)
    category_code: str | None = field(default=None, converter=_category)
    unit: str = field(default="", converter=_unit)
    standard_price: Decimal | None = field(default=None, converter=_standard_price)
    cost: Decimal | None = field(default=None, converter=_cost)
    is_active: bool = True
    description: str = field(default="", converter=_text)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1

    @property
    def search_text(self) -> str:
        """What text search matches: code, name and kana, normalised."""
        return normalize_for_search(self.code, self.name, self.kana)

    def deactivate(self) -> None:
        self.is_active = False

    def activate(self) -> None:
        self.is_active = True

    def stamp(self, at: datetime) -> None:
        if self.created_at is None:
            self.created_at = at
        self.updated_at = at
