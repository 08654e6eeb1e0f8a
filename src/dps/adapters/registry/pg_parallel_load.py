"""The first load of the whole country into the empty offline registry, on several connections (ADR 0021).

One connection works on one core of the server, and the first load (5 million rows) is bound by the
server's CPU: parsing, checking, normalising the names, building three indexes. Here the files are cut
into line-aligned parts, each part is COPYed into an UNLOGGED staging table and checked and normalised
by a connection of its own; the rows go to a fresh table, `registry_corporations_load`, whose primary
key and name indexes are then built side by side (the trigram GIN on one connection, the btrees on the
other). One short transaction finally swaps the empty table for the loaded one, so readers see either
no registry or all of it; any failure drops what was built and leaves the registry as it was.

It applies only to what the single-transaction path (`PgCopyLoad`) would load with its fast move: an
empty registry and files with no deletion (99) and no number twice. Whatever else it meets - a
deletion, a duplicate number, rows already loaded - it answers `NotForParallel`, and the caller loads
the files the usual way. Bad lines are reported as that path reports them (file and line, by the
Python reader's rules). A session advisory lock keeps two loads from running at once."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TypeVar

import attrs
import psycopg
import sqlalchemy as sa

from dps.adapters.db.tables.registry import registry_corporations as t
from dps.adapters.registry.pg_files import (
    CHUNK,
    STAGED,
    Layout,
    Part,
    SqlLoadRefused,
    copy_error_line,
    copy_part,
    diagnose,
    layout,
)
from dps.adapters.registry.pg_load import COLUMNS, DATESTYLE, DUPLICATE_STATES, USED, StagedColumns, sqlstate
from dps.adapters.registry.pg_name_key import function_ddl, key_levels, literal
from dps.application.registry.loading import Progress

LOAD_TABLE = "registry_corporations_load"
STAGE_PREFIX = "registry_stage_"
PARALLEL_MIN_BYTES = 64 << 20
"""Files smaller than this in all load in one transaction: the parallel path's set-up is not worth it."""
PARALLEL_MIN_PART = 16 << 20
"""A file is cut into parts of at least this size."""
LOCK_KEY = 0x4E544152  # pg_advisory_lock key of registry loads ("NTAR")
_RECORD_START = re.compile(rb'"?\d+"?,"?\d{13}"?,')
_T = TypeVar("_T")
_R = TypeVar("_R")


_MAY_SWAP = ("SELECT pg_has_role(current_user, c.relowner, 'USAGE') "
             "AND has_schema_privilege(current_user, c.relnamespace, 'CREATE') "
             "FROM pg_class c WHERE c.oid = 'registry_corporations'::regclass")
"""Replacing the table takes its owner (or a member of the owning role) and CREATE in its schema."""


_REJECT_DDL = """CREATE OR REPLACE FUNCTION pg_temp.registry_reject(why text, stage text, row_id tid) RETURNS boolean
LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'registry line rejected' USING DETAIL = why || ' ' || stage || ' ' || row_id::text;
END $fn$"""
"""Ends the load statement at a staged line the checks reject or that deletes a corporation; the
detail says which (`Rejected.of`)."""


@attrs.frozen
class Rejected:
    """The staged line that ended a load statement: its staging table and ctid; a deletion or invalid."""

    deletion: bool
    stage: str
    row_id: str

    @classmethod
    def of(cls, error: sa.exc.DBAPIError) -> Rejected | None:
        """The line named by `registry_reject`'s error, or None for any other error."""
        diag = getattr(error.orig, "diag", None)
        if sqlstate(error) != "P0001" or getattr(diag, "message_primary", None) != "registry line rejected":
            return None
        why, stage, row_id = str(getattr(diag, "message_detail", "")).split(" ", 2)
        return cls(deletion=why == "deletion", stage=stage, row_id=row_id)


class NotForParallel(Exception):
    """These files, or this registry, need the single-transaction path (why: the message)."""


