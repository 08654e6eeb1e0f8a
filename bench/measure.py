"""Timing helpers of the benchmarks: repeated runs, medians and p95, the statements a call runs,
and the report that splits a page's time into query quality, row mapping and fixed overhead."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

TARGETS = "[targets: API median < 100 ms, p95 < 250 ms; generated SQL / hand-written SQL <= 1.5]"


def timed(fn: Callable[[], Any], rounds: int) -> list[float]:
    """Milliseconds of `rounds` calls of fn, after one call that warms the caches and the plan."""
    fn()
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


WARM_UP = 6
"""Calls before timing: caches filled and, past psycopg's prepare threshold (5 executions), every way's
statements prepared on the server alike."""


def timed_together(ways: dict[str, Callable[[], Any]], rounds: int) -> dict[str, list[float]]:
    """Milliseconds of `rounds` calls of each way, the ways taking turns within every round, so that a
    change in the machine's load while the benchmark runs weighs on all of them alike."""
    for _ in range(WARM_UP):
        for fn in ways.values():
            fn()
    out: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(rounds):
        for name, fn in ways.items():
            started = time.perf_counter()
            fn()
            out[name].append((time.perf_counter() - started) * 1000)
    return out


def p95(xs: list[float]) -> float:
    return sorted(xs)[max(0, int(len(xs) * 0.95) - 1)]


@contextmanager
def captured_statements(engine: sa.Engine) -> Iterator[list[tuple[str, Any]]]:
    """Every (SQL, parameters) the engine sends to the database inside the block, as sent."""
    found: list[tuple[str, Any]] = []

    def listen(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        found.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        yield found
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)


def replay(engine: sa.Engine, statements: list[tuple[str, Any]]) -> Callable[[], None]:
    """A call that runs the captured statements again, as they were sent, fetching every row."""

    def run() -> None:
        with engine.connect() as conn:
            for statement, parameters in statements:
                conn.exec_driver_sql(statement, parameters).all()

    return run


def report(label: str, *, api: list[float], repository: list[float], generated: list[float],
           floor: list[float]) -> None:
    """The four timings of a page and what their ratios say:
    query quality = generated SQL / hand-written SQL (the statement the repository builds, run alone);
    row mapping = repository search / generated SQL (rows to list items, paging, the unit of work);
    fixed overhead = API - repository search (HTTP, token, viewer, JSON)."""
    med = {k: statistics.median(v) for k, v in
           (("api", api), ("repository", repository), ("generated", generated), ("floor", floor))}
    floor_ms = max(med["floor"], 1e-6)
    print(label)
    for name, xs in (("API (HTTP, in-process)", api), ("repository search", repository),
                     ("generated SQL", generated), ("hand-written SQL", floor)):
        print(f"  {name:24s} median {statistics.median(xs):7.1f} ms   p95 {p95(xs):7.1f} ms")
    print(f"  query quality   generated SQL / hand-written SQL  {med['generated'] / floor_ms:5.2f}")
    print(f"  row mapping     repository / generated SQL        {med['repository'] / max(med['generated'], 1e-6):5.2f}")
    print(f"  fixed overhead  API - repository                 {med['api'] - med['repository']:+6.1f} ms")
    print(f"  ratio API / hand-written SQL (median)             {med['api'] / floor_ms:5.2f}   {TARGETS}")
