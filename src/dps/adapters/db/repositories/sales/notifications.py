"""SQL store of notifications."""

from __future__ import annotations

from dps.adapters.db.repositories.base import TenantScoped
from dps.application.sales.collaboration.ports import NotificationRepository


class SqlNotificationRepository(TenantScoped, NotificationRepository):
    """Filled in by the notifications work."""
