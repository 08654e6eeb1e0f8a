"""Report definitions (レポート定義): who may use and change one (property-tested over random
organisation trees, memberships and shares), and the rules a definition's content follows."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dps.domain.reports.definitions import (
    NAME_MAX,
    DefinitionDraft,
    DefinitionUser,
    ReportDefinition,
    Sharing,
    copy_name,
)
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import OrganizationId, PublicGroupId, TenantId, UserId
from dps.domain.shared.principal import License, Principal, Role
from dps.domain.visibility.policy import Viewer

AT = datetime(2026, 4, 1, tzinfo=UTC)
TENANT = TenantId(UUID(int=1))


def org(n: int) -> OrganizationId:
    return OrganizationId(UUID(int=0x1000 + n))


def group(n: int) -> PublicGroupId:
    return PublicGroupId(UUID(int=0x2000 + n))


def user(n: int) -> UserId:
    return UserId(UUID(int=0x3000 + n))


def ancestors_or_self(parents: list[int | None], node: int) -> set[int]:
    """Walk up a tree given as 'parent index of node i' (None for a root)."""
    out: set[int] = set()
    current: int | None = node
    while current is not None and current not in out:
        out.add(current)
        current = parents[current]
    return out


@st.composite
def trees(draw: st.DrawFn, max_size: int = 8) -> list[int | None]:
    """A forest: node i's parent is an earlier node or None."""
    size = draw(st.integers(1, max_size))
    return [None if i == 0 else draw(st.one_of(st.none(), st.integers(0, i - 1))) for i in range(size)]


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[int | None], list[int | None], set[int], set[int], Sharing, int, int,
                                    bool]:
    org_tree, group_tree = draw(trees()), draw(trees())
    my_orgs = draw(st.sets(st.integers(0, len(org_tree) - 1), max_size=3))
    my_groups = draw(st.sets(st.integers(0, len(group_tree) - 1), max_size=3))
    sharing = Sharing(
        draw(st.booleans()),
        frozenset(org(n) for n in draw(st.sets(st.integers(0, len(org_tree) - 1), max_size=3))),
        frozenset(group(n) for n in draw(st.sets(st.integers(0, len(group_tree) - 1), max_size=3))),
    )
    return (org_tree, group_tree, my_orgs, my_groups, sharing, draw(st.integers(0, 2)), draw(st.integers(0, 2)),
            draw(st.booleans()))


def viewer_of(me: int, org_tree: list[int | None], group_tree: list[int | None], my_orgs: set[int],
              my_groups: set[int], admin: bool) -> Viewer:
    """The Viewer as `build_viewer` makes it: ancestors-or-self of my organisations and groups."""
    principal = Principal(TENANT, user(me), f"u{me}", "u", License.FULL,
                          roles=frozenset({Role.TENANT_ADMIN}) if admin else frozenset(),
                          organization_ids=frozenset(org(n) for n in my_orgs),
                          group_ids=frozenset(group(n) for n in my_groups))
    return Viewer(principal,
                  org_ancestors=frozenset(org(a) for n in my_orgs for a in ancestors_or_self(org_tree, n)),
                  group_ancestors=frozenset(group(a) for n in my_groups for a in ancestors_or_self(group_tree, n)))


def definition(owner: int, sharing: Sharing = Sharing(), **draft: object) -> ReportDefinition:
    fields: dict[str, object] = {"name": "月次活動", "kind": "activities", "sharing": sharing, **draft}
    return ReportDefinition.create(UUID(int=99), DefinitionDraft(**fields),  # type: ignore[arg-type]
                                   owner_id=user(owner), at=AT)


@given(worlds())
def test_use_rule_matches_the_spelled_out_rule(world: tuple[list[int | None], list[int | None], set[int], set[int],
                                                             Sharing, int, int, bool]) -> None:
    """Usable by: the owner; everybody when shared with all; a member of a shared organisation or of
    any organisation below it; a member of a shared group or of any group below it; administrators."""
    org_tree, group_tree, my_orgs, my_groups, sharing, owner, me, admin = world
    d = definition(owner, sharing)
    who = DefinitionUser.of(viewer_of(me, org_tree, group_tree, my_orgs, my_groups, admin))
    in_shared_org = any(org(a) in sharing.organization_ids for n in my_orgs for a in ancestors_or_self(org_tree, n))
    in_shared_group = any(group(a) in sharing.group_ids for n in my_groups
                          for a in ancestors_or_self(group_tree, n))
    expected = owner == me or admin or sharing.everyone or in_shared_org or in_shared_group
    assert d.may_use(who) is expected
    assert d.may_change(who) is (owner == me or admin)
    if d.may_change(who):
        assert d.may_use(who)


