"""Inputs of the opportunity use cases. A change names only what it changes: fields left `UNSET`
keep their value, `None` clears a nullable one. Amounts arrive as given (text or number) and are
checked by the domain (`to_money`), so a bad one is a 422 naming its field."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from attrs import field, frozen

from dps.application.sales.accounts.record_parts import UNSET, RecordParts, Unset

Amount = object
"""An amount as the client sent it: Decimal, int, float or text such as '1,200,000'."""


@frozen
class LineInput:
    """One 商品明細. With `product_id`, a missing `product_name` or `unit_price` is taken from the
    product master (name snapshot, standard price). The amount is always computed."""

    quantity: Amount
    unit_price: Amount | None = None
    discount: Amount | None = None
    product_id: UUID | None = None
    product_name: str | None = None
    notes: str = ""


@frozen
class CompetitorInput:
    name: str
    competitor_account_id: UUID | None = None
    product: str = ""
    price: Amount | None = None
    strengths: str = ""
    weaknesses: str = ""
    result: str = ""


@frozen
class OpportunityChanges:
    """The opportunity's own fields, lines, competitors and shared record parts (owner, staff,
    非公開, relations, custom fields)."""

    name: str | Unset = UNSET
    account_id: UUID | Unset = UNSET
    stage_code: str | Unset = UNSET
    certainty_code: str | Unset | None = UNSET
    campaign_id: UUID | Unset | None = UNSET
    expected_order_date: date | Unset | None = UNSET
    expected_sales_date: date | Unset | None = UNSET
    expected_amount: Amount | Unset | None = UNSET
    order_amount: Amount | Unset | None = UNSET
    ordered_on: date | Unset | None = UNSET
    lost_reason: str | Unset = UNSET
    description: str | Unset = UNSET
    next_action: str | Unset = UNSET
    next_action_on: date | Unset | None = UNSET
    lines: tuple[LineInput, ...] | Unset = UNSET
    competitors: tuple[CompetitorInput, ...] | Unset = UNSET
    parts: RecordParts = field(factory=RecordParts)


@frozen
class CreateOpportunityCommand:
    """A new opportunity: name, account and stage are required; the rest as in `OpportunityChanges`
    (its name/account/stage are ignored). Owner defaults to the actor."""

    name: str
    account_id: UUID
    stage_code: str
    details: OpportunityChanges = field(factory=OpportunityChanges)
    source_lead_id: UUID | None = None


@frozen
class UpdateOpportunityCommand:
    opportunity_id: UUID
    expected_version: int
    changes: OpportunityChanges
