"""SQL store of activities (活動)."""

from __future__ import annotations

from dps.adapters.db.repositories.base import TenantScoped
from dps.application.sales.activities.ports import ActivityRepository


class SqlActivityRepository(TenantScoped, ActivityRepository):
    """Filled in by the activities work."""
