"""The closure of the organisation tree equals a naive walk up from every node."""

import pytest
from hypothesis import given

from dps.domain.directory.closure import build_closure
from dps.domain.shared.errors import DomainError
from tests.strategies import forests, naive_closure


@given(forests())
def test_closure_equals_a_naive_tree_walk(parent_of: dict[int, int | None]) -> None:
    rows = build_closure(parent_of)
    as_tuples = [(r.ancestor, r.descendant, r.depth) for r in rows]
    assert len(as_tuples) == len(set(as_tuples))
    assert set(as_tuples) == naive_closure(parent_of)


def test_every_node_is_its_own_ancestor_at_depth_zero() -> None:
    rows = build_closure({1: None, 2: 1})
    assert {(r.ancestor, r.depth) for r in rows if r.descendant == 2} == {(2, 0), (1, 1)}


def test_a_parent_missing_on_that_date_makes_a_root() -> None:
    rows = build_closure({2: 1})
    assert [(r.ancestor, r.descendant, r.depth) for r in rows] == [(2, 2, 0)]


def test_a_cycle_is_an_error() -> None:
    with pytest.raises(DomainError):
        build_closure({1: 2, 2: 1})
