"""販売実績 Sales results: what was actually sold (売上実績), usually imported from the core sales
system (基幹取込), sometimes converted from a won opportunity (案件変換) or entered by hand (手入力).

A result is one slip line: a sales date, an account, optionally a product (or only a product
category), quantity, amount and, when known, cost - the gross profit (粗利) is then derived
(amount - cost). The owner (担当者) is required; the owner's organisation is stamped when the result
is recorded (imports stamp the owner's 主所属 on the day of the import), so reports aggregate by the
organisation the sale was booked to even after the owner moves. `(source, slip_no)` identifies a
result within a tenant: a re-import of the same slip updates it.

Results are never 非公開: every user of the tenant may read them. Imported ones are read-only for
normal users (only administrators import them).

Amounts, costs and quantities may be negative: returns and corrections (赤伝) are slips too.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from uuid import UUID

from attrs import evolve, field, frozen

from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.shared.money import to_money

SLIP_NO_MAX = 64
NOTES_MAX = 2000
CATEGORY_LIST = "product_category"
MAX_QUANTITY = Decimal("999999999999999")  # NUMERIC(18, 3)
_MILLI = Decimal("0.001")


class SalesSource(enum.StrEnum):
    """Where a result comes from (取込区分)."""

    CORE = "core"
    """基幹取込: imported from the core (ERP / 販売管理) system."""
    OPPORTUNITY = "opportunity"
    """案件変換: converted from a won opportunity's lines."""
    MANUAL = "manual"
    """手入力: entered by hand."""

    @property
    def label_ja(self) -> str:
        return _LABELS_JA[self]

    @classmethod
    def parse(cls, value: object) -> SalesSource:
        """By code ('core'), Japanese label ('基幹取込') or the enum itself; DomainError otherwise."""
        if isinstance(value, SalesSource):
            return value
        text = str(value or "").strip()
        if not text:
            return cls.CORE
        for source in cls:
            if text.lower() == source.value or text == source.label_ja:
                return source
        codes = ", ".join(f"{s.value} ({s.label_ja})" for s in cls)
        raise DomainError(f"'{text}' は取込区分ではありません / not a source; one of {codes}", field="source")


_LABELS_JA = {SalesSource.CORE: "基幹取込", SalesSource.OPPORTUNITY: "案件変換", SalesSource.MANUAL: "手入力"}


# -- converters (validation happens while the object is built) ------------------------------------------

def _source(value: object) -> SalesSource:
    return SalesSource.parse(value)


def _sales_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise DomainError("売上日は必須です (日付) / the sales date is required (a date)", field="sales_date")


def _required_id(name: str, label: str) -> Callable[[object], UUID]:
    def convert(value: object) -> UUID:
        if isinstance(value, UUID):
            return value
        if isinstance(value, str) and value.strip():
            try:
                return UUID(value.strip())
            except ValueError:
                pass
        raise DomainError(f"{label}は必須です / {name} is required", field=name)

    return convert


def _optional_id(name: str) -> Callable[[object], UUID | None]:
    def convert(value: object) -> UUID | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, UUID):
            return value
        try:
            return UUID(str(value).strip())
        except ValueError:
            raise DomainError(f"'{value}' は ID ではありません / not an id", field=name) from None

    return convert