@given(worlds(), st.integers(0, 7))
def test_sharing_with_one_more_organisation_never_takes_use_away(
    world: tuple[list[int | None], list[int | None], set[int], set[int], Sharing, int, int, bool], extra: int,
) -> None:
    org_tree, group_tree, my_orgs, my_groups, sharing, owner, me, admin = world
    who = DefinitionUser.of(viewer_of(me, org_tree, group_tree, my_orgs, my_groups, admin))
    wider = Sharing(sharing.everyone, sharing.organization_ids | {org(extra)}, sharing.group_ids)
    if definition(owner, sharing).may_use(who):
        assert definition(owner, wider).may_use(who)


@given(worlds())
def test_a_copy_is_private_to_the_copier(
    world: tuple[list[int | None], list[int | None], set[int], set[int], Sharing, int, int, bool],
) -> None:
    org_tree, group_tree, my_orgs, my_groups, sharing, owner, me, admin = world
    copy = definition(owner, sharing).copy(UUID(int=100), owner_id=user(me), at=AT)
    assert copy.sharing == Sharing()
    assert copy.owner_id == user(me)
    assert copy.name == "月次活動 のコピー"
    assert copy.version == 1
    other = DefinitionUser.of(viewer_of(me + 1, org_tree, group_tree, my_orgs, my_groups, admin))
    assert copy.may_use(other) is admin
    assert copy.may_use(DefinitionUser(user(me)))


def test_a_sub_organisation_member_uses_a_definition_shared_with_the_parent() -> None:
    # 0 本社 > 1 営業部 > 2 営業一課; 3 開発部 under 本社
    tree: list[int | None] = [None, 0, 1, 0]
    d = definition(0, Sharing(organization_ids=frozenset({org(1)})))
    assert d.may_use(DefinitionUser.of(viewer_of(5, tree, [None], {2}, set(), False)))
    assert d.may_use(DefinitionUser.of(viewer_of(5, tree, [None], {1}, set(), False)))
    assert not d.may_use(DefinitionUser.of(viewer_of(5, tree, [None], {0}, set(), False)))  # above: no
    assert not d.may_use(DefinitionUser.of(viewer_of(5, tree, [None], {3}, set(), False)))  # a sibling: no


def test_content_is_trimmed_and_columns_keep_their_order() -> None:
    d = definition(0, name="  月次  ", columns=("total", "org_name", "month"), sort_key="total", sort_desc=True,
                   params={"date_from": " 2026-04-01 ", "organization_id": ""}, description=" 説明 ")
    assert d.name == "月次"
    assert d.description == "説明"
    assert d.columns == ("total", "org_name", "month")
    assert dict(d.params) == {"date_from": "2026-04-01"}
    assert (d.sort_key, d.sort_desc) == ("total", True)


@pytest.mark.parametrize(("draft", "field"), [
    ({"name": "   "}, "name"),
    ({"name": "x" * (NAME_MAX + 1)}, "name"),
    ({"kind": ""}, "kind"),
    ({"columns": ("total", "total")}, "columns[1]"),
    ({"columns": ("Total!",)}, "columns[0]"),
    ({"columns": ("total",), "sort_key": "month"}, "sort_key"),
    ({"params": {"Bad Name": "1"}}, "params.Bad Name"),
])
def test_broken_content_names_the_field(draft: dict[str, object], field: str) -> None:
    with pytest.raises(DomainError) as e:
        definition(0, **draft)
    assert e.value.field == field


def test_a_sort_without_columns_is_allowed_and_no_sort_means_ascending() -> None:
    assert definition(0, sort_key="total").sort_key == "total"
    assert definition(0, sort_desc=True).sort_desc is False


@given(st.text(min_size=1, max_size=300).filter(lambda s: s.strip()), st.integers(1, 20))
def test_copy_names_stay_within_the_limit(name: str, attempt: int) -> None:
    made = copy_name(name, attempt)
    assert len(made) <= NAME_MAX
    assert made.endswith("のコピー" if attempt == 1 else f"のコピー ({attempt})")


def test_revise_keeps_owner_and_version() -> None:
    d = definition(0, Sharing(everyone=True))
    revised = d.revise(DefinitionDraft("新しい名前", "pipeline"), by=user(1), at=AT)
    assert (revised.owner_id, revised.version, revised.id) == (user(0), 1, d.id)
    assert revised.sharing == Sharing()
    assert revised.updated_by == user(1)
