"""What the portal (ポータル, S11) shows: flat rows and aggregates read in SQL, nothing hydrated."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from attrs import frozen

from dps.application.sales.collaboration.views import NotificationView
from dps.domain.catalog.code_lists import CodeList
from dps.domain.shared.ids import UserId


@frozen
class PortalActivity:
    """One activity row of a portal list. `account_name` / `opportunity_name` are None when there is
    none or the viewer may not see it (a 非公開 record's name is never shown through another)."""

    id: UUID
    status: str
    kind_code: str
    subject: str
    activity_date: date
    starts_at: datetime | None
    account_id: UUID | None
    account_name: str | None
    opportunity_id: UUID | None
    opportunity_name: str | None
    owner_id: UserId | None
    owner_name: str | None
    is_restricted: bool


@frozen
class PortalOpportunity:
    """One open opportunity of mine, for the "nearest expected order date" list."""

    id: UUID
    name: str
    account_id: UUID
    account_name: str | None
    stage_code: str
    expected_order_date: date | None
    expected_amount: Decimal | None
    is_restricted: bool


@frozen
class StageTotal:
    """Open opportunities of one stage: how many and the sum of their expected amounts."""

    stage_code: str
    count: int
    amount: Decimal


@frozen
class MonthlyAmount:
    """One month (its first day) of the fiscal year: the budget and the ordered amount."""

    month: date
    budget: Decimal
    ordered: Decimal


@frozen
class OrdersVsBudget:
    """受注実績 vs 受注予算 of one organisation over one fiscal year, month by month (twelve months)."""

    organization_id: UUID
    fiscal_year: int
    months: tuple[MonthlyAmount, ...]

    @property
    def budget_total(self) -> Decimal:
        return sum((m.budget for m in self.months), Decimal(0))

    @property
    def ordered_total(self) -> Decimal:
        return sum((m.ordered for m in self.months), Decimal(0))


@frozen
class Portal:
    """Everything the home page shows for one user, read in one transaction with a fixed number of
    statements whatever the amount of data."""

    today: date
    upcoming: tuple[PortalActivity, ...]
    pipeline: tuple[StageTotal, ...]
    """Every open stage of the code list in its order (zero where none), then stages no longer in the list."""
    nearest: tuple[PortalOpportunity, ...]
    team_activities: tuple[PortalActivity, ...]
    orders: OrdersVsBudget | None
    """None when the user has no primary organisation."""
    notifications: tuple[NotificationView, ...]
    """The newest of my notifications (the inbox's, read or not)."""
    code_lists: Mapping[str, CodeList]
    """The code lists the rows' codes are shown with (stage, activity kind), by key."""

    @property
    def pipeline_count(self) -> int:
        return sum(s.count for s in self.pipeline)

    @property
    def pipeline_amount(self) -> Decimal:
        return sum((s.amount for s in self.pipeline), Decimal(0))
