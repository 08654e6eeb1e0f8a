"""Principals and viewers are memoised per process, yet a directory change committed by *another*
process shows on the very next request. Two containers on one database play the two processes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from uuid import UUID

import pytest
import sqlalchemy as sa
from attrs import evolve, frozen
from dependency_injector import providers

from dps.application.auth.principals import active_principal, system_principal
from dps.application.directory.affiliations import AssignAffiliationCommand
from dps.application.directory.companies import CreateCompanyCommand
from dps.application.directory.groups import AddGroupMemberCommand, CreatePublicGroupCommand
from dps.application.directory.memo import DEFAULT_MAX_ENTRIES
from dps.application.directory.organizations import CreateOrganizationCommand, MoveOrganizationCommand
from dps.application.directory.positions import CreatePositionCommand
from dps.application.directory.users import AddUserCommand
from dps.application.sales.access import viewer_in
from dps.application.shared.cache import LruCache
from dps.application.shared.errors import Unauthenticated
from dps.application.tenancy.tenants import CreateTenantCommand
from dps.bootstrap.container import Container
from dps.domain.directory.affiliations import Affiliation
from dps.domain.shared.ids import (
    AffiliationId,
    ApiTokenId,
    GroupMembershipId,
    OrganizationId,
    PositionId,
    PublicGroupId,
    UserId,
)
from dps.domain.shared.periods import Period
from dps.domain.shared.principal import License, Principal
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.policy import Viewer
from tests.fakes.clock import FakeClock
from tests.integration.conftest import FAR_PAST, make_container

PASSWORD = "Sales-2026-pass"


@frozen
class World:
    a: Container
    """The process that serves the requests under test."""
    b: Container
    """Another process that changes the directory."""
    clock: FakeClock
    tenant: Tenant
    admin: Principal
    hq: OrganizationId
    sales: OrganizationId
    team: OrganizationId
    other: OrganizationId
    post: PositionId
    user: UserId
    key: PublicGroupId
    east: PublicGroupId
    membership: GroupMembershipId
    bearer: str
    session: str

    def resolve(self) -> Principal:
        return self.a.resolve_api_token()(self.bearer)

    def viewer(self, principal: Principal) -> Viewer:
        with self.a.uow()(self.tenant.id) as uow:
            return viewer_in(uow, principal, self.clock)


@pytest.fixture
def world(tmp_path: Path, engine: sa.Engine) -> Iterator[World]:
    clock = FakeClock()
    a, b = make_container(tmp_path / "a", engine), make_container(tmp_path / "b", engine)
    for c in (a, b):
        c.clock.override(providers.Object(clock))
    tenant = b.create_tenant()(CreateTenantCommand(code="acme", name="ACME株式会社", full_licenses=5))
    admin = system_principal(tenant.id, actor="test-admin")
    company = b.create_company()(admin, CreateCompanyCommand("C1", "ACME", FAR_PAST))
    org = b.create_organization()
    hq = org(admin, CreateOrganizationCommand(company.id, "HQ", "本社", FAR_PAST))
    sales = org(admin, CreateOrganizationCommand(company.id, "S", "営業本部", FAR_PAST, hq.id))
    team = org(admin, CreateOrganizationCommand(company.id, "T", "第1課", FAR_PAST, sales.id))
    other = org(admin, CreateOrganizationCommand(company.id, "O", "管理本部", FAR_PAST, hq.id))
    post = b.create_position()(admin, CreatePositionCommand(company.id, "MGR", "部長", 80, True))
    user = b.add_user()(admin, AddUserCommand(login_id="tanaka", name="田中", license=License.FULL,
                                              password=PASSWORD))
    b.assign_affiliation()(admin, AssignAffiliationCommand(user.id, team.id, FAR_PAST))
    key = b.create_public_group()(admin, CreatePublicGroupCommand("KEY", "重点顧客", FAR_PAST))
    east = b.create_public_group()(admin, CreatePublicGroupCommand("KEY-E", "東", FAR_PAST, parent_id=key.id))
    membership = b.add_group_member()(admin, AddGroupMemberCommand(east.id, user.id, FAR_PAST))
    b.refresh_org_closure()(admin)
    bearer = b.issue_api_token_for_user()(admin, "tanaka", "cli").bearer
    session = a.log_in()("acme", "tanaka", PASSWORD).session_secret
    yield World(
        a=a, b=b, clock=clock, tenant=tenant, admin=admin, hq=hq.id, sales=sales.id, team=team.id, other=other.id,
        post=post.id, user=user.id, key=key.id, east=east.id, membership=membership.id, bearer=bearer,
        session=session,
    )
    for c in (a, b):
        c.clock.reset_override()
        c.engine.reset_override()


def test_principal_and_viewer_are_reused_while_nothing_changes(world: World) -> None:
    first = world.resolve()
    viewer = world.viewer(first)
    principals = world.a.directory_memo().principals
    assert isinstance(principals, LruCache)
    hits = principals.hits
    assert world.resolve() is first
    assert world.a.resolve_session()(world.tenant.id, world.session) is first
    assert principals.hits == hits + 2
    assert world.viewer(first) is viewer
    assert first.organization_ids == {world.team}
    assert viewer.org_ancestors == {world.team, world.sales, world.hq}
    assert viewer.group_ancestors == {world.east, world.key}


def test_a_new_affiliation_made_elsewhere_shows_on_the_next_request(world: World) -> None:
    before = world.resolve()
    world.viewer(before)
    world.b.assign_affiliation()(world.admin, AssignAffiliationCommand(
        world.user, world.other, FAR_PAST, is_primary=False, position_id=world.post))
    after = world.resolve()
    assert after.organization_ids == {world.team, world.other}
    viewer = world.viewer(after)
    assert world.other in viewer.managed_org_descendants
    assert world.other in viewer.org_descendants


def test_a_removed_group_membership_shows_on_the_next_request(world: World) -> None:
    before = world.resolve()
    assert world.viewer(before).group_ancestors == {world.east, world.key}
    world.b.remove_group_member()(world.admin, world.membership)
    after = world.a.resolve_session()(world.tenant.id, world.session)
    assert after.group_ids == frozenset()
    assert world.viewer(after).group_ancestors == frozenset()


def test_a_closure_refresh_shows_on_the_next_request(world: World) -> None:
    principal = world.resolve()
    assert world.other not in world.viewer(principal).org_ancestors
    world.b.move_organization()(world.admin, MoveOrganizationCommand(
        world.sales, world.other, FAR_PAST + timedelta(days=1), 1))
    # The tree moved, but the 集計組織 roll-up follows only when refreshed (and then at once).
    world.b.refresh_org_closure()(world.admin)
    assert world.other in world.viewer(world.resolve()).org_ancestors


def test_a_deactivated_user_is_refused_on_the_next_request(world: World) -> None:
    world.resolve()
    world.a.resolve_session()(world.tenant.id, world.session)
    world.b.deactivate_user()(world.admin, "tanaka")
    with pytest.raises(Unauthenticated):
        world.resolve()
    with pytest.raises(Unauthenticated):
        world.a.resolve_session()(world.tenant.id, world.session)


def test_a_revoked_token_is_refused_on_the_next_request(world: World) -> None:
    principal = world.resolve()
    token_id = ApiTokenId(UUID(hex=world.bearer.split(".")[2]))
    world.b.revoke_api_token()(principal, token_id)
    with pytest.raises(Unauthenticated):
        world.resolve()


def test_an_entry_serves_only_the_day_it_was_built_for(world: World) -> None:
    """Affiliations have validity periods: tomorrow's starts count tomorrow, with no write in between."""
    tomorrow = world.clock.now().date() + timedelta(days=2)
    world.b.assign_affiliation()(world.admin, AssignAffiliationCommand(
        world.user, world.other, tomorrow, is_primary=False))
    assert world.other not in world.resolve().organization_ids
    world.clock.advance(days=3)
    principal = world.resolve()
    assert world.other in principal.organization_ids
    assert world.other in world.viewer(principal).org_descendants


