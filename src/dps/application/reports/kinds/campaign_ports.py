"""What キャンペーン別 (the campaigns report) needs from the database: per campaign in the period its
own figures (cost, targets) and its members', leads' and opportunities' counts and sums, in one
statement, and how many restricted campaigns, leads and opportunities were left out (R7). A module
of its own so the unit of work can name the port without importing the report kinds."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from attrs import frozen

from dps.domain.visibility.policy import Viewer


@frozen
class CampaignFigures:
    """One visible campaign: what it stores, and the counts of its members (招待 invited = every
    member, 参加 attended = members marked attended), of its visible leads (商談化 converted = status
    `converted`) and of its visible opportunities (受注 won = the won stage, amount = order amount)."""

    id: UUID
    name: str
    kind_code: str
    starts_on: date
    ends_on: date | None
    budget_amount: Decimal | None
    actual_cost: Decimal | None
    target_leads: int | None
    target_opportunities: int | None
    target_amount: Decimal | None
    invited: int
    attended: int
    leads: int
    converted: int
    opportunities: int
    won: int
    won_amount: Decimal


@frozen
class CampaignRows:
    rows: Sequence[CampaignFigures]
    left_out: int
    """Campaigns in the period the viewer may not see, and the restricted leads and opportunities of
    the visible ones."""


class CampaignReportReader(Protocol):
    @abstractmethod
    def campaign_rows(self, viewer: Viewer, date_from: date, date_to: date, kind_code: str | None) -> CampaignRows:
        """Campaigns whose period overlaps [date_from, date_to] (inclusive; no end: still running) and,
        when given, of `kind_code`, by start date and name: one statement, the members', leads' and
        opportunities' figures pre-grouped per campaign and LEFT JOINed."""