def split(layouts: Sequence[Layout], parts: int, *, min_part: int = PARALLEL_MIN_PART) -> list[Part]:
    """Each file cut into up to `parts` byte ranges of about equal size, every cut at the start of a line
    that opens a record (a quoted field could hold a line break); files smaller than `min_part` whole."""
    out: list[Part] = []
    for item in layouts:
        if not item.fields:
            continue
        size = item.path.stat().st_size
        n = max(1, min(parts, size // max(min_part, 1)))
        cuts = [0]
        with item.path.open("rb") as f:
            for k in range(1, n):
                cut = _record_start_after(f, size * k // n)
                if cut is not None and cut > cuts[-1]:
                    cuts.append(cut)
        ends: list[int | None] = [*cuts[1:], None]
        out += [Part(item, start, end) for start, end in zip(cuts, ends, strict=True)]
    return out


def _record_start_after(f: BinaryIO, offset: int, lines: int = 64) -> int | None:
    """The offset of the first line after `offset` that starts like an NTA record, within a few lines."""
    f.seek(offset)
    window = f.read(64 * 1024)
    pos = window.find(b"\n")
    for _ in range(lines):
        if pos < 0:
            return None
        start = pos + 1
        if _RECORD_START.match(window, start):
            return offset + start
        pos = window.find(b"\n", start)
    return None


def first_line(part: Part) -> int:
    """The file line (1-based) at which the part starts."""
    if part.start == 0:
        return 1
    seen = 0
    left = part.start
    with part.item.path.open("rb") as f:
        while left > 0 and (chunk := f.read(min(CHUNK, left))):
            seen += chunk.count(b"\n")
            left -= len(chunk)
    return seen + 1


class ParallelFirstLoad:
    """See the module. `run` returns (rows read, rows inserted, history rows skipped)."""

    def __init__(self, engine: sa.Engine, files: Sequence[Path], progress: Progress | None, *,
                 workers: int = 2, min_bytes: int = PARALLEL_MIN_BYTES,
                 min_part: int = PARALLEL_MIN_PART) -> None:
        self.engine = engine
        self.files = files
        self.workers = workers
        self.min_bytes = min_bytes
        self.min_part = min_part
        self.progress: Progress | None = None
        if progress is not None:
            lock, shown = threading.Lock(), progress

            def report(n: int) -> None:
                with lock:
                    shown(n)

            self.progress = report
        self.tag = uuid.uuid4().hex[:8]
        self.stages: list[str] = []
        self.timings: dict[str, float] = {}
        self.copied = False
        """Whether the files were read (and reported to `progress`) before the load gave up."""

    def applies(self) -> bool:
        """Large enough to be worth it (checked before anything is read)."""
        try:
            return self.workers > 1 and sum(p.stat().st_size for p in self.files) >= self.min_bytes
        except OSError:
            return False  # the usual path reports the file it cannot read

    def run(self) -> tuple[int, int, int]:
        layouts = [layout(p) for p in self.files]
        cols = StagedColumns(layouts)
        parts = split(layouts, self.workers, min_part=self.min_part)
        if not parts:
            raise NotForParallel("no record line")
        with self.engine.connect() as lock:
            lock.exec_driver_sql("SELECT pg_advisory_lock(%(k)s)", {"k": LOCK_KEY})
            lock.commit()
            try:
                if lock.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM registry_corporations)").scalar():
                    raise NotForParallel("the registry is not empty")
                if not lock.exec_driver_sql(_MAY_SWAP).scalar():
                    raise NotForParallel("this database role may not replace the registry table")
                lock.rollback()
                self._drop_leftovers()
                return self._load(cols, parts)
            finally:
                self._drop_leftovers()
                lock.rollback()
                lock.exec_driver_sql("SELECT pg_advisory_unlock(%(k)s)", {"k": LOCK_KEY})
                lock.commit()

    # -- steps

    def _load(self, cols: StagedColumns, parts: list[Part]) -> tuple[int, int, int]:
        self.stages = [f"{STAGE_PREFIX}{self.tag}_{i}" for i in range(len(parts))]
        columns = ", ".join(f"{c} text" for c in STAGED)
        self._autocommit([f"CREATE UNLOGGED TABLE {s} ({columns})" for s in self.stages])
        jobs = list(zip(parts, self.stages, strict=True))
        with self._step("copy"):
            self.copied = True
            counts = self._each(jobs, self._copy)
        self._autocommit([f"CREATE TABLE {LOAD_TABLE} (LIKE registry_corporations INCLUDING DEFAULTS)"])
        with self._step("normalise"):  # and check: one pass over the staged rows
            groups = self._groups(self.stages, [p.size for p in parts])
            results = self._each(groups, lambda stages: self._insert(cols, stages))
        rejected = [r for r in results if isinstance(r, Rejected)]
        if rejected:
            first = min(rejected, key=lambda r: self.stages.index(r.stage))
            if first.deletion:
                raise NotForParallel("the files delete corporations")
            raise self._invalid_row(parts[self.stages.index(first.stage)], first.stage, first.row_id)
        inserted = sum(r for r in results if isinstance(r, int))
        history = sum(counts) - inserted  # every staged row is either the latest or a history row
        with self._step("analyze"):
            self._autocommit([f"ANALYZE {LOAD_TABLE}"])
        with self._step("indexes"):
            try:
                self._each(self._index_groups(), self._build)
            except sa.exc.DBAPIError as e:
                if sqlstate(e) in DUPLICATE_STATES:
                    raise NotForParallel("a corporate number occurs twice") from e
                raise
        with self._step("swap"):
            self._swap()
        return sum(counts), inserted, history

    def _copy(self, job: tuple[Part, str]) -> int:
        part, stage = job
        with self.engine.connect() as conn:
            driver = conn.connection.driver_connection
            assert driver is not None
            try:
                n = copy_part(driver, stage, part, self.progress)
            except psycopg.Error as e:
                raise self._copy_failed(part, e) from e
            driver.commit()  # the COPY ran on the driver's connection: SQLAlchemy saw no transaction
            return n

    def _insert(self, cols: StagedColumns, stages: list[str]) -> int | Rejected:
        """Checks every staged line as the Python reader does and inserts the latest rows, normalised, into
        the load table; a line the checks reject, or a deletion, ends the statement (`Rejected`). The
        stages are read in file order, each from its first block, so the line reported is the first."""
        staged = " UNION ALL ".join(
            f"SELECT {USED} FROM (SELECT *, CASE WHEN NOT ({cols.valid()}) "  # noqa: S608
            f"THEN pg_temp.registry_reject('invalid', {literal(s)}, row_id) "
            f"WHEN c2 = '99' AND {cols.latest()} THEN pg_temp.registry_reject('deletion', {literal(s)}, row_id) "
            f"ELSE {cols.latest()} END AS keep FROM ({cols.checked(s)}) v OFFSET 0) w WHERE keep"
            for s in sorted(stages, key=self.stages.index))
        rows = f"SELECT {cols.row()} FROM ({key_levels(f'SELECT * FROM ({staged}) l')}) s"  # noqa: S608
        with self.engine.begin() as conn:
            conn.exec_driver_sql("SET LOCAL work_mem = '256MB'")
            conn.exec_driver_sql("SET LOCAL synchronize_seqscans = off")
            conn.exec_driver_sql(DATESTYLE)
            for ddl in [*function_ddl(), _REJECT_DDL]:
                conn.exec_driver_sql(ddl)
            try:
                return int(conn.exec_driver_sql(
                    f"INSERT INTO {LOAD_TABLE} ({', '.join(COLUMNS)}) {rows}").rowcount)
            except sa.exc.DataError as e:  # a date such as 2024-02-30: the Python reader names the line
                raise SqlLoadRefused(str(e.orig).splitlines()[0]) from e
            except sa.exc.DBAPIError as e:
                if (rejected := Rejected.of(e)) is None:
                    raise
                return rejected

    def _build(self, statements: list[str]) -> None:
        with self.engine.connect() as conn:
            conn.exec_driver_sql("SET maintenance_work_mem = '1GB'")
            for sql in statements:
                conn.exec_driver_sql(sql)
            conn.commit()
            conn.exec_driver_sql("RESET maintenance_work_mem")
            conn.commit()

    def _swap(self) -> None:
        """The loaded table takes the registry's place, its indexes the registry's index names."""
        pk = t.primary_key.name
        with self.engine.begin() as conn:
            conn.exec_driver_sql("LOCK TABLE registry_corporations IN ACCESS EXCLUSIVE MODE")
            if conn.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM registry_corporations)").scalar():
                raise NotForParallel("the registry was loaded meanwhile")
            conn.exec_driver_sql("DROP TABLE registry_corporations")
            conn.exec_driver_sql(f"ALTER TABLE {LOAD_TABLE} RENAME TO registry_corporations")
            conn.exec_driver_sql(f"ALTER INDEX {_load_name(str(pk))} RENAME TO {pk}")
            conn.exec_driver_sql(f"ALTER TABLE registry_corporations ADD CONSTRAINT {pk} PRIMARY KEY USING INDEX {pk}")
            for index in t.indexes:
                conn.exec_driver_sql(f"ALTER INDEX {_load_name(str(index.name))} RENAME TO {index.name}")

    # -- helpers

    @contextmanager
    def _step(self, name: str) -> Iterator[None]:
        """Times a step into `timings` (seconds), for the benchmark's breakdown."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = time.perf_counter() - started

    def _index_groups(self) -> list[list[str]]:
        """The primary key and the name indexes as DDL on the load table, in `workers` groups of about
        equal cost (a trigram GIN costs about what the btrees cost together)."""
        table = sa.Table(LOAD_TABLE, sa.MetaData(), *(sa.Column(c.name, c.type) for c in t.columns))
        statements = [(1, f"CREATE UNIQUE INDEX {_load_name(str(t.primary_key.name))} ON {LOAD_TABLE} "
                          f"({', '.join(c.name for c in t.primary_key.columns)})")]
        dialect = self.engine.dialect
        for index in sorted(t.indexes, key=lambda i: str(i.name)):
            copy = sa.Index(_load_name(str(index.name)), *(table.c[c.name] for c in index.columns),
                            unique=index.unique, **index.dialect_kwargs)
            cost = 3 if index.dialect_kwargs.get("postgresql_using") == "gin" else 1
            statements.append((cost, str(sa.schema.CreateIndex(copy).compile(dialect=dialect))))
        groups: list[tuple[int, list[str]]] = [(0, []) for _ in range(min(self.workers, len(statements)))]
        for cost, sql in sorted(statements, key=lambda s: -s[0]):
            i = min(range(len(groups)), key=lambda k: groups[k][0])
            groups[i] = (groups[i][0] + cost, [*groups[i][1], sql])
        return [g for _, g in groups]

    def _groups(self, stages: list[str], sizes: list[int]) -> list[list[str]]:
        """Staging tables in `workers` groups of about equal bytes."""
        groups: list[tuple[int, list[str]]] = [(0, []) for _ in range(min(self.workers, len(stages)))]
        for size, stage in sorted(zip(sizes, stages, strict=True), reverse=True):
            i = min(range(len(groups)), key=lambda k: groups[k][0])
            groups[i] = (groups[i][0] + size, [*groups[i][1], stage])
        return [g for _, g in groups]

    def _each(self, jobs: Sequence[_T], work: Callable[[_T], _R]) -> list[_R]:
        """`work` on every job, `workers` at a time; the first failure (in job order) is raised after
        every job has ended."""
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            futures = [pool.submit(work, job) for job in jobs]
        for f in futures:
            if (error := f.exception()) is not None:
                raise error
        return [f.result() for f in futures]

    def _autocommit(self, statements: list[str]) -> None:
        with self.engine.begin() as conn:
            for sql in statements:
                conn.exec_driver_sql(sql)

    def _drop_leftovers(self) -> None:
        """Staging and load tables of this load, or of a load that died (the advisory lock is held)."""
        with self.engine.begin() as conn:
            names = conn.exec_driver_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "AND (tablename LIKE %(stage)s OR tablename = %(load)s)",
                {"stage": f"{STAGE_PREFIX}%", "load": LOAD_TABLE}).scalars().all()
            for name in names:
                conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")

    def _copy_failed(self, part: Part, e: psycopg.Error) -> Exception:
        number = copy_error_line(e)
        if number is not None and (error := diagnose(part.item, first_line(part) + number - 1)) is not None:
            return error
        return SqlLoadRefused(f"{part.item.path}: {str(e).splitlines()[0] if str(e) else type(e).__name__}")

    def _invalid_row(self, part: Part, stage: str, ctid: str) -> Exception:
        with self.engine.connect() as conn:
            before = int(conn.exec_driver_sql(
                f"SELECT count(*) FROM {stage} WHERE ctid < %(ctid)s::tid", {"ctid": ctid}).scalar_one())  # noqa: S608
        number = first_line(part) + (part.item.header and part.start == 0) + before
        return diagnose(part.item, number) or SqlLoadRefused(f"{part.item.path}:{number}: rejected by the SQL checks")



def _load_name(name: str) -> str:
    return f"{name}_load"
