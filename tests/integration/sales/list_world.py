"""Random worlds for the list-visibility property test (no tests here): an organisation tree, public
groups, users with current and ended affiliations and memberships, and accounts, opportunities and
activities with owners, owner organisations, creators, staff and 非公開 allow-lists - written with
plain inserts into the real tables, and the access chain each record must have (R6 included).

The three record kinds share one id space on purpose (account n, opportunity n and activity n have
the same UUID), so a visibility subquery that forgets its `record_type` mixes them up and fails."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, cast
from uuid import UUID

import sqlalchemy as sa
from attrs import frozen
from hypothesis import strategies as st

from dps.adapters.db.tables.directory import (
    affiliations,
    companies,
    group_memberships,
    org_closure,
    organization_versions,
    organizations,
    public_groups,
    users,
)
from dps.adapters.db.tables.records import record_acl, record_staff
from dps.adapters.db.tables.sales_accounts import accounts
from dps.adapters.db.tables.sales_activities import activities
from dps.adapters.db.tables.sales_opportunities import opportunities
from dps.domain.sales.records import RecordType
from dps.domain.shared.ids import OrganizationId, PublicGroupId, TenantId, UserId
from dps.domain.shared.principal import License, Role
from dps.domain.visibility.records import RecordAccess, Restriction
from tests.strategies import forests, naive_closure

USERS = 5
READER = 0
"""The user who also opens every record; drawn to belong somewhere more often than the others."""
MAX_ACCOUNTS, MAX_OPPORTUNITIES, MAX_ACTIVITIES = 4, 6, 8
MAX_RECORDS = max(MAX_ACCOUNTS, MAX_OPPORTUNITIES, MAX_ACTIVITIES)
FAR_PAST = date(2000, 4, 1)
ENDED_ON = date(2020, 3, 31)
"""Affiliations and memberships that ended here are history: they must grant nothing today."""

KINDS = (RecordType.ACCOUNT, RecordType.OPPORTUNITY, RecordType.ACTIVITY)
SORTS: dict[RecordType, tuple[str, ...]] = {
    RecordType.ACCOUNT: ("name", "-name", "kana", "-kana", "updated_at", "-created_at"),
    RecordType.OPPORTUNITY: ("expected_order_date", "-expected_order_date", "-expected_amount", "expected_amount",
                             "name", "-updated_at"),
    RecordType.ACTIVITY: ("activity_date", "-activity_date", "updated_at", "-updated_at"),
}
"""Sort keys each list accepts; values are drawn from tiny sets (ties, NULLs) so paging is exercised."""


def user_id(n: int) -> UserId:
    return UserId(UUID(int=0x1000 + n))


def org_id(n: int) -> OrganizationId:
    return OrganizationId(UUID(int=0x2000 + n))


def group_id(n: int) -> PublicGroupId:
    return PublicGroupId(UUID(int=0x3000 + n))


def record_id(n: int) -> UUID:
    return UUID(int=0x4000 + n)


COMPANY_ID = UUID(int=0x5000)


@frozen
class Access:
    """Who is in charge of a record and its 非公開 allow-list, by user/org/group number."""

    owner: int | None
    owner_org: int | None
    creator: int | None
    staff: frozenset[int]
    restricted: bool
    acl_users: frozenset[int]
    acl_orgs: frozenset[int]
    acl_groups: frozenset[int]

    def record_access(self) -> RecordAccess:
        restriction = Restriction(
            users=frozenset(user_id(u) for u in self.acl_users),
            organizations=frozenset(org_id(o) for o in self.acl_orgs),
            groups=frozenset(group_id(g) for g in self.acl_groups),
        ) if self.restricted else None
        return RecordAccess(
            owner_id=None if self.owner is None else user_id(self.owner),
            owner_organization_id=None if self.owner_org is None else org_id(self.owner_org),
            created_by=None if self.creator is None else user_id(self.creator),
            staff_ids=frozenset(user_id(u) for u in self.staff), restriction=restriction,
        )


@frozen
class UserSpec:
    """A user's licence, roles, and (org, still current?) / (group, still current?) pairs."""

    license: License
    roles: frozenset[Role]
    orgs: frozenset[tuple[int, bool]]
    groups: frozenset[tuple[int, bool]]

    def current_orgs(self) -> set[int]:
        return {o for o, current in self.orgs if current}

    def current_groups(self) -> set[int]:
        return {g for g, current in self.groups if current}


