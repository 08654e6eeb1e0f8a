"""Request and response shapes every sales resource shares: staff, 非公開 allow-list, relations,
pagination. Handlers convert them to domain values with the functions below."""

from __future__ import annotations

from typing import cast
from uuid import UUID

import msgspec

from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.records import Relation, StaffMember
from dps.domain.shared.ids import OrganizationId, PublicGroupId, UserId
from dps.domain.visibility.records import Restriction


class StaffIn(msgspec.Struct):
    user_id: UUID
    is_main: bool = False


class StaffOut(msgspec.Struct):
    user_id: UUID
    is_main: bool


class RestrictionIn(msgspec.Struct):
    """非公開 allow-list (公開先): users, organisations (with their sub-organisations), public groups
    (with their child groups). Owner, creator and staff always see the record."""

    users: list[UUID] = msgspec.field(default_factory=list)
    organizations: list[UUID] = msgspec.field(default_factory=list)
    groups: list[UUID] = msgspec.field(default_factory=list)


class RestrictionOut(msgspec.Struct):
    users: list[UUID]
    organizations: list[UUID]
    groups: list[UUID]


class RelationIn(msgspec.Struct):
    person_id: UUID
    role_code: str | None = None


class RelationOut(msgspec.Struct):
    person_id: UUID
    role_code: str | None


class PageMeta(msgspec.Struct):
    next_cursor: str | None
    limit: int


def staff_of(items: list[StaffIn]) -> tuple[StaffMember, ...]:
    return tuple(StaffMember(user_id=cast(UserId, s.user_id), is_main=s.is_main) for s in items)


def staff_out(staff: tuple[StaffMember, ...]) -> list[StaffOut]:
    return [StaffOut(user_id=s.user_id, is_main=s.is_main) for s in staff]


def restriction_of(value: RestrictionIn | None) -> Restriction | None:
    if value is None:
        return None
    return Restriction(
        users=frozenset(cast(UserId, u) for u in value.users),
        organizations=frozenset(cast(OrganizationId, o) for o in value.organizations),
        groups=frozenset(cast(PublicGroupId, g) for g in value.groups),
    )


def restriction_out(value: Restriction | None) -> RestrictionOut | None:
    if value is None:
        return None
    return RestrictionOut(users=sorted(value.users), organizations=sorted(value.organizations),
                          groups=sorted(value.groups))


def relations_of(items: list[RelationIn]) -> tuple[Relation, ...]:
    return tuple(Relation(person_id=r.person_id, role_code=r.role_code) for r in items)


def relations_out(items: tuple[Relation, ...]) -> list[RelationOut]:
    return [RelationOut(person_id=r.person_id, role_code=r.role_code) for r in items]


def page_request(limit: int, cursor: str | None, sort: str | None) -> PageRequest:
    """Query parameters `limit` (1-200), `cursor` (the previous page's next_cursor), `sort`."""
    return PageRequest(limit=limit, cursor=cursor, sort=sort)


def page_meta(page: Page[object], request: PageRequest) -> PageMeta:
    return PageMeta(next_cursor=page.next_cursor, limit=request.limit)
