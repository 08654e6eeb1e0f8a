"""The list-statement memo: one statement per (viewer, key), rebuilt for any other criteria, bounded per
viewer, gone with its viewer; criteria with mappings are keyed by their pairs."""

from __future__ import annotations

import gc
from collections.abc import Mapping
from uuid import UUID

from attrs import field, frozen
from hypothesis import given
from hypothesis import strategies as st

from dps.adapters.db import statement_memo as memo
from dps.domain.shared.principal import Principal
from dps.domain.visibility.policy import Viewer
from tests.unit.domain.test_visibility_policy import viewer


@frozen
class Criteria:
    q: str | None = None
    codes: tuple[str, ...] = ()
    custom: Mapping[str, str] = field(factory=dict)


def test_the_same_criteria_reuse_the_statement_and_others_do_not() -> None:
    v = viewer(1, {1}, {0: None, 1: 0})
    built: list[object] = []

    def build() -> object:
        built.append(object())
        return built[-1]

    first = memo.memoised_statement(v, memo.memo_key("x", 1, Criteria(q="a", custom={"k": "v"})), build)
    again = memo.memoised_statement(v, memo.memo_key("x", 1, Criteria(q="a", custom={"k": "v"})), build)
    other = memo.memoised_statement(v, memo.memo_key("x", 1, Criteria(q="b", custom={"k": "v"})), build)
    other_tenant = memo.memoised_statement(v, memo.memo_key("x", 2, Criteria(q="a", custom={"k": "v"})), build)
    assert first is again
    assert len({id(first), id(other), id(other_tenant)}) == 3
    assert len(built) == 3


def test_another_viewer_gets_its_own_statement() -> None:
    key = memo.memo_key("x", 1, Criteria())
    a = memo.memoised_statement(viewer(1, {1}, {0: None, 1: 0}), key, object)
    b = memo.memoised_statement(viewer(2, {1}, {0: None, 1: 0}), key, object)
    assert a is not b


def test_a_viewer_keeps_a_bounded_number_and_its_entries_go_with_it() -> None:
    v: Viewer | None = viewer(3, {1}, {0: None, 1: 0})
    assert v is not None
    for i in range(memo.PER_VIEWER + 10):
        memo.memoised_statement(v, memo.memo_key("x", 1, Criteria(q=str(i))), object)
    assert len(memo._MEMO[v]) == memo.PER_VIEWER
    principal: Principal = v.principal
    v = None
    gc.collect()
    assert all(kept.principal is not principal for kept in memo._MEMO)


def test_an_unhashable_key_is_built_every_time() -> None:
    v = viewer(4, {1}, {0: None, 1: 0})
    assert memo.criteria_key(object()) is None
    assert memo.memoised_statement(v, None, list) is not memo.memoised_statement(v, None, list)


@given(st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=4), st.text(max_size=3))
def test_criteria_keys_are_equal_exactly_when_the_criteria_are(custom: dict[str, str], q: str) -> None:
    a, b = Criteria(q=q, custom=custom), Criteria(q=q, custom=dict(reversed(list(custom.items()))))
    assert memo.criteria_key(a) == memo.criteria_key(b)
    changed = Criteria(q=q + "!", custom=custom)
    assert memo.criteria_key(changed) != memo.criteria_key(a)


def test_ids_are_part_of_the_key() -> None:
    @frozen
    class ById:
        account_id: UUID | None = None

    assert memo.criteria_key(ById(UUID(int=1))) != memo.criteria_key(ById(UUID(int=2)))
