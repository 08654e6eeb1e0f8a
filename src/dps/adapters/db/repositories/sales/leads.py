"""SQL store of leads (リード)."""

from __future__ import annotations

from dps.adapters.db.repositories.base import TenantScoped
from dps.application.sales.leads.ports import LeadRepository


class SqlLeadRepository(TenantScoped, LeadRepository):
    """Filled in by the leads work."""
