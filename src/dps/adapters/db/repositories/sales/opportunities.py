"""SQL store of opportunities (案件)."""

from __future__ import annotations

from dps.adapters.db.repositories.base import TenantScoped
from dps.application.sales.opportunities.ports import OpportunityRepository


class SqlOpportunityRepository(TenantScoped, OpportunityRepository):
    """Filled in by the opportunities work."""
