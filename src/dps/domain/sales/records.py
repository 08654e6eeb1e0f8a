"""What every sales record shares: owner, staff (自社担当者), 非公開 allow-list, custom field values,
audit stamps and the optimistic-lock version. Aggregates subclass `SalesRecord`."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from attrs import define, field, frozen

from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.visibility.records import RecordAccess, Restriction


class RecordType(enum.StrEnum):
    """The `record_type` under which staff, allow-lists, relations, comments, likes, attachments and
    notifications refer to a record."""

    ACCOUNT = "account"
    PERSON = "person"
    BUSINESS_CARD = "business_card"
    OPPORTUNITY = "opportunity"
    ACTIVITY = "activity"
    LEAD = "lead"
    CAMPAIGN = "campaign"
    BUDGET = "budget"
    COMMENT = "comment"


@frozen
class StaffMember:
    """自社担当者: a user in charge of the record; at most one is the main one (主担当)."""

    user_id: UserId
    is_main: bool = False


@frozen
class Relation:
    """関係者: a customer-side person and their role (a `relation_role` code) toward the record."""

    person_id: UUID
    role_code: str | None = None


def check_staff(staff: Iterable[StaffMember]) -> tuple[StaffMember, ...]:
    members = tuple(staff)
    users = [m.user_id for m in members]
    if len(users) != len(set(users)):
        raise DomainError("a user is listed twice as staff", field="staff")
    if sum(m.is_main for m in members) > 1:
        raise DomainError("only one staff member can be the main one", field="staff")
    return members


@define(kw_only=True, eq=False)
class SalesRecord:
    """Base of every sales aggregate. `owner_organization_id` is the owner's primary organisation,
    stamped when the owner is set (it drives 自担当 and manager rights)."""

    id: UUID
    owner_id: UserId | None = None
    owner_organization_id: OrganizationId | None = None
    created_by: UserId | None = None
    created_at: datetime | None = None
    updated_by: UserId | None = None
    updated_at: datetime | None = None
    staff: tuple[StaffMember, ...] = field(factory=tuple, converter=check_staff)
    restriction: Restriction | None = None
    custom_fields: dict[str, Any] = field(factory=dict)
    version: int = 1

    @property
    def access(self) -> RecordAccess:
        return RecordAccess(
            owner_id=self.owner_id, owner_organization_id=self.owner_organization_id, created_by=self.created_by,
            staff_ids=frozenset(m.user_id for m in self.staff), restriction=self.restriction,
        )

    @property
    def is_restricted(self) -> bool:
        return self.restriction is not None

    def assign_owner(self, owner_id: UserId | None, owner_organization_id: OrganizationId | None) -> None:
        self.owner_id, self.owner_organization_id = owner_id, owner_organization_id

    def set_staff(self, staff: Iterable[StaffMember]) -> None:
        self.staff = check_staff(staff)

    def restrict(self, restriction: Restriction | None) -> None:
        """非公開 on (with its allow-list) or off (None)."""
        self.restriction = restriction

    def set_custom_fields(self, values: Mapping[str, Any]) -> None:
        """Values already validated against the tenant's custom field definitions."""
        self.custom_fields = dict(values)

    def stamp_created(self, by: UserId, at: datetime) -> None:
        self.created_by, self.created_at = by, at
        self.updated_by, self.updated_at = by, at

    def stamp_updated(self, by: UserId, at: datetime) -> None:
        self.updated_by, self.updated_at = by, at