@frozen
class AccountSpec:
    access: Access
    name: str
    kana: str
    stamp: int


@frozen
class OpportunitySpec:
    access: Access
    account: int
    name: str
    expected_order_date: date | None
    expected_amount: Decimal | None
    stamp: int


@frozen
class ActivitySpec:
    access: Access
    opportunity: int | None
    account: int | None
    activity_date: date
    stamp: int


@frozen
class World:
    """Trees as {node: parent}; records numbered by position (ids from `record_id`); how to page the lists."""

    org_parents: dict[int, int | None]
    group_parents: dict[int, int | None]
    users: tuple[UserSpec, ...]
    accounts: tuple[AccountSpec, ...]
    opportunities: tuple[OpportunitySpec, ...]
    activities: tuple[ActivitySpec, ...]
    limit: int
    sorts: Mapping[RecordType, str]

    def ids(self, kind: RecordType) -> list[UUID]:
        count = {RecordType.ACCOUNT: len(self.accounts), RecordType.OPPORTUNITY: len(self.opportunities),
                 RecordType.ACTIVITY: len(self.activities)}[kind]
        return [record_id(n) for n in range(count)]

    def chain(self, kind: RecordType, n: int) -> tuple[RecordAccess, ...]:
        """The access chain the reader must return: the record's own access, then (R6) its opportunity's."""
        if kind is RecordType.ACCOUNT:
            return (self.accounts[n].access.record_access(),)
        if kind is RecordType.OPPORTUNITY:
            return (self.opportunities[n].access.record_access(),)
        activity = self.activities[n]
        own = activity.access.record_access()
        if activity.opportunity is None:
            return (own,)
        return (own, self.opportunities[activity.opportunity].access.record_access())


def _subset(items: list[int], max_size: int = 2) -> st.SearchStrategy[frozenset[int]]:
    return st.frozensets(st.sampled_from(items), max_size=max_size) if items else st.just(frozenset())


def _maybe(items: list[int]) -> st.SearchStrategy[int | None]:
    return st.none() | st.sampled_from(items) if items else st.none()


@st.composite
def worlds(draw: st.DrawFn) -> World:
    org_parents = draw(forests(max_nodes=6))
    group_parents = draw(forests(max_nodes=4))
    orgs, groups, people = sorted(org_parents), sorted(group_parents), list(range(USERS))

    def dated(nodes: list[int], min_size: int = 0) -> st.SearchStrategy[frozenset[tuple[int, bool]]]:
        """Up to two of the nodes, each with whether the link is still current."""
        if not nodes:
            return st.just(frozenset())
        pairs = st.dictionaries(st.sampled_from(nodes), st.booleans(), min_size=min_size, max_size=2)
        return pairs.map(lambda d: frozenset(d.items()))

    # User 0 (the reader) belongs somewhere more often and sees everything less often than the others,
    # so the allow-list branches decide more of the single-record reads.
    reader = st.builds(
        UserSpec, license=st.sampled_from(list(License)),
        roles=st.sampled_from([frozenset(), frozenset(), frozenset({Role.TENANT_ADMIN}), frozenset({Role.SEE_ALL})]),
        orgs=dated(orgs, min_size=1), groups=dated(groups, min_size=1),
    )
    others = st.builds(
        UserSpec, license=st.sampled_from(list(License)),
        roles=st.frozensets(st.sampled_from(list(Role)), max_size=1), orgs=dated(orgs), groups=dated(groups),
    )
    user_specs = [draw(reader), *(draw(others) for _ in range(USERS - 1))]
    access = st.builds(
        Access, owner=_maybe(people), owner_org=_maybe(orgs), creator=_maybe(people), staff=_subset(people),
        restricted=st.sampled_from([True, True, False]), acl_users=_subset(people), acl_orgs=_subset(orgs),
        acl_groups=_subset(groups),
    )
    stamp = st.integers(0, 2)
    account_specs = draw(st.lists(st.builds(
        AccountSpec, access=access, name=st.sampled_from(["A社", "B社", "あおば"]),
        kana=st.sampled_from(["", "ア", "イ"]), stamp=stamp,
    ), min_size=1, max_size=MAX_ACCOUNTS))
    account_numbers = list(range(len(account_specs)))
    opportunity_specs = draw(st.lists(st.builds(
        OpportunitySpec, access=access, account=st.sampled_from(account_numbers),
        name=st.sampled_from(["更新案件", "新規案件"]),
        expected_order_date=st.none() | st.sampled_from([date(2026, 4, 1), date(2026, 5, 1)]),
        expected_amount=st.none() | st.sampled_from([Decimal("100.00"), Decimal("2500.00")]), stamp=stamp,
    ), max_size=MAX_OPPORTUNITIES))
    opportunity_numbers = list(range(len(opportunity_specs)))
    activity_specs = draw(st.lists(st.builds(
        ActivitySpec, access=access, opportunity=_maybe(opportunity_numbers), account=_maybe(account_numbers),
        activity_date=st.sampled_from([date(2026, 1, 5), date(2026, 1, 6)]), stamp=stamp,
    ), max_size=MAX_ACTIVITIES))
    return World(
        org_parents=org_parents, group_parents=group_parents, users=tuple(user_specs),
        accounts=tuple(account_specs), opportunities=tuple(opportunity_specs), activities=tuple(activity_specs),
        limit=draw(st.integers(1, 3)),
        sorts={kind: draw(st.sampled_from(SORTS[kind])) for kind in KINDS},
    )


