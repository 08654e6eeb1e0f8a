"""Port: turn a sales domain event into notifications (M5), inside the caller's transaction."""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, Protocol

from dps.domain.sales.events import RecordEvent

if TYPE_CHECKING:
    from dps.application.sales.uow import SalesUnitOfWork


class Notifier(Protocol):
    @abstractmethod
    def notify(self, uow: SalesUnitOfWork, event: RecordEvent) -> None:
        """Write one notification per interested user (owner, staff, extra recipients) who may
        see the record, never to the actor. Runs before the caller commits."""
