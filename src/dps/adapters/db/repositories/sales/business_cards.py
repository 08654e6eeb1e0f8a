"""SQL store of business cards (名刺)."""

from __future__ import annotations

from dps.adapters.db.repositories.base import TenantScoped
from dps.application.sales.persons.ports import BusinessCardRepository


class SqlBusinessCardRepository(TenantScoped, BusinessCardRepository):
    """Filled in by the business_cards work."""
