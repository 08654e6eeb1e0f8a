"""Hypothesis strategies shared by unit and integration tests."""

from __future__ import annotations

from hypothesis import strategies as st


@st.composite
def forests(draw: st.DrawFn, max_nodes: int = 40) -> dict[int, int | None]:
    """A random forest as {node: parent}: each node hangs under an earlier one or is a root;
    node labels are shuffled so parents are not always smaller."""
    n = draw(st.integers(min_value=0, max_value=max_nodes))
    parents: list[int | None] = [
        None if i == 0 else draw(st.one_of(st.none(), st.integers(min_value=0, max_value=i - 1)))
        for i in range(n)
    ]
    labels = draw(st.permutations(list(range(n))))
    return {labels[i]: (labels[p] if p is not None else None) for i, p in enumerate(parents)}


def naive_closure(parent_of: dict[int, int | None]) -> set[tuple[int, int, int]]:
    """(ancestor, descendant, depth) by walking up from every node: the obvious, slow answer."""
    rows = set()
    for node in parent_of:
        depth, cur = 0, node
        while cur is not None:
            rows.add((cur, node, depth))
            cur, depth = parent_of[cur], depth + 1
    return rows
