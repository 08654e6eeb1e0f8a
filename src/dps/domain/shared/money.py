"""Money: Decimal yen. Amounts arrive from forms, JSON and Excel as text or numbers."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from dps.domain.shared.errors import DomainError

MAX_AMOUNT = Decimal("999999999999999")  # fits NUMERIC(18, 2) with room for the fraction


def to_money(value: object, *, field: str, allow_negative: bool = False) -> Decimal:
    """A Decimal with at most two decimals, or a DomainError naming `field`."""
    if isinstance(value, bool) or value is None:
        raise DomainError("must be a number", field=field)
    try:
        amount = Decimal(str(value).replace(",", "").strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise DomainError(f"'{value}' is not a number", field=field) from None
    if not amount.is_finite():
        raise DomainError("must be a finite number", field=field)
    if abs(amount) > MAX_AMOUNT:
        raise DomainError("is too large", field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError("at most two decimal places", field=field)
    if amount < 0 and not allow_negative:
        raise DomainError("must not be negative", field=field)
    return amount
