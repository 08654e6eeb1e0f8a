"""商品明細 product lines and 競合 competitors of an opportunity: value objects with their own rules.

A line's amount is always computed here (quantity x unit price - discount, rounded half-up to the
0.01 yen the MONEY columns keep); an amount coming from input is never trusted.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from uuid import UUID

from attrs import evolve, field, frozen

from dps.domain.shared.errors import DomainError
from dps.domain.shared.money import MAX_AMOUNT, to_money

CENT = Decimal("0.01")
MAX_QUANTITY = Decimal("999999999999999")  # NUMERIC(18, 3)


def to_quantity(value: object, *, field: str = "quantity") -> Decimal:
    """A quantity greater than zero with at most three decimals (e.g. 1.5 人月, kept as 1.500), or a
    DomainError."""
    if isinstance(value, bool) or value is None:
        raise DomainError("must be a number", field=field)
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise DomainError(f"'{value}' is not a number", field=field) from None
    if not amount.is_finite():
        raise DomainError("must be a finite number", field=field)
    if amount <= 0:
        raise DomainError("must be greater than zero", field=field)
    if amount > MAX_QUANTITY:
        raise DomainError("is too large", field=field)
    if amount != amount.quantize(Decimal("0.001")):
        raise DomainError("at most three decimal places", field=field)
    return amount.quantize(Decimal("0.001"))


def _clean(value: str | None, name: str, limit: int, *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError("must not be empty", field=name)
    if len(text) > limit:
        raise DomainError(f"must be at most {limit} characters", field=name)
    return text


def _product_name(value: str | None) -> str:
    return _clean(value, "product_name", 200, required=True)


def _line_notes(value: str | None) -> str:
    return _clean(value, "notes", 400)


def money(value: object, field: str, *, allow_negative: bool = False) -> Decimal:
    """`to_money`, kept at the two decimals the MONEY columns store (so a value reads the same
    before and after a round trip). A number too long for decimal arithmetic is 'too large', not a
    crash."""
    try:
        return to_money(value, field=field, allow_negative=allow_negative).quantize(CENT)
    except InvalidOperation:
        raise DomainError("is too large", field=field) from None


def _unit_price(value: object) -> Decimal:
    return money(value, "unit_price")


def _discount(value: object) -> Decimal:
    return money(0 if value is None else value, "discount")


@frozen
class ProductLine:
    """One 商品明細 row. `product_name` is a snapshot (the product master may change later);
    `line_no` is the 1-based position, renumbered by the opportunity."""

    product_name: str = field(converter=_product_name)
    quantity: Decimal = field(converter=to_quantity)
    unit_price: Decimal = field(converter=_unit_price)
    discount: Decimal = field(default=Decimal(0), converter=_discount)
    product_id: UUID | None = None
    notes: str = field(default="", converter=_line_notes)
    line_no: int = 0

    def __attrs_post_init__(self) -> None:
        if self.discount > self.gross:
            raise DomainError("the discount must not exceed quantity x unit price", field="discount")
        if self.amount > MAX_AMOUNT:
            raise DomainError("the line amount is too large", field="amount")

    @property
    def gross(self) -> Decimal:
        """quantity x unit price, exact."""
        return self.quantity * self.unit_price

    @property
    def amount(self) -> Decimal:
        """quantity x unit price - discount, rounded half-up to 0.01; never negative."""
        return (self.gross - self.discount).quantize(CENT, rounding=ROUND_HALF_UP)


def check_lines(lines: Iterable[ProductLine]) -> tuple[ProductLine, ...]:
    """Lines numbered 1..n in the order given."""
    return tuple(line if line.line_no == i else evolve(line, line_no=i) for i, line in enumerate(lines, start=1))


def lines_total(lines: Iterable[ProductLine]) -> Decimal:
    return sum((line.amount for line in lines), Decimal(0)).quantize(CENT)


class CompetitorResult(enum.StrEnum):
    """How the deal went against this competitor, from our side: 勝 (we won) / 負 (we lost)."""

    NONE = ""
    WON = "won"
    LOST = "lost"


def _competitor_name(value: str | None) -> str:
    return _clean(value, "name", 200, required=True)


def _competitor_product(value: str | None) -> str:
    return _clean(value, "product", 200)


def _strengths(value: str | None) -> str:
    return _clean(value, "strengths", 4000)


def _weaknesses(value: str | None) -> str:
    return _clean(value, "weaknesses", 4000)


def _price(value: object) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return money(value, "price")


def _result(value: object) -> CompetitorResult:
    try:
        return CompetitorResult(str(value or ""))
    except ValueError:
        raise DomainError("must be 'won', 'lost' or empty", field="result") from None


@frozen
class Competitor:
    """競合: a competitor (an account of ours, or just a name), its product, price, strengths and
    weaknesses, and the result against it."""

    name: str = field(converter=_competitor_name)
    competitor_account_id: UUID | None = None
    product: str = field(default="", converter=_competitor_product)
    price: Decimal | None = field(default=None, converter=_price)
    strengths: str = field(default="", converter=_strengths)
    weaknesses: str = field(default="", converter=_weaknesses)
    result: CompetitorResult = field(default=CompetitorResult.NONE, converter=_result)
