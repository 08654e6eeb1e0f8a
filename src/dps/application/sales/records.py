"""Port: the access facts of any sales record by (record_type, id), for sub-resources judged on
their parent (comments, likes, attachments, staff, relations; rule R6)."""

from __future__ import annotations

from abc import abstractmethod
from typing import Protocol
from uuid import UUID

from dps.domain.sales.records import RecordType
from dps.domain.visibility.records import RecordAccess


class RecordAccessReader(Protocol):
    @abstractmethod
    def access_chain(self, record_type: RecordType, record_id: UUID) -> tuple[RecordAccess, ...] | None:
        """None when no such record exists in the tenant; else the record's own access first, then the
        access of each parent whose restriction it inherits (R6: an activity of a restricted
        opportunity, a product line of its opportunity, a comment of its record). A viewer sees the
        record only if every element of the chain is visible to them."""

    @abstractmethod
    def label_of(self, record_type: RecordType, record_id: UUID) -> str | None:
        """The record's display name (for notifications and breadcrumbs)."""
