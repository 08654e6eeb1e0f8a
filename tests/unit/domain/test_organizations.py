"""Organisations change over time; the tree stays a tree on every date."""

from datetime import date
from uuid import uuid4

import pytest

from dps.domain.directory.companies import Company
from dps.domain.directory.organizations import Organization
from dps.domain.directory.tree import OrgTree
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import CompanyId, OrganizationId

D2020 = date(2020, 4, 1)


def company(valid_from: date = D2020) -> Company:
    return Company(id=CompanyId(uuid4()), code="C1", name="デモ株式会社", valid_from=valid_from)


def org(c: Company, code: str, parent: Organization | None = None, valid_from: date = D2020) -> Organization:
    return Organization.open(
        OrganizationId(uuid4()), c.id, code, f"{code}部", parent_id=parent.id if parent else None,
        valid_from=valid_from,
    )


def test_rename_from_a_date_keeps_the_old_name_before_it() -> None:
    c = company()
    sales = org(c, "SALES")
    sales.rename("営業統括本部", effective_from=date(2024, 10, 1))
    assert sales.version_at(date(2024, 9, 30)).name == "SALES部"  # type: ignore[union-attr]
    assert sales.version_at(date(2024, 10, 1)).name == "営業統括本部"  # type: ignore[union-attr]
    assert [v.period.end for v in sales.versions] == [date(2024, 10, 1), None]


def test_a_change_on_the_first_day_replaces_instead_of_splitting() -> None:
    c = company()
    sales = org(c, "SALES")
    sales.rename("営業本部", effective_from=D2020)
    assert len(sales.versions) == 1
    assert sales.versions[0].name == "営業本部"


def test_renaming_back_merges_equal_neighbours() -> None:
    c = company()
    sales = org(c, "SALES")
    sales.rename("X", effective_from=date(2024, 1, 1))
    sales.rename("SALES部", effective_from=date(2024, 1, 1))
    assert len(sales.versions) == 1


def test_close_ends_the_last_version() -> None:
    c = company()
    sales = org(c, "SALES")
    sales.close(effective_from=date(2025, 4, 1))
    assert sales.is_valid_at(date(2025, 3, 31))
    assert not sales.is_valid_at(date(2025, 4, 1))


def test_cannot_change_an_organisation_on_a_day_it_does_not_exist() -> None:
    c = company()
    sales = org(c, "SALES")
    with pytest.raises(DomainError) as e:
        sales.rename("x", effective_from=date(2019, 1, 1))
    assert e.value.field == "effective_from"


def test_organisation_cannot_start_before_its_company() -> None:
    c = company(valid_from=date(2021, 4, 1))
    tree = OrgTree.of(c, [])
    with pytest.raises(DomainError) as e:
        tree.put(org(c, "EARLY", valid_from=date(2021, 3, 31)))
    assert "before its company" in e.value.message


def test_move_that_makes_a_cycle_is_refused_and_leaves_the_tree_unchanged() -> None:
    c = company()
    top = org(c, "TOP")
    mid = org(c, "MID", top)
    leaf = org(c, "LEAF", mid)
    tree = OrgTree.of(c, [top, mid, leaf])
    moved = Organization(id=top.id, company_id=c.id, code=top.code, versions=list(top.versions))
    moved.move(leaf.id, effective_from=date(2024, 4, 1))
    with pytest.raises(DomainError) as e:
        tree.put(moved)
    assert "cycle" in e.value.message
    assert tree.organizations[top.id].parent_at(date(2024, 5, 1)) is None


def test_cycle_is_detected_only_where_it_exists_in_time() -> None:
    c = company()
    a = org(c, "A")
    b = org(c, "B", a)
    tree = OrgTree.of(c, [a, b])
    # From 2024, B is moved to the top; from 2025, A goes under B: never a cycle.
    b.move(None, effective_from=date(2024, 4, 1))
    tree.put(b)
    a.move(b.id, effective_from=date(2025, 4, 1))
    tree.put(a)
    assert tree.parents_at(date(2025, 4, 1)) == {a.id: b.id, b.id: None}


def test_parent_must_exist_for_the_whole_life_of_the_child() -> None:
    c = company()
    parent = org(c, "P")
    parent.close(effective_from=date(2023, 4, 1))
    tree = OrgTree.of(c, [parent])
    with pytest.raises(DomainError) as e:
        tree.put(org(c, "CHILD", parent))
    assert e.value.field == "parent_id"


def test_closing_a_parent_with_living_children_is_refused() -> None:
    c = company()
    parent = org(c, "P")
    child = org(c, "CH", parent)
    tree = OrgTree.of(c, [parent, child])
    parent.close(effective_from=date(2023, 4, 1))
    with pytest.raises(DomainError):
        tree.put(parent)


def test_an_organisation_cannot_be_its_own_parent() -> None:
    c = company()
    a = org(c, "A")
    with pytest.raises(DomainError):
        a.move(a.id, effective_from=date(2024, 4, 1))


def test_parent_from_another_company_is_refused() -> None:
    c1, c2 = company(), Company(id=CompanyId(uuid4()), code="C2", name="別会社", valid_from=D2020)
    foreign = org(c2, "F")
    tree = OrgTree.of(c1, [])
    with pytest.raises(DomainError):
        tree.put(org(c1, "X", foreign))
