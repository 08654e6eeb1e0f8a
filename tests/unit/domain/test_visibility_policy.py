"""The in-memory visibility policy (R1-R5). The SQL compilation is checked against it separately."""

from __future__ import annotations

from uuid import UUID

import attrs
from hypothesis import given
from hypothesis import strategies as st

from dps.domain.shared.principal import License, Principal, Role
from dps.domain.visibility.policy import UpdateRule, Viewer, can_comment_and_like, can_edit, can_view, is_mine
from dps.domain.visibility.records import RecordAccess, Restriction
from tests.strategies import forests, naive_closure

TENANT = UUID(int=1)


def uid(n: int) -> UUID:
    return UUID(int=1000 + n)


def oid(n: int) -> UUID:
    return UUID(int=2000 + n)


def gid(n: int) -> UUID:
    return UUID(int=3000 + n)


def viewer(
    user: int,
    orgs: set[int],
    org_parents: dict[int, int | None],
    *,
    groups: frozenset[int] = frozenset(),
    managed: set[int] | None = None,
    license: License = License.FULL,
    roles: frozenset[Role] = frozenset(),
) -> Viewer:
    closure = naive_closure(org_parents)
    ancestors = {a for a, d, _ in closure if d in orgs}
    descendants = {d for a, d, _ in closure if a in orgs}
    managed_desc = {d for a, d, _ in closure if a in (managed or set())}
    principal = Principal(tenant_id=TENANT, user_id=uid(user), login_id=f"u{user}", name=f"u{user}",  # type: ignore[arg-type]
                          license=license, roles=roles, organization_ids=frozenset(oid(o) for o in orgs))  # type: ignore[misc]
    return Viewer(
        principal=principal,
        org_ancestors=frozenset(oid(o) for o in ancestors),
        org_descendants=frozenset(oid(o) for o in descendants),
        managed_org_descendants=frozenset(oid(o) for o in managed_desc),
        group_ancestors=frozenset(gid(g) for g in groups),
    )


TREE = {0: None, 1: 0, 2: 1, 3: 0}  # 0 本社 > 1 営業本部 > 2 第1課 ; 0 > 3 管理本部


def restricted(**kw: object) -> RecordAccess:
    allow = Restriction(
        users=frozenset(uid(u) for u in kw.pop("users", ())),  # type: ignore[attr-defined]
        organizations=frozenset(oid(o) for o in kw.pop("orgs", ())),  # type: ignore[attr-defined]
        groups=frozenset(gid(g) for g in kw.pop("groups", ())),  # type: ignore[attr-defined]
    )
    return RecordAccess(restriction=allow, **kw)  # type: ignore[arg-type]


def test_unrestricted_records_are_visible_to_every_licensed_user() -> None:
    record = RecordAccess(owner_id=uid(1), owner_organization_id=oid(2))
    for v in (viewer(9, set(), TREE), viewer(8, {3}, TREE, license=License.LIGHT)):
        assert can_view(v, record)


def test_listing_an_organisation_includes_its_sub_organisations_not_its_parents() -> None:
    record = restricted(orgs=[1])
    assert can_view(viewer(5, {2}, TREE), record)  # 第1課 is under 営業本部
    assert can_view(viewer(5, {1}, TREE), record)
    assert not can_view(viewer(5, {0}, TREE), record)  # the parent 本社 is not listed
    assert not can_view(viewer(5, {3}, TREE), record)


def test_owner_creator_staff_and_listed_users_see_a_restricted_record() -> None:
    record = restricted(users=[4], owner_id=uid(1), created_by=uid(2), staff_ids=frozenset({uid(3)}))
    for u in (1, 2, 3, 4):
        assert can_view(viewer(u, set(), TREE), record)
    assert not can_view(viewer(5, set(), TREE), record)


def test_listed_groups_and_the_see_everything_role() -> None:
    record = restricted(groups=[7])
    assert can_view(viewer(5, set(), TREE, groups=frozenset({7})), record)
    assert not can_view(viewer(5, set(), TREE, groups=frozenset({8})), record)
    assert can_view(viewer(5, set(), TREE, roles=frozenset({Role.SEE_ALL})), record)
    assert not can_view(viewer(5, set(), TREE, roles=frozenset({Role.TENANT_ADMIN})), record)


