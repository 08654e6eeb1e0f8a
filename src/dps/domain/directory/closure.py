"""The closure (ancestor, descendant, depth) of an organisation tree, self rows included."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Generic, TypeVar

from attrs import frozen

from dps.domain.shared.errors import DomainError

K = TypeVar("K", bound=Hashable)


@frozen
class ClosureRow(Generic[K]):
    ancestor: K
    descendant: K
    depth: int


def build_closure(parent_of: Mapping[K, K | None]) -> list[ClosureRow[K]]:
    """Every (ancestor, node, depth) pair, depth 0 for the node itself.

    A parent that is not in the map makes its child a root (it is not valid on the date the map
    was taken for). A cycle is an error: the tree rules should have refused it.
    """
    rows: list[ClosureRow[K]] = []
    chains: dict[K, list[K]] = {}
    for node in parent_of:
        rows.extend(ClosureRow(anc, node, depth) for depth, anc in enumerate(_chain(node, parent_of, chains)))
    return rows


def _chain(node: K, parent_of: Mapping[K, K | None], memo: dict[K, list[K]]) -> list[K]:
    """node, parent, grandparent, ... memoised so the whole closure is linear in its size."""
    stack: list[K] = []
    seen: set[K] = set()
    cur: K | None = node
    while cur is not None and cur not in memo:
        if cur in seen:
            raise DomainError("the organisation tree has a cycle", field="parent_id")
        seen.add(cur)
        stack.append(cur)
        parent = parent_of.get(cur)
        cur = parent if parent in parent_of else None
    tail: list[K] = memo[cur] if cur is not None else []
    for n in reversed(stack):
        tail = [n, *tail]
        memo[n] = tail
    return memo[node]
