"""案件 Opportunity: the deal an account may place, its stage and certainty (確度), expected and ordered
amounts, product lines (商品明細), competitors (競合), staff, relations and 非公開 restriction.

Attribute names equal the columns of the `opportunities` table.

Rules kept here:

- `name` and `account_id` are required; `stage_code` must be a value of the tenant's
  `opportunity_stage` code list, `certainty_code` (optional) of `certainty`.
- **Closing stages** are fixed codes every tenant's stage list keeps (the seeded defaults have them):
  `90` 受注 (won), `91` 失注 (lost), `92` 中止 (cancelled). Any other stage is open; `is_open` is
  derived from the stage and never set directly.
- **Won** needs an order amount and an order date: when missing, the order amount is taken from the
  expected amount and the order date is `today` (the day the deal is recorded as won; the expected
  order date when no day is given); if still missing the change is refused on that field.
- **Lost** needs a lost reason (失注理由).
- **Expected amount** defaults to the sum of the product lines when lines exist and no amount was
  given (see `settle`); an explicitly given amount wins, a negotiated total may differ from the lines.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from uuid import UUID

from attrs import define, evolve, field

from dps.domain.catalog.code_lists import CodeList
from dps.domain.sales.opportunity_lines import Competitor, ProductLine, check_lines, lines_total, money
from dps.domain.sales.records import Relation, SalesRecord
from dps.domain.shared.errors import DomainError
from dps.domain.shared.text import normalize_for_search

STAGE_LIST = "opportunity_stage"
CERTAINTY_LIST = "certainty"


class Outcome(enum.StrEnum):
    """Where a deal stands: open, or closed one of three ways."""

    OPEN = "open"
    WON = "won"
    LOST = "lost"
    CANCELLED = "cancelled"


WON_STAGE = "90"
"""受注"""
LOST_STAGE = "91"
"""失注"""
CANCELLED_STAGE = "92"
"""中止"""
CLOSING_STAGES: dict[str, Outcome] = {WON_STAGE: Outcome.WON, LOST_STAGE: Outcome.LOST,
                                      CANCELLED_STAGE: Outcome.CANCELLED}
"""The stage codes that close a deal, and how. Every other stage code is open."""


def outcome_of(stage_code: str) -> Outcome:
    return CLOSING_STAGES.get(stage_code, Outcome.OPEN)


@contextmanager
def at_index(prefix: str, index: int) -> Iterator[None]:
    """Re-raise a DomainError of one element of a list with the field `prefix[index].field`."""
    try:
        yield
    except DomainError as e:
        raise DomainError(e.message, field=f"{prefix}[{index}].{e.field or '_'}") from e


def _name(value: str | None) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError("案件名は必須です / the name is required", field="name")
    if len(text) > 200:
        raise DomainError("must be at most 200 characters", field="name")
    return text


def _stage(value: str | None) -> str:
    code = (value or "").strip()
    if not code:
        raise DomainError("the stage is required", field="stage_code")
    return code


def _certainty(value: str | None) -> str | None:
    return (value or "").strip() or None


def _expected_amount(value: object) -> Decimal | None:
    return None if value is None else money(value, "expected_amount")


def _order_amount(value: object) -> Decimal | None:
    return None if value is None else money(value, "order_amount")


def _text_400(value: str | None) -> str:
    text = (value or "").strip()
    if len(text) > 400:
        raise DomainError("must be at most 400 characters", field="next_action")
    return text


def _free_text(value: str | None) -> str:
    return (value or "").strip()


def _competitors(values: Iterable[Competitor]) -> tuple[Competitor, ...]:
    return tuple(values)


def _relations(values: Iterable[Relation]) -> tuple[Relation, ...]:
    items = tuple(values)
    people = [r.person_id for r in items]
    if len(people) != len(set(people)):
        raise DomainError("a person is listed twice as a relation", field="relations")
    return items


@define(kw_only=True, eq=False)
class Opportunity(SalesRecord):
    """A deal. Build it with the constructor (lead conversion does), then `check_codes` against the
    tenant's code lists and `settle(today=...)` before saving."""

    name: str = field(converter=_name)
    account_id: UUID
    stage_code: str = field(converter=_stage)
    certainty_code: str | None = field(default=None, converter=_certainty)
    campaign_id: UUID | None = None
    source_lead_id: UUID | None = None
    expected_order_date: date | None = None
    expected_sales_date: date | None = None
    expected_amount: Decimal | None = field(default=None, converter=_expected_amount)
    order_amount: Decimal | None = field(default=None, converter=_order_amount)
    ordered_on: date | None = None
    lost_reason: str = field(default="", converter=_free_text)
    description: str = field(default="", converter=_free_text)
    next_action: str = field(default="", converter=_text_400)
    next_action_on: date | None = None
    lines: tuple[ProductLine, ...] = field(factory=tuple, converter=check_lines)
    competitors: tuple[Competitor, ...] = field(factory=tuple, converter=_competitors)
    relations: tuple[Relation, ...] = field(factory=tuple, converter=_relations)

    # --- derived -------------------------------------------------------------------------------

    @property
    def outcome(self) -> Outcome:
        return outcome_of(self.stage_code)

    @property
    def is_open(self) -> bool:
        """Derived from the stage: 受注, 失注 and 中止 close a deal."""
        return self.outcome is Outcome.OPEN

    @property
    def is_won(self) -> bool:
        return self.outcome is Outcome.WON

    @property
    def is_lost(self) -> bool:
        return self.outcome is Outcome.LOST

    @property
    def lines_total(self) -> Decimal:
        return lines_total(self.lines)

    @property
    def search_text(self) -> str:
        """What text search matches: the normalised name."""
        return normalize_for_search(self.name)

    # --- behaviour ------------------------------------------------------------------------------

    def check_codes(self, *, stages: CodeList, certainties: CodeList) -> None:
        """The stage and certainty are active values of the tenant's code lists."""
        stages.validate(self.stage_code, field_name="stage_code")
        if self.certainty_code is not None:
            certainties.validate(self.certainty_code, field_name="certainty_code")

    def move_to_stage(self, stage_code: str, stages: CodeList) -> None:
        code = _stage(stage_code)
        if code != self.stage_code:
            stages.validate(code, field_name="stage_code")
        self.stage_code = code

    def set_certainty(self, certainty_code: str | None, certainties: CodeList) -> None:
        code = _certainty(certainty_code)
        if code is not None and code != self.certainty_code:
            certainties.validate(code, field_name="certainty_code")
        self.certainty_code = code

    def set_lines(self, lines: Iterable[ProductLine]) -> None:
        """Replace the 商品明細 (renumbered 1..n in the order given)."""
        self.lines = check_lines(lines)

    def set_competitors(self, competitors: Iterable[Competitor]) -> None:
        self.competitors = _competitors(competitors)

    def set_relations(self, relations: Iterable[Relation]) -> None:
        self.relations = _relations(relations)

    def settle(self, *, today: date | None = None, recompute_amount: bool = False) -> None:
        """Apply the derived defaults and the closing rules; call after every change.

        - with lines and no expected amount, the expected amount is the lines' total; with
          `recompute_amount` (the change replaced the lines without naming an amount) it becomes the
          new total even when one was set before;
        - won: order amount defaults to the expected amount, order date to `today` (else the
          expected order date); both are then required;
        - lost: a lost reason is required.
        """
        if self.lines and (self.expected_amount is None or recompute_amount):
            self.expected_amount = self.lines_total
        outcome = self.outcome
        if outcome is Outcome.WON:
            if self.order_amount is None:
                self.order_amount = self.expected_amount
            if self.ordered_on is None:
                self.ordered_on = today or self.expected_order_date
            if self.order_amount is None:
                raise DomainError("受注には受注金額が必要です / a won deal needs the order amount",
                                  field="order_amount")
            if self.ordered_on is None:
                raise DomainError("受注には受注日が必要です / a won deal needs the order date", field="ordered_on")
        elif outcome is Outcome.LOST and not self.lost_reason:
            raise DomainError("失注には失注理由が必要です / a lost deal needs a reason", field="lost_reason")

    def record_progress(
        self,
        *,
        stage_code: str | None,
        certainty_code: str | None,
        expected_order_date: date | None,
        expected_amount: Decimal | None,
        stages: CodeList,
        certainties: CodeList,
        lost_reason: str | None = None,
        today: date | None = None,
    ) -> bool:
        """An actual activity moves the deal on: apply only the values given (None = unchanged), with
        the same validation as an update. `lost_reason` is needed to move to 失注 when the deal has
        none yet; `today` (the activity's day) is the order date when it moves to 受注. True when
        anything changed."""
        before = self._progress()
        if stage_code is not None:
            self.move_to_stage(stage_code, stages)
        if certainty_code is not None:
            self.set_certainty(certainty_code, certainties)
        if expected_order_date is not None:
            self.expected_order_date = expected_order_date
        if expected_amount is not None:
            self.expected_amount = _expected_amount(expected_amount)
        if lost_reason is not None and lost_reason.strip():
            self.lost_reason = lost_reason
        self.settle(today=today)
        return self._progress() != before

    def _progress(self) -> tuple[object, ...]:
        return (self.stage_code, self.certainty_code, self.expected_order_date, self.expected_amount,
                self.order_amount, self.ordered_on, self.lost_reason)

    def copy_as(self, new_id: UUID) -> Opportunity:
        """コピー: the same content (lines, competitors, staff, relations, restriction, custom fields,
        owner) under a new id, version 1 and no stamps. Comments, likes and attachments are history of
        the original and are not part of the aggregate, so they never come along."""
        return evolve(
            self, id=new_id, version=1, created_by=None, created_at=None, updated_by=None, updated_at=None,
            custom_fields=dict(self.custom_fields), staff=tuple(self.staff), lines=tuple(self.lines),
            competitors=tuple(self.competitors), relations=tuple(self.relations),
        )
