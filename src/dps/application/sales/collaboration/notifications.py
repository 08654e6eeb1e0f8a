"""Notifications (M5): who hears of a record event, and reading/marking them."""

from __future__ import annotations

from dps.application.sales.notifier import Notifier
from dps.application.sales.uow import SalesUnitOfWork
from dps.domain.sales.events import RecordEvent


class NotifyInterestedUsers(Notifier):
    """Filled in by the collaboration work."""

    def notify(self, uow: SalesUnitOfWork, event: RecordEvent) -> None:
        return None
