"""What リード別 (the lead funnel) needs from the database: visible leads counted per group (source or
campaign) and status in one GROUP BY, how many were left out (R7), and the names of the campaigns
the viewer may see. A module of its own so the unit of work can name the port without importing the
report kinds."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from attrs import frozen

from dps.domain.visibility.policy import Viewer

GROUPS = ("source", "campaign")
"""What a funnel row is: the lead source (`lead_source` code) or the campaign."""


@frozen
class LeadCount:
    group: str
    """The source code, or the campaign id as text ('' for none)."""
    status_code: str
    count: int


@frozen
class LeadCounts:
    cells: Sequence[LeadCount]
    left_out: int
    """Leads in scope the viewer may not see."""


class LeadReportReader(Protocol):
    @abstractmethod
    def lead_counts(
        self, viewer: Viewer, group: str, created_from: datetime | None, created_before: datetime | None,
        organization_id: UUID | None,
    ) -> LeadCounts:
        """Leads created in [created_from, created_before) (None: unbounded), owned at or under the
        organisation (None: all the tenant's), counted per (`group`, status) among the visible ones."""

    @abstractmethod
    def campaign_names(self, viewer: Viewer, ids: Collection[UUID]) -> Mapping[UUID, str]:
        """The names of those campaigns that the viewer may see."""
