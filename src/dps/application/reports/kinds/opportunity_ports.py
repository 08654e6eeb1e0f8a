"""What 案件別 (the pipeline list) needs from the database: the visible opportunities in scope, one
line each with the labels they are shown with and their latest done activity (one statement), and
totals per certainty over all of them with the restricted ones left out counted (one statement)."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from attrs import frozen

from dps.domain.visibility.policy import Viewer

GROUP_BY = ("none", "stage", "certainty", "owner")


@frozen
class OpportunityScope:
    """Opportunities owned at or under `organization_id` (closure), open or closed as `is_open` says,
    expected to be ordered in [date_from, date_to], optionally of one stage / certainty. `today`
    picks the organisation names."""

    organization_id: UUID
    is_open: bool
    date_from: date
    date_to: date
    today: date
    stage_code: str | None = None
    certainty_code: str | None = None
    group_by: str = "none"
    limit: int = 2000


@frozen
class OpportunityLine:
    id: UUID
    name: str
    account_id: UUID
    account_name: str | None
    """None: an account the viewer may not see."""
    owner_id: UUID | None
    owner_name: str
    owner_organization_id: UUID | None
    organization: str
    """The owner organisation's code and name."""
    stage_code: str
    certainty_code: str
    """'' for none."""
    expected_order_date: date | None
    expected_amount: Decimal | None
    order_amount: Decimal | None
    created_at: datetime
    last_activity: date | None
    next_action: str
    next_action_on: date | None
    competitors: str


@frozen
class CertaintyTotal:
    certainty_code: str
    count: int
    expected_amount: Decimal
    order_amount: Decimal


@frozen
class OpportunityLines:
    rows: Sequence[OpportunityLine]
    """At most `limit`: by group when grouped, then expected order date, amount (desc), name."""
    cut: bool
    totals: Sequence[CertaintyTotal]
    """Over every visible opportunity in scope (also those past the limit)."""
    left_out: int


class OpportunityReportReader(Protocol):
    @abstractmethod
    def opportunity_lines(self, viewer: Viewer, scope: OpportunityScope) -> OpportunityLines:
        """Two statements: the lines and the totals per certainty."""
