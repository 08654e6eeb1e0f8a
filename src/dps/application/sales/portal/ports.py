"""The portal's reads: aggregates and short lists, each one statement, all through the visibility
rules (R1/R2, 自担当 R4, and R6 for activities of a restricted opportunity)."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from dps.application.sales.portal.read_models import PortalActivity, PortalOpportunity, StageTotal
from dps.domain.visibility.policy import Viewer


class PortalReader(Protocol):
    @abstractmethod
    def upcoming_activities(self, viewer: Viewer, now: datetime, today: date, limit: int) -> Sequence[PortalActivity]:
        """Planned activities whose owner or staff is the viewer, from `now` on (an activity without a
        start time counts from its day, `today` included), soonest first."""

    @abstractmethod
    def team_activities(self, viewer: Viewer, limit: int) -> Sequence[PortalActivity]:
        """The newest actual (done) activities in the viewer's 自担当 scope, newest first."""

    @abstractmethod
    def open_pipeline(self, viewer: Viewer) -> Sequence[StageTotal]:
        """自担当 open opportunities grouped by stage (any order): count and sum of expected amounts."""

    @abstractmethod
    def nearest_opportunities(self, viewer: Viewer, today: date, limit: int) -> Sequence[PortalOpportunity]:
        """自担当 open opportunities expected to be ordered on `today` or later, the nearest first."""

    @abstractmethod
    def monthly_orders(
        self, viewer: Viewer, organization_id: UUID, start: date, end: date
    ) -> Mapping[date, Decimal]:
        """Order amounts of the won opportunities the viewer may see whose owner organisation is
        `organization_id` or under it (集計組織), ordered in [start, end): month (first day) -> sum."""

    @abstractmethod
    def monthly_budget(
        self, organization_id: UUID, fiscal_year: int, kind_code: str, start: date, end: date
    ) -> Mapping[date, Decimal]:
        """The organisation's own budgets (no user) of `kind_code` for `fiscal_year`, their lines in
        [start, end) summed per month (over product categories too)."""