def to_signed_quantity(value: object) -> Decimal | None:
    """A quantity with at most three decimals, negative for returns; None when not given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise DomainError("数値ではありません / must be a number", field="quantity")
    try:
        qty = value if isinstance(value, Decimal) else Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise DomainError(f"'{value}' は数値ではありません / not a number", field="quantity") from None
    if not qty.is_finite() or abs(qty) > MAX_QUANTITY:
        raise DomainError("数量が大きすぎます / the quantity is too large", field="quantity")
    if qty != qty.quantize(_MILLI):
        raise DomainError("小数は3桁までです / at most three decimal places", field="quantity")
    return qty.quantize(_MILLI)


def _amount(value: object) -> Decimal:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise DomainError("売上金額は必須です / the amount is required", field="amount")
    return to_money(value, field="amount", allow_negative=True)


def _optional_money(value: object, name: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return to_money(value, field=name, allow_negative=True)


def _cost(value: object) -> Decimal | None:
    return _optional_money(value, "cost")


def _gross_profit(value: object) -> Decimal | None:
    return _optional_money(value, "gross_profit")


def _account_id(value: object) -> UUID:
    return _required_id("account_id", "取引先")(value)


def _owner_id(value: object) -> UserId:
    return UserId(_required_id("owner_id", "担当者")(value))


def _product_id(value: object) -> UUID | None:
    return _optional_id("product_id")(value)


def _opportunity_id(value: object) -> UUID | None:
    return _optional_id("opportunity_id")(value)


def _category(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    if len(text) > 64:
        raise DomainError("must be at most 64 characters", field="category_code")
    return text or None


def _slip_no(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    if len(text) > SLIP_NO_MAX:
        raise DomainError(f"伝票番号は{SLIP_NO_MAX}文字までです / at most {SLIP_NO_MAX} characters", field="slip_no")
    return text or None


def _notes(value: object) -> str:
    text = str(value).strip() if value is not None else ""
    if len(text) > NOTES_MAX:
        raise DomainError(f"at most {NOTES_MAX} characters", field="notes")
    return text


@frozen(kw_only=True, eq=False)
class SalesResult:
    """One sales result (one slip line). Immutable: `revise` returns the changed result (every rule
    checked again), so a result is never half-changed."""

    id: UUID
    sales_date: date = field(converter=_sales_date)
    account_id: UUID = field(converter=_account_id)
    owner_id: UserId = field(converter=_owner_id)
    amount: Decimal = field(converter=_amount)
    source: SalesSource = field(default=SalesSource.CORE, converter=_source)
    slip_no: str | None = field(default=None, converter=_slip_no)
    product_id: UUID | None = field(default=None, converter=_product_id)
    category_code: str | None = field(default=None, converter=_category)
    quantity: Decimal | None = field(default=None, converter=to_signed_quantity)
    cost: Decimal | None = field(default=None, converter=_cost)
    gross_profit: Decimal | None = field(default=None, converter=_gross_profit)
    """粗利: amount - cost when the cost is known (a given value must agree); otherwise as reported."""
    owner_organization_id: OrganizationId | None = None
    opportunity_id: UUID | None = field(default=None, converter=_opportunity_id)
    notes: str = field(default="", converter=_notes)
    created_by: UserId | None = None
    created_at: datetime | None = None
    updated_by: UserId | None = None
    updated_at: datetime | None = None
    version: int = 1

    def __attrs_post_init__(self) -> None:
        if self.source is SalesSource.CORE and self.slip_no is None:
            raise DomainError("基幹取込の実績には伝票番号が必要です / a core-system result needs a slip number",
                              field="slip_no")
        if self.cost is not None:
            derived = self.amount - self.cost
            if self.gross_profit is not None and self.gross_profit != derived:
                raise DomainError(
                    f"粗利 {self.gross_profit} が 売上金額 - 原価 ({derived}) と一致しません / the gross profit "
                    "must equal amount - cost", field="gross_profit")
            object.__setattr__(self, "gross_profit", derived)

    # -- derived views

    @property
    def year_month(self) -> str:
        """年月 'YYYY-MM' of the sales date (what monthly reports group by)."""
        return self.sales_date.strftime("%Y-%m")

    @property
    def natural_key(self) -> tuple[str, str | None]:
        return self.source.value, self.slip_no

    @property
    def gross_margin(self) -> Decimal | None:
        """粗利率 (0.25 = 25 %), None without a gross profit or with a zero amount."""
        if self.gross_profit is None or self.amount == 0:
            return None
        return self.gross_profit / self.amount

    # -- changing

    def revise(self, **changes: object) -> SalesResult:
        """The result with `changes` applied and every rule checked again; a changed amount or cost
        re-derives the gross profit (one derived from a cost that is removed is dropped; a reported one,
        without a cost, is kept)."""
        if ("cost" in changes or "amount" in changes) and "gross_profit" not in changes:
            derived = changes.get("cost", self.cost) is not None or self.cost is not None
            changes["gross_profit"] = None if derived else self.gross_profit
        return evolve(self, **changes)  # type: ignore[arg-type]

    def content(self) -> tuple[object, ...]:
        """What an import may change: equal before and after means the row changes nothing."""
        return (self.sales_date, self.account_id, self.owner_id, self.amount, self.source, self.slip_no,
                self.product_id, self.category_code, self.quantity, self.cost, self.gross_profit,
                self.opportunity_id, self.notes)

    def stamp_created(self, by: UserId | None, at: datetime) -> SalesResult:
        return evolve(self, created_by=by, created_at=at, updated_by=by, updated_at=at)

    def stamp_updated(self, by: UserId | None, at: datetime) -> SalesResult:
        return evolve(self, updated_by=by, updated_at=at)

    def with_owner_organization(self, organization_id: OrganizationId | None) -> SalesResult:
        return evolve(self, owner_organization_id=organization_id)