_CLEARED = (activities, opportunities, accounts, record_staff, record_acl, group_memberships, affiliations,
            public_groups, org_closure, organization_versions, organizations, companies, users)
"""Every table a world writes, children first (foreign keys)."""


def clear_world(conn: sa.Connection, tenant_id: TenantId) -> None:
    """Remove the previous example's world from the tenant (examples share one database)."""
    for table in _CLEARED:
        conn.execute(table.delete().where(table.c.tenant_id == tenant_id))


def _at(stamp: int) -> datetime:
    return datetime(2026, 1, 5, 9, stamp, tzinfo=UTC)


def _insert(conn: sa.Connection, table: sa.Table, rows: Iterable[dict[str, Any]]) -> None:
    rows = list(rows)
    if rows:
        conn.execute(table.insert(), rows)


def _record_row(tenant_id: TenantId, n: int, access: Access, stamp: int) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id, "id": record_id(n), "owner_id": None if access.owner is None else user_id(access.owner),
        "owner_organization_id": None if access.owner_org is None else org_id(access.owner_org),
        "created_by": None if access.creator is None else user_id(access.creator),
        "created_at": _at(2 - stamp), "updated_at": _at(stamp), "is_restricted": access.restricted,
    }


def _user_rows(tenant_id: TenantId, specs: Iterable[UserSpec]) -> list[dict[str, Any]]:
    return [
        {"tenant_id": tenant_id, "id": user_id(n), "login_id": f"u{n}", "name": f"利用者{n}",
         "license": spec.license.value, "locale": "ja", "time_zone": "Asia/Tokyo", "is_active": True,
         "roles": ",".join(sorted(r.value for r in spec.roles))}
        for n, spec in enumerate(specs)
    ]


