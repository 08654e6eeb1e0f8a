"""Properties of the import's small rules: the in-file duplicate check keeps exactly the first row of
each key, and the checkpoint's row ranges give back exactly the rows committed."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from dps.application.transfer.imports import Checkpoint, _ranges
from dps.application.transfer.kinds.base import ErrorSink, ParsedRow
from dps.application.transfer.kinds.common import check_duplicates
from dps.application.transfer.schema import ImportMode


@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", None]), st.sampled_from(["x", "y", None])), max_size=30))
def test_duplicates_keep_the_first_row_of_every_key(cells: list[tuple[str | None, str | None]]) -> None:
    rows = [ParsedRow(number=i + 2, values={"code": c, "login": lg}) for i, (c, lg) in enumerate(cells)]
    errors = ErrorSink()
    kept = check_duplicates(rows, ("code", "login"), errors)
    for key in ("code", "login"):
        values = [r.get(key) for r in kept if r.get(key) is not None]
        assert len(values) == len(set(values))
    first_rows = {min(r.number for r in rows if r.get(k) == v) for k in ("code", "login")
                  for v in {r.get(k) for r in rows} - {None}}
    kept_numbers = {r.number for r in kept}
    assert kept_numbers | errors.rows == {r.number for r in rows}
    assert not kept_numbers & errors.rows
    assert all(n in kept_numbers or n in errors.rows for n in first_rows)


@given(st.sets(st.integers(min_value=2, max_value=500)))
def test_ranges_cover_exactly_the_rows(rows: set[int]) -> None:
    ranges = _ranges(rows)
    assert {n for a, b in ranges for n in range(a, b + 1)} == rows
    assert all(a <= b for a, b in ranges)
    assert all(prev[1] + 1 < nxt[0] for prev, nxt in pairwise(ranges))


def test_checkpoint_survives_a_reload(tmp_path: Path) -> None:
    source = tmp_path / "a.xlsx"
    source.write_bytes(b"x")
    path = tmp_path / "a.xlsx.checkpoint.json"
    cp = Checkpoint.for_source(path, source, "products", ImportMode.INSERT, 2)
    cp.commit(1, [2, 3])
    cp.commit(2, [4, 7])
    again = Checkpoint.for_source(path, source, "products", ImportMode.INSERT, 2)
    assert again.rows == {2, 3, 4, 7}
    assert again.batches == [1, 2]
