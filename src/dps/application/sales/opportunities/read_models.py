"""Search criteria and list items of opportunities (the read side of S6)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from attrs import field, frozen

from dps.domain.shared.ids import UserId

SORTS = ("expected_order_date", "expected_amount", "name", "updated_at")
DEFAULT_SORT = "-expected_order_date"


@frozen
class OpportunitySearch:
    """Filters of `GET /opportunities`; every one optional, all ANDed. `mine` is 自担当 (R4), a
    filter on top of visibility, never a grant. `custom_fields` matches `cf.<key>=value` exactly.
    `organization_id` keeps the opportunities whose owner's organisation (stamped at owner
    assignment) is that one or, with `include_sub_orgs`, lies under it (集計組織): the records behind
    a report's figure."""

    q: str | None = None
    owner_id: UserId | None = None
    staff_id: UserId | None = None
    mine: bool = False
    stage_codes: tuple[str, ...] = ()
    certainty_codes: tuple[str, ...] = ()
    is_open: bool | None = None
    expected_order_date_from: date | None = None
    expected_order_date_to: date | None = None
    expected_amount_min: Decimal | None = None
    expected_amount_max: Decimal | None = None
    account_id: UUID | None = None
    campaign_id: UUID | None = None
    product_id: UUID | None = None
    """Opportunities with a product line of this product."""
    organization_id: UUID | None = None
    include_sub_orgs: bool = True
    custom_fields: Mapping[str, str] = field(factory=dict)


@frozen
class OpportunityListItem:
    """One row of an opportunity list. `account_name` is None when the account is hidden from the
    viewer (a 非公開 account the viewer may not see)."""

    id: UUID
    name: str
    account_id: UUID
    account_name: str | None
    stage_code: str
    certainty_code: str | None
    is_open: bool
    expected_order_date: date | None
    expected_amount: Decimal | None
    owner_id: UserId | None
    campaign_id: UUID | None
    is_restricted: bool
    updated_at: datetime
    version: int