def write_world(conn: sa.Connection, tenant_id: TenantId, world: World) -> None:
    """The directory (company, organisations with one version each, the closure as the refresh would
    write it, groups, users, affiliations, memberships) and the three record tables with their staff
    and allow-list rows."""
    t = tenant_id
    _insert(conn, users, _user_rows(t, world.users))
    if world.org_parents:
        _insert(conn, companies, [{"tenant_id": t, "id": COMPANY_ID, "code": "C1", "name": "自社",
                                   "valid_from": FAR_PAST}])
    _insert(conn, organizations, (
        {"tenant_id": t, "id": org_id(o), "company_id": COMPANY_ID, "code": f"O{o}"} for o in world.org_parents))
    _insert(conn, organization_versions, (
        {"tenant_id": t, "organization_id": org_id(o), "valid_from": FAR_PAST, "name": f"組織{o}",
         "parent_id": None if p is None else org_id(p)}
        for o, p in world.org_parents.items()))
    _insert(conn, org_closure, (
        {"tenant_id": t, "ancestor_id": org_id(a), "descendant_id": org_id(d), "depth": depth}
        for a, d, depth in naive_closure(world.org_parents)))
    _insert(conn, public_groups, (
        {"tenant_id": t, "id": group_id(g), "code": f"G{g}", "name": f"グループ{g}", "valid_from": FAR_PAST,
         "parent_id": None if p is None else group_id(p)}
        for g, p in world.group_parents.items()))
    _insert(conn, affiliations, (
        {"tenant_id": t, "id": UUID(int=0x6000 + 16 * n + o), "user_id": user_id(n), "organization_id": org_id(o),
         "is_primary": False, "valid_from": FAR_PAST, "valid_to": None if current else ENDED_ON}
        for n, spec in enumerate(world.users) for o, current in spec.orgs))
    _insert(conn, group_memberships, (
        {"tenant_id": t, "id": UUID(int=0x7000 + 16 * n + g), "group_id": group_id(g), "user_id": user_id(n),
         "valid_from": FAR_PAST, "valid_to": None if current else ENDED_ON}
        for n, spec in enumerate(world.users) for g, current in spec.groups))

    _insert(conn, accounts, (
        _record_row(t, n, a.access, a.stamp) | {"name": a.name, "kana": a.kana}
        for n, a in enumerate(world.accounts)))
    _insert(conn, opportunities, (
        _record_row(t, n, o.access, o.stamp) | {
            "name": o.name, "account_id": record_id(o.account), "stage_code": "01",
            "expected_order_date": o.expected_order_date, "expected_amount": o.expected_amount}
        for n, o in enumerate(world.opportunities)))
    _insert(conn, activities, (
        _record_row(t, n, a.access, a.stamp) | {
            "status": "done", "kind_code": "visit", "subject": f"訪問{n}", "activity_date": a.activity_date,
            "opportunity_id": None if a.opportunity is None else record_id(a.opportunity),
            "account_id": None if a.account is None else record_id(a.account)}
        for n, a in enumerate(world.activities)))

    specs: list[tuple[RecordType, int, Access]] = [
        *((RecordType.ACCOUNT, n, a.access) for n, a in enumerate(world.accounts)),
        *((RecordType.OPPORTUNITY, n, o.access) for n, o in enumerate(world.opportunities)),
        *((RecordType.ACTIVITY, n, a.access) for n, a in enumerate(world.activities)),
    ]
    _insert(conn, record_staff, (
        {"tenant_id": t, "record_type": kind.value, "record_id": record_id(n), "user_id": user_id(u),
         "is_main": False}
        for kind, n, access in specs for u in access.staff))
    _insert(conn, record_acl, (
        {"tenant_id": t, "record_type": kind.value, "record_id": record_id(n), "subject_type": subject_type,
         "subject_id": subject}
        for kind, n, access in specs if access.restricted
        for subject_type, subject in _acl(access)))


def _acl(access: Access) -> list[tuple[str, UUID]]:
    return [
        *(("user", cast(UUID, user_id(u))) for u in access.acl_users),
        *(("org", cast(UUID, org_id(o))) for o in access.acl_orgs),
        *(("group", cast(UUID, group_id(g))) for g in access.acl_groups),
    ]


def write_decoy(conn: sa.Connection, tenant_id: TenantId) -> None:
    """Another tenant holding the same ids: users, unrestricted records owned by every user in turn,
    and staff and allow-list rows naming every user, organisation and group on every record id. A
    query or subquery that forgets its tenant lets these show through."""
    t = tenant_id
    decoy_users = [UserSpec(License.FULL, frozenset(), frozenset(), frozenset()) for _ in range(USERS)]
    _insert(conn, users, _user_rows(t, decoy_users))
    for n in range(MAX_RECORDS):
        access = Access(n % USERS, None, n % USERS, frozenset(), False, frozenset(), frozenset(), frozenset())
        _insert(conn, accounts, [_record_row(t, n, access, 0) | {"name": f"他社{n}"}])
        _insert(conn, opportunities, [_record_row(t, n, access, 0) | {
            "name": f"他社案件{n}", "account_id": record_id(n), "stage_code": "01"}])
        _insert(conn, activities, [_record_row(t, n, access, 0) | {
            "status": "done", "kind_code": "visit", "subject": "他社", "activity_date": date(2026, 1, 5)}])
    everyone = [("user", user_id(u)) for u in range(USERS)] + [("org", org_id(o)) for o in range(6)] + [
        ("group", group_id(g)) for g in range(4)]
    for kind in KINDS:
        _insert(conn, record_staff, (
            {"tenant_id": t, "record_type": kind.value, "record_id": record_id(n), "user_id": user_id(u)}
            for n in range(MAX_RECORDS) for u in range(USERS)))
        _insert(conn, record_acl, (
            {"tenant_id": t, "record_type": kind.value, "record_id": record_id(n), "subject_type": s, "subject_id": i}
            for n in range(MAX_RECORDS) for s, i in everyone))
