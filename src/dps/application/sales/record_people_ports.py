"""Port: the staff (自社担当者), relations (関係者) and 非公開 allow-list of any sales record, read and
replaced as sub-resources. Replacing one bumps the record's version under optimistic locking,
so a stale form never overwrites a colleague's change."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from dps.domain.sales.records import RecordType, Relation, StaffMember
from dps.domain.shared.ids import UserId
from dps.domain.visibility.records import Restriction


class RecordPeopleRepository(Protocol):
    """Bound to the unit of work's tenant; `record_type` is a kind with its own table (account,
    person, opportunity, activity, lead, campaign)."""

    @abstractmethod
    def version(self, record_type: RecordType, record_id: UUID) -> int | None:
        """The record's current version; None when there is no such record."""

    @abstractmethod
    def staff(self, record_type: RecordType, record_id: UUID) -> tuple[StaffMember, ...]:
        """The main one first."""

    @abstractmethod
    def relations(self, record_type: RecordType, record_id: UUID) -> tuple[Relation, ...]: ...

    @abstractmethod
    def restriction(self, record_type: RecordType, record_id: UUID) -> Restriction | None:
        """The allow-list when the record is 非公開, None when it is public."""

    @abstractmethod
    def replace_staff(
        self, record_type: RecordType, record_id: UUID, staff: Sequence[StaffMember], *, expected_version: int,
        by: UserId | None, at: datetime,
    ) -> int:
        """Replace the staff and bump the version; returns the new version. Conflict (with the
        current version) when `expected_version` is stale."""

    @abstractmethod
    def replace_relations(
        self, record_type: RecordType, record_id: UUID, relations: Sequence[Relation], *, expected_version: int,
        by: UserId | None, at: datetime,
    ) -> int: ...

    @abstractmethod
    def replace_restriction(
        self, record_type: RecordType, record_id: UUID, restriction: Restriction | None, *, expected_version: int,
        by: UserId | None, at: datetime,
    ) -> int:
        """非公開 on with its allow-list, or off (None)."""
