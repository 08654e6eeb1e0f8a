"""What 商品別 (the products report) needs from the database: GROUP BY sums per product, category and
certainty, and per budget target and category. A module of its own so the unit of work can name the
port without importing the report kinds (which import the unit of work's dependencies)."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Collection, Sequence
from datetime import date
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from attrs import frozen

from dps.domain.visibility.policy import Viewer

# --- port ----------------------------------------------------------------------------------------


@frozen
class ProductAmount:
    """One group's sum. `product_id` None: lines / results naming no product; `category_code` is the
    product's category (for a result without a product, its own category; '' for none);
    `certainty_code` is set for open pipeline ('' for none), `won` marks won amounts."""

    product_id: UUID | None
    product_code: str
    product_name: str
    category_code: str
    amount: Decimal
    certainty_code: str = ""
    won: bool = False


@frozen
class ProductLineAmounts:
    cells: Sequence[ProductAmount]
    left_out: int
    """Opportunities in scope (with product lines) the viewer may not see."""


@frozen
class CategoryBudget:
    """Budget lines of one target (organisation, or user) and category, summed over the months."""

    organization_id: UUID | None
    user_id: UUID | None
    category_code: str
    amount: Decimal


class ProductReportReader(Protocol):
    """GROUP BY reads of 商品別: one statement each, the owner organisation at or under
    `organization_id` through the closure; [start, end) is the period."""

    @abstractmethod
    def line_amounts(self, viewer: Viewer, organization_id: UUID, start: date, end: date) -> ProductLineAmounts:
        """Product lines of visible opportunities: open ones expected to be ordered in the period per
        (product, certainty), won ones (stage 受注) ordered in the period per product; and how many
        opportunities in scope were left out."""

    @abstractmethod
    def result_amounts(self, organization_id: UUID, start: date, end: date) -> Sequence[ProductAmount]:
        """Sales results dated in the period per (product, category). Never 非公開."""

    @abstractmethod
    def category_budgets(
        self, organization_ids: Collection[UUID], user_ids: Collection[UUID], kind_code: str, start: date, end: date,
    ) -> Sequence[CategoryBudget]:
        """Budget lines of `kind_code` with a month in the period, per (target, category): the
        organisations' own budgets (no user) and the users' budgets."""
