"""Request and response shapes of the opportunities API (msgspec structs), kept apart from the handlers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import msgspec

from dps.entrypoints.http.api.sales_common import (
    RelationIn,
    RelationOut,
    RestrictionIn,
    RestrictionOut,
    StaffIn,
    StaffOut,
)

AmountIn = str | int | float
UnsetType = msgspec.UnsetType


class LineIn(msgspec.Struct):
    """商品明細. With ``product_id``, a missing ``product_name``/``unit_price`` comes from the product."""

    quantity: AmountIn
    unit_price: AmountIn | None = None
    discount: AmountIn | None = None
    product_id: UUID | None = None
    product_name: str | None = None
    notes: str = ""

class CompetitorIn(msgspec.Struct):
    """競合. ``result``: 'won' (we won against it), 'lost', or ''."""

    name: str = ""
    competitor_account_id: UUID | None = None
    product: str = ""
    price: AmountIn | None = None
    strengths: str = ""
    weaknesses: str = ""
    result: str = ""

class OpportunityIn(msgspec.Struct):
    """A new opportunity. ``owner_id`` defaults to the caller; ``expected_amount`` to the lines' total."""

    name: str
    account_id: UUID
    stage_code: str
    certainty_code: str | None = None
    campaign_id: UUID | None = None
    expected_order_date: date | None = None
    expected_sales_date: date | None = None
    expected_amount: AmountIn | None = None
    order_amount: AmountIn | None = None
    ordered_on: date | None = None
    lost_reason: str = ""
    description: str = ""
    next_action: str = ""
    next_action_on: date | None = None
    lines: list[LineIn] = msgspec.field(default_factory=list)
    competitors: list[CompetitorIn] = msgspec.field(default_factory=list)
    owner_id: UUID | UnsetType | None = msgspec.UNSET
    staff: list[StaffIn] = msgspec.field(default_factory=list)
    restriction: RestrictionIn | None = None
    relations: list[RelationIn] = msgspec.field(default_factory=list)
    custom_fields: dict[str, Any] = msgspec.field(default_factory=dict)

class OpportunityPatchIn(msgspec.Struct):
    """Only the fields sent change (``null`` clears a nullable one); ``lines``, ``competitors``,
    ``staff`` and ``relations`` are replaced as a whole. Replacing the lines without an
    ``expected_amount`` sets it to the new lines' total."""

    expected_version: int
    name: str | UnsetType = msgspec.UNSET
    account_id: UUID | UnsetType = msgspec.UNSET
    stage_code: str | UnsetType = msgspec.UNSET
    certainty_code: str | UnsetType | None = msgspec.UNSET
    campaign_id: UUID | UnsetType | None = msgspec.UNSET
    expected_order_date: date | UnsetType | None = msgspec.UNSET
    expected_sales_date: date | UnsetType | None = msgspec.UNSET
    expected_amount: AmountIn | UnsetType | None = msgspec.UNSET
    order_amount: AmountIn | UnsetType | None = msgspec.UNSET
    ordered_on: date | UnsetType | None = msgspec.UNSET
    lost_reason: str | UnsetType = msgspec.UNSET
    description: str | UnsetType = msgspec.UNSET
    next_action: str | UnsetType = msgspec.UNSET
    next_action_on: date | UnsetType | None = msgspec.UNSET
    lines: list[LineIn] | UnsetType = msgspec.UNSET
    competitors: list[CompetitorIn] | UnsetType = msgspec.UNSET
    owner_id: UUID | UnsetType | None = msgspec.UNSET
    staff: list[StaffIn] | UnsetType = msgspec.UNSET
    restriction: RestrictionIn | UnsetType | None = msgspec.UNSET
    relations: list[RelationIn] | UnsetType = msgspec.UNSET
    custom_fields: dict[str, Any] | UnsetType = msgspec.UNSET

class LineOut(msgspec.Struct):
    line_no: int
    product_id: UUID | None
    product_name: str
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    amount: Decimal
    notes: str

class CompetitorOut(msgspec.Struct):
    name: str
    competitor_account_id: UUID | None
    product: str
    price: Decimal | None
    strengths: str
    weaknesses: str
    result: str

class OpportunityOut(msgspec.Struct):
    id: UUID
    url: str
    name: str
    account_id: UUID
    account_name: str | None
    campaign_id: UUID | None
    source_lead_id: UUID | None
    stage_code: str
    certainty_code: str | None
    is_open: bool
    expected_order_date: date | None
    expected_sales_date: date | None
    expected_amount: Decimal | None
    order_amount: Decimal | None
    ordered_on: date | None
    lost_reason: str
    description: str
    next_action: str
    next_action_on: date | None
    lines: list[LineOut]
    lines_total: Decimal
    competitors: list[CompetitorOut]
    owner_id: UUID | None
    owner_organization_id: UUID | None
    staff: list[StaffOut]
    restriction: RestrictionOut | None
    relations: list[RelationOut]
    custom_fields: dict[str, Any]
    created_by: UUID | None
    created_at: datetime | None
    updated_by: UUID | None
    updated_at: datetime | None
    version: int

class OpportunityItemOut(msgspec.Struct):
    id: UUID
    url: str
    name: str
    account_id: UUID
    account_name: str | None
    stage_code: str
    certainty_code: str | None
    is_open: bool
    expected_order_date: date | None
    expected_amount: Decimal | None
    owner_id: UUID | None
    campaign_id: UUID | None
    is_restricted: bool
    updated_at: datetime
    version: int

class OpportunityPageOut(msgspec.Struct):
    items: list[OpportunityItemOut]
    next_cursor: str | None
