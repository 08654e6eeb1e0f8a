"""Store of opportunities."""

from __future__ import annotations

from abc import abstractmethod
from typing import Protocol
from uuid import UUID

from dps.application.sales.opportunities.read_models import OpportunityListItem, OpportunitySearch
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.opportunities import Opportunity
from dps.domain.visibility.policy import Viewer


class OpportunityRepository(Protocol):
    """Opportunities with their lines, competitors, staff, 非公開 allow-list and relations;
    visibility-filtered search."""

    @abstractmethod
    def add(self, opportunity: Opportunity) -> None:
        """Insert the opportunity and all its child rows."""

    @abstractmethod
    def get(self, opportunity_id: UUID) -> Opportunity | None:
        """The whole aggregate (lines, competitors, staff, restriction, relations), or None."""

    @abstractmethod
    def update(self, opportunity: Opportunity, expected_version: int) -> int:
        """Write the aggregate if its stored version is `expected_version`; the new version, or
        Conflict (with the current version) when it is stale."""

    @abstractmethod
    def referenced_by(self, opportunity_id: UUID) -> str | None:
        """What still refers to the opportunity and blocks its deletion ('activities', 'sales_results'),
        or None."""

    @abstractmethod
    def delete(self, opportunity_id: UUID) -> list[str]:
        """Delete it with its lines, competitors, staff, allow-list, relations, comments, likes,
        attachment rows and notifications; the attachments' storage keys for the file store."""

    @abstractmethod
    def search(self, viewer: Viewer, criteria: OpportunitySearch, page: PageRequest) -> Page[OpportunityListItem]:
        """One page of the opportunities `viewer` may see that match `criteria` (keyset paging)."""
