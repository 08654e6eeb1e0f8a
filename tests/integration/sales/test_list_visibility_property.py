"""The guard against leaks in the real record lists: for random organisation trees, public groups,
users with current and ended affiliations and memberships, and accounts, opportunities and activities
(非公開 or not, with allow-lists, staff, owners and owner organisations; activities on restricted
opportunities, R6), the account, opportunity and activity searches - paged through with a small
limit, plain and 自担当 - list exactly the records whose access chain the domain policy lets the
viewer see, and the single-record reads are NotFound exactly for the others. On both engines, with
a second tenant holding the same ids and allow-list rows naming everyone."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings

from dps.application.auth.principals import principal_for
from dps.application.sales.accounts.ports import AccountQuery
from dps.application.sales.accounts.queries import GetAccount
from dps.application.sales.activities.ports import ActivitySearch
from dps.application.sales.activities.queries import GetActivity
from dps.application.sales.deps import SalesDeps
from dps.application.sales.opportunities.queries import GetOpportunity
from dps.application.sales.opportunities.read_models import OpportunitySearch
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import NotFound
from dps.application.shared.paging import Page, PageRequest
from dps.application.shared.time import today_in
from dps.application.tenancy.tenants import CreateTenantCommand
from dps.application.visibility.viewers import viewer_for
from dps.bootstrap.container import Container
from dps.domain.sales.records import RecordType
from dps.domain.shared.ids import TenantId
from dps.domain.shared.principal import Principal, Role
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.policy import Viewer, can_view, is_mine
from tests.integration.sales.list_world import (
    KINDS,
    READER,
    USERS,
    World,
    clear_world,
    group_id,
    org_id,
    user_id,
    worlds,
    write_decoy,
    write_world,
)
from tests.strategies import naive_closure


@pytest.fixture
def decoy(engine: sa.Engine, container: Container, tenant: Tenant) -> TenantId:
    other = container.create_tenant()(
        CreateTenantCommand(code="decoy", name="他社", full_licenses=5, light_licenses=3))
    with engine.begin() as conn:
        write_decoy(conn, other.id)
    return other.id


def _search(uow: SalesUnitOfWork, viewer: Viewer, kind: RecordType, mine: bool, page: PageRequest) -> Page[Any]:
    """The repository search with no filter but 自担当 (`mine`)."""
    if kind is RecordType.ACCOUNT:
        return uow.accounts.search(viewer, AccountQuery(mine=mine), page)
    if kind is RecordType.OPPORTUNITY:
        return uow.opportunities.search(viewer, OpportunitySearch(mine=mine), page)
    return uow.activities.search(viewer, ActivitySearch(mine=mine), page)


def _listed(uow: SalesUnitOfWork, viewer: Viewer, kind: RecordType, mine: bool, world: World) -> list[UUID]:
    """Every id of the list, following next_cursor page by page (items: only `.id` is relied on)."""
    ids: list[UUID] = []
    cursor: str | None = None
    for _ in range(len(world.ids(kind)) + 2):
        page = _search(uow, viewer, kind, mine, PageRequest(limit=world.limit, cursor=cursor, sort=world.sorts[kind]))
        assert len(page.items) <= world.limit
        ids += [item.id for item in page.items]
        cursor = page.next_cursor
        if cursor is None:
            return ids
    raise AssertionError(f"paging through the {kind.value} list did not end")


def _read(deps: SalesDeps, kind: RecordType, principal: Principal, key: UUID) -> bool:
    """True when the single-record read use case returns the record, False when it is NotFound."""
    try:
        if kind is RecordType.ACCOUNT:
            found = GetAccount(deps)(principal, key).account.id
        elif kind is RecordType.OPPORTUNITY:
            found = GetOpportunity(deps)(principal, key).opportunity.id
        else:
            found = GetActivity(deps)(principal, key).id
    except NotFound:
        return False
    assert found == key
    return True


def _check_viewer(world: World, n: int, viewer: Viewer) -> None:
    """The production Viewer has the facts the world implies: only current affiliations and
    memberships count, organisations and groups reach through the trees."""
    spec = world.users[n]
    orgs, groups = spec.current_orgs(), spec.current_groups()
    org_rows, group_rows = naive_closure(world.org_parents), naive_closure(world.group_parents)
    assert viewer.principal.organization_ids == {org_id(o) for o in orgs}
    assert viewer.org_ancestors == {org_id(a) for a, d, _ in org_rows if d in orgs}
    assert viewer.org_descendants == {org_id(d) for a, d, _ in org_rows if a in orgs}
    assert viewer.group_ancestors == {group_id(a) for a, d, _ in group_rows if d in groups}
    assert viewer.sees_everything == (Role.SEE_ALL in spec.roles)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds())
def test_lists_and_reads_show_exactly_the_records_the_policy_lets_the_viewer_see(
    engine: sa.Engine, container: Container, tenant: Tenant, decoy: TenantId, world: World,
) -> None:
    """Every user of the world views every list; user 0 also opens every record."""
    t = tenant.id
    with container.uow()(t) as writer:  # its commit bumps the directory version, as any directory write does
        clear_world(writer.conn, t)
        write_world(writer.conn, t, world)
        writer.commit()
    deps: SalesDeps = container.sales_deps()
    today = today_in(deps.clock, tenant.time_zone)
    principals: dict[int, Principal] = {}
    seen_by_reader: dict[RecordType, set[UUID]] = {}
    with deps.uow(t) as uow:
        chains = {kind: {key: uow.records.access_chain(kind, key) for key in world.ids(kind)} for kind in KINDS}
        assert chains == {kind: {key: world.chain(kind, n) for n, key in enumerate(world.ids(kind))} for kind in KINDS}
        for n in range(USERS):
            user = uow.users.get(user_id(n))
            assert user is not None
            principals[n] = principal_for(uow, t, user, today)
            viewer = viewer_for(uow, principals[n], today)
            _check_viewer(world, n, viewer)
            for kind in KINDS:
                visible = {key for key, chain in chains[kind].items()
                           if chain and all(can_view(viewer, link) for link in chain)}
                mine = {key for key in visible if is_mine(viewer, chains[kind][key][0])}  # type: ignore[index]
                for mine_only, expected in ((False, visible), (True, mine)):
                    listed = _listed(uow, viewer, kind, mine_only, world)
                    assert len(listed) == len(set(listed)), f"user {n}: the {kind.value} list repeats a record"
                    assert set(listed) == expected, f"user {n}: {kind.value} list (mine={mine_only})"
                if n == READER:
                    seen_by_reader[kind] = visible
    for kind in KINDS:
        for key in world.ids(kind):
            assert _read(deps, kind, principals[READER], key) == (key in seen_by_reader[kind]), (
                f"user {READER} opens {kind.value} {key}")