def test_uncommitted_directory_writes_never_reach_the_memo(world: World) -> None:
    """Inside a transaction that wrote to the directory, principals and viewers are built from its own
    uncommitted rows: they must not be remembered, since the transaction may still roll back."""
    c, tenant = world.a, world.tenant
    with c.uow()(tenant.id) as uow:
        uow.affiliations.add(Affiliation(
            id=AffiliationId(c.ids().new_id()), user_id=world.user, organization_id=world.other,
            period=Period(FAR_PAST, None), is_primary=False,
        ))
        phantom = active_principal(uow, uow.tenant(), world.user, world.clock)
        assert phantom is not None
        assert world.other in phantom.organization_ids
        assert uow.directory_memo() is None
        # rolled back on exit
    assert world.other not in world.resolve().organization_ids


def test_a_principal_built_by_hand_gets_its_own_viewer(world: World) -> None:
    """The viewer memo is keyed by the whole principal: a different principal of the same user (e.g. one
    built by a test or a batch job) never receives another's facts."""
    real = world.resolve()
    world.viewer(real)
    narrowed = evolve(real, organization_ids=frozenset({world.other}))
    assert world.viewer(narrowed).org_ancestors == {world.other, world.hq}


def test_each_process_has_its_own_bounded_memo(world: World) -> None:
    memo_a, memo_b = world.a.directory_memo(), world.b.directory_memo()
    assert memo_a is not memo_b
    for cache in (memo_a.principals, memo_a.viewers):
        assert isinstance(cache, LruCache)
        assert cache.max_size == DEFAULT_MAX_ENTRIES
