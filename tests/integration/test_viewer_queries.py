"""The Viewer built in four queries (one closure query, positions in one go, only the needed groups
through a recursive query) equals the Viewer of the straightforward algorithm on random directories,
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dps.adapters.db.unit_of_work import SqlTenancyUnitOfWork, SqlUnitOfWork
from dps.application.directory.memo import DirectoryMemo
from dps.application.directory.ports import DirectoryUnitOfWork
from dps.application.visibility.viewers import build_viewer, viewer_for
from dps.domain.directory.affiliations import Affiliation, current_affiliations
from dps.domain.directory.closure import build_closure
from dps.domain.directory.companies import Company
from dps.domain.directory.groups import PublicGroup
from dps.domain.directory.organizations import Organization, OrgVersion
from dps.domain.directory.positions import Position
from dps.domain.directory.users import User
from dps.domain.shared.ids import (
    AffiliationId,
    CompanyId,
    OrganizationId,
    PositionId,
    PublicGroupId,
    TenantId,
    UserId,
)
from dps.domain.shared.periods import Period
from dps.domain.shared.principal import License, Principal
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.policy import Viewer

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
FAR_PAST = date(2000, 1, 1)


def reference_viewer(uow: DirectoryUnitOfWork, principal: Principal, today: date) -> Viewer:
    """The obvious algorithm: one query per position, all groups, three closure queries."""
    my_orgs = principal.organization_ids
    managed: set[OrganizationId] = set()
    for a in current_affiliations(uow.affiliations.for_user(principal.user_id), today):
        position = uow.positions.get(a.position_id) if a.position_id is not None else None
        if position is not None and position.is_manager:
            managed.add(a.organization_id)
    groups = {g.id: g.parent_id for g in uow.public_groups.list() if g.period.contains(today)}
    group_ancestors = {row.ancestor for row in build_closure(groups) if row.descendant in principal.group_ids}
    return Viewer(
        principal=principal,
        org_ancestors=frozenset(uow.org_closure.ancestors_or_self(my_orgs) | my_orgs),
        org_descendants=frozenset(uow.org_closure.descendants_or_self(my_orgs) | my_orgs),
        managed_org_descendants=frozenset(uow.org_closure.descendants_or_self(managed) | managed),
        group_ancestors=frozenset(group_ancestors | principal.group_ids),
    )


def periods() -> st.SearchStrategy[Period]:
    """Periods around TODAY: started or not yet, ended or not yet, open-ended."""
    return st.tuples(st.integers(-3, 2), st.one_of(st.none(), st.integers(1, 4))).map(
        lambda p: Period(TODAY + timedelta(days=p[0]), None if p[1] is None else TODAY + timedelta(days=p[0] + p[1]))
    )


@st.composite
def directories(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    n_orgs = draw(st.integers(1, 8))
    org_parents = [None] + [draw(st.one_of(st.none(), st.integers(0, i - 1))) for i in range(1, n_orgs)]
    managers = draw(st.lists(st.booleans(), min_size=0, max_size=3))
    affiliations = draw(st.lists(
        st.tuples(st.integers(0, n_orgs - 1), st.one_of(st.none(), st.integers(0, max(len(managers) - 1, 0))),
                  periods()),
        max_size=4, unique_by=lambda a: a[0],
    ))
    n_groups = draw(st.integers(0, 6))
    groups = [(draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None, draw(periods()))
              for i in range(n_groups)]
    my_orgs = draw(st.frozensets(st.integers(0, n_orgs - 1), max_size=3))
    my_groups = draw(st.frozensets(st.integers(0, n_groups), max_size=3)) if n_groups else frozenset()
    return org_parents, managers, affiliations, groups, my_orgs, my_groups


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=directories())
def test_the_few_query_viewer_equals_the_reference(engine: sa.Engine, world) -> None:  # type: ignore[no-untyped-def]
    org_parents, managers, affiliations, groups, my_orgs, my_groups = world
    tenant_id = TenantId(uuid4())
    with SqlTenancyUnitOfWork(engine) as tuow:
        tuow.tenants.add(Tenant(id=tenant_id, code=f"t{tenant_id.hex[:12]}", name="T", created_at=NOW))
        tuow.commit()
    company = Company(id=CompanyId(uuid4()), code="C", name="C", valid_from=FAR_PAST)
    orgs = [OrganizationId(uuid4()) for _ in org_parents]
    posts = [PositionId(uuid4()) for _ in managers]
    group_ids = [PublicGroupId(uuid4()) for _ in groups]
    user = User(id=UserId(uuid4()), login_id="me", name="me", license=License.FULL)
    with SqlUnitOfWork(engine, tenant_id) as uow:
        uow.companies.add(company)
        for i, parent in enumerate(org_parents):
            uow.organizations.add(Organization(id=orgs[i], company_id=company.id, code=f"O{i}", versions=[
                OrgVersion(Period(FAR_PAST, None), f"o{i}", None if parent is None else orgs[parent])]))
        for i, is_manager in enumerate(managers):
            uow.positions.add(Position(id=posts[i], company_id=company.id, code=f"P{i}", name="p",
                                       is_manager=is_manager))
        uow.users.add(user)
        for org, post, period in affiliations:
            uow.affiliations.add(Affiliation(
                id=AffiliationId(uuid4()), user_id=user.id, organization_id=orgs[org], period=period,
                is_primary=False, position_id=posts[post] if post is not None and posts else None,
            ))
        for i, (parent, period) in enumerate(groups):
            uow.public_groups.add(PublicGroup(id=group_ids[i], code=f"G{i}", name="g", period=period,
                                              parent_id=None if parent is None else group_ids[parent]))
        parent_of = {orgs[i]: None if p is None else orgs[p] for i, p in enumerate(org_parents)}
        uow.org_closure.replace(build_closure(parent_of), as_of=TODAY, refreshed_at=NOW)
        uow.commit()
    unknown_group = PublicGroupId(UUID(int=7))
    principal = Principal(
        tenant_id=tenant_id, user_id=user.id, login_id="me", name="me", license=License.FULL,
        organization_ids=frozenset(orgs[i] for i in my_orgs),
        group_ids=frozenset(group_ids[i] if i < len(group_ids) else unknown_group for i in my_groups),
    )
    memo = DirectoryMemo()
    with SqlUnitOfWork(engine, tenant_id, memo) as uow:
        expected = reference_viewer(uow, principal, TODAY)
        assert build_viewer(uow, principal, TODAY) == expected
        assert viewer_for(uow, principal, TODAY) == expected
        assert viewer_for(uow, principal, TODAY) is viewer_for(uow, principal, TODAY)  # memoised