def test_mine_is_a_filter_not_a_grant() -> None:
    record = restricted(owner_id=uid(1), owner_organization_id=oid(2))
    manager = viewer(5, {1}, TREE)  # 営業本部: the owner's organisation lies under mine
    assert is_mine(manager, record)
    assert not can_view(manager, record)


def test_light_users_read_comment_and_like_but_never_edit() -> None:
    record = RecordAccess(owner_id=uid(5))
    light = viewer(5, set(), TREE, license=License.LIGHT)
    assert can_view(light, record)
    assert can_comment_and_like(light, record)
    assert not can_edit(light, record, UpdateRule.ANY_FULL_USER)
    assert not can_edit(light, record, UpdateRule.STRICT)


def test_strict_update_rule() -> None:
    record = RecordAccess(owner_id=uid(1), owner_organization_id=oid(2), created_by=uid(2),
                          staff_ids=frozenset({uid(3)}))
    for u in (1, 2, 3):
        assert can_edit(viewer(u, set(), TREE), record, UpdateRule.STRICT)
    assert can_edit(viewer(6, {3}, TREE, managed={1}), record, UpdateRule.STRICT)  # manages 営業本部 ⊇ 第1課
    assert not can_edit(viewer(6, {1}, TREE, managed={3}), record, UpdateRule.STRICT)
    assert not can_edit(viewer(7, {2}, TREE), record, UpdateRule.STRICT)  # a colleague, not in charge
    assert can_edit(viewer(7, {2}, TREE), record, UpdateRule.ANY_FULL_USER)
    assert can_edit(viewer(8, set(), TREE, roles=frozenset({Role.TENANT_ADMIN})), record, UpdateRule.STRICT)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[dict[int, int | None], Viewer, RecordAccess]:
    parents = draw(forests(max_nodes=8))
    nodes = sorted(parents)
    some_orgs = st.sets(st.sampled_from(nodes), max_size=3) if nodes else st.just(set())
    users = st.integers(0, 5)
    v = viewer(
        draw(users), draw(some_orgs), parents,
        groups=frozenset(draw(st.sets(st.integers(0, 3), max_size=2))),
        managed=draw(some_orgs),
        license=draw(st.sampled_from(list(License))),
        roles=frozenset(draw(st.sets(st.sampled_from(list(Role)), max_size=1))),
    )
    owner_org = draw(st.one_of(st.none(), st.sampled_from(nodes))) if nodes else None
    restriction = draw(st.one_of(st.none(), st.builds(
        Restriction,
        users=st.frozensets(users.map(uid), max_size=2),
        organizations=st.frozensets(st.sampled_from(nodes).map(oid), max_size=2) if nodes else st.just(frozenset()),
        groups=st.frozensets(st.integers(0, 3).map(gid), max_size=2),
    )))
    record = RecordAccess(
        owner_id=draw(st.one_of(st.none(), users.map(uid))),
        owner_organization_id=None if owner_org is None else oid(owner_org),
        created_by=draw(st.one_of(st.none(), users.map(uid))),
        staff_ids=draw(st.frozensets(users.map(uid), max_size=2)),
        restriction=restriction,
    )
    return parents, v, record


@given(scenarios())
def test_restricting_never_reveals_and_editing_needs_seeing(scenario: tuple[object, Viewer, RecordAccess]) -> None:
    _, v, record = scenario
    public = attrs.evolve(record, restriction=None)
    assert can_view(v, public)
    if can_view(v, record):
        assert can_view(v, public)
    for rule in UpdateRule:
        if can_edit(v, record, rule):
            assert can_view(v, record)
            assert v.principal.license is License.FULL
    assert can_edit(v, record, UpdateRule.STRICT) <= can_edit(v, record, UpdateRule.ANY_FULL_USER)
    assert can_comment_and_like(v, record) == can_view(v, record)


@given(scenarios(), st.integers(0, 5))
def test_widening_the_allow_list_never_hides(scenario: tuple[object, Viewer, RecordAccess], extra: int) -> None:
    _, v, record = scenario
    if record.restriction is None:
        return
    wider = attrs.evolve(record, restriction=attrs.evolve(
        record.restriction, users=record.restriction.users | {uid(extra)}))
    assert can_view(v, record) <= can_view(v, wider)
