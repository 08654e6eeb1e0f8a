"""The guard against leaks: the SQL compilation of the visibility rules returns exactly the rows the
in-memory policy allows, for random org trees, groups, memberships and records, on both engines."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dps.adapters.db.tables.directory import org_closure, users
from dps.adapters.db.tables.records import record_acl, record_staff
from dps.adapters.db.visibility import mine, visible_to
from dps.domain.shared.principal import License, Principal, Role
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.policy import Viewer, can_view, is_mine
from dps.domain.visibility.records import RecordAccess, Restriction
from tests.strategies import forests, naive_closure

RECORD_TYPE = "probe"
probe_metadata = sa.MetaData()
probe = sa.Table(
    "visibility_probe",
    probe_metadata,
    sa.Column("tenant_id", sa.Uuid, primary_key=True),
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("owner_id", sa.Uuid, nullable=True),
    sa.Column("owner_organization_id", sa.Uuid, nullable=True),
    sa.Column("created_by", sa.Uuid, nullable=True),
    sa.Column("is_restricted", sa.Boolean, nullable=False),
)


def uid(n: int) -> UUID:
    return UUID(int=10_000 + n)


def oid(n: int) -> UUID:
    return UUID(int=20_000 + n)


def gid(n: int) -> UUID:
    return UUID(int=30_000 + n)


def rid(n: int) -> UUID:
    return UUID(int=40_000 + n)


@pytest.fixture
def probe_table(engine: sa.Engine) -> Iterator[sa.Table]:
    probe_metadata.create_all(engine)
    yield probe
    probe_metadata.drop_all(engine)


USERS = 4


@st.composite
def worlds(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    org_parents = draw(forests(max_nodes=7))
    group_parents = draw(forests(max_nodes=4))
    orgs, groups, people = sorted(org_parents), sorted(group_parents), st.integers(0, USERS - 1)
    org_ids = st.sampled_from(orgs) if orgs else st.nothing()
    records = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "owner": st.one_of(st.none(), people),
                    "owner_org": st.one_of(st.none(), org_ids) if orgs else st.none(),
                    "creator": st.one_of(st.none(), people),
                    "staff": st.frozensets(people, max_size=2),
                    "restricted": st.booleans(),
                    "acl_users": st.frozensets(people, max_size=2),
                    "acl_orgs": st.frozensets(org_ids, max_size=2) if orgs else st.just(frozenset()),
                    "acl_groups": st.frozensets(st.sampled_from(groups), max_size=2)
                    if groups
                    else st.just(frozenset()),
                }
            ),
            max_size=12,
        )
    )
    me = draw(people)
    my_orgs = draw(st.frozensets(org_ids, max_size=2)) if orgs else frozenset()
    my_groups = draw(st.frozensets(st.sampled_from(groups), max_size=2)) if groups else frozenset()
    roles = draw(st.frozensets(st.sampled_from(list(Role)), max_size=1))
    return org_parents, group_parents, records, me, my_orgs, my_groups, roles


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds())
def test_sql_visibility_equals_the_policy(engine: sa.Engine, tenant: Tenant, probe_table: sa.Table, world) -> None:  # type: ignore[no-untyped-def]
    org_parents, group_parents, records, me, my_orgs, my_groups, roles = world
    t = tenant.id
    org_rows = naive_closure(org_parents)
    group_rows = naive_closure(group_parents)
    viewer = Viewer(
        principal=Principal(
            tenant_id=t,
            user_id=uid(me),
            login_id="me",
            name="me",
            license=License.FULL,  # type: ignore[arg-type]
            roles=roles,
            organization_ids=frozenset(oid(o) for o in my_orgs),
        ),  # type: ignore[misc]
        org_ancestors=frozenset(oid(a) for a, d, _ in org_rows if d in my_orgs),
        org_descendants=frozenset(oid(d) for a, d, _ in org_rows if a in my_orgs),
        group_ancestors=frozenset(gid(a) for a, d, _ in group_rows if d in my_groups),
    )
    accesses: dict[UUID, RecordAccess] = {}
    with engine.begin() as conn:
        for table in (probe_table, record_acl, record_staff, org_closure, users):
            conn.execute(table.delete())
        conn.execute(
            users.insert(),
            [
                {
                    "tenant_id": t,
                    "id": uid(u),
                    "login_id": f"u{u}",
                    "name": f"u{u}",
                    "license": "full",
                    "locale": "ja",
                    "time_zone": "Asia/Tokyo",
                    "is_active": True,
                }
                for u in range(USERS)
            ],
        )
        if org_rows:
            conn.execute(
                org_closure.insert(),
                [
                    {"tenant_id": t, "ancestor_id": oid(a), "descendant_id": oid(d), "depth": depth}
                    for a, d, depth in org_rows
                ],
            )
        for n, r in enumerate(records):
            restriction = (
                Restriction(
                    users=frozenset(uid(u) for u in r["acl_users"]),
                    organizations=frozenset(oid(o) for o in r["acl_orgs"]),
                    groups=frozenset(gid(g) for g in r["acl_groups"]),
                )
                if r["restricted"]
                else None
            )
            access = RecordAccess(
                owner_id=None if r["owner"] is None else uid(r["owner"]),
                owner_organization_id=None if r["owner_org"] is None else oid(r["owner_org"]),
                created_by=None if r["creator"] is None else uid(r["creator"]),
                staff_ids=frozenset(uid(u) for u in r["staff"]),
                restriction=restriction,
            )
            accesses[rid(n)] = access
            conn.execute(
                probe_table.insert().values(
                    tenant_id=t,
                    id=rid(n),
                    owner_id=access.owner_id,
                    owner_organization_id=access.owner_organization_id,
                    created_by=access.created_by,
                    is_restricted=restriction is not None,
                )
            )
            for u in access.staff_ids:
                conn.execute(
                    record_staff.insert().values(tenant_id=t, record_type=RECORD_TYPE, record_id=rid(n), user_id=u)
                )
            if restriction is not None:
                acl = (
                    [("user", s) for s in restriction.users]
                    + [("org", s) for s in restriction.organizations]
                    + [("group", s) for s in restriction.groups]
                )
                for kind, subject in acl:
                    conn.execute(
                        record_acl.insert().values(
                            tenant_id=t,
                            record_type=RECORD_TYPE,
                            record_id=rid(n),
                            subject_type=kind,
                            subject_id=subject,
                        )
                    )

    def ids(where: sa.ColumnElement[bool]) -> set[UUID]:
        with engine.connect() as conn:
            q = sa.select(probe_table.c.id).where(probe_table.c.tenant_id == t, where)
            return {row.id for row in conn.execute(q)}

    visible = {i for i, a in accesses.items() if can_view(viewer, a)}
    assert ids(visible_to(probe_table, RECORD_TYPE, viewer)) == visible
    mine_and_visible = {i for i in visible if is_mine(viewer, accesses[i])}
    assert ids(sa.and_(visible_to(probe_table, RECORD_TYPE, viewer), mine(probe_table, RECORD_TYPE, viewer))) == (
        mine_and_visible
    )
