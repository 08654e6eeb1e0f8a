"""The offline corporate registry: the NTA's bulk data in the local `registry_corporations` table, read
by number and by name, and loaded from the NTA's CSV files (ADR 0018).

On PostgreSQL a load streams each file's bytes to the server (`COPY ... FROM STDIN (FORMAT csv)` into a
temporary staging table) and validates and normalises in SQL (`pg_load`), then one
`INSERT ... ON CONFLICT DO UPDATE` moves the latest row of each number (only rows whose values differ
are rewritten, so a reload is idempotent and cheap; into an empty table the name indexes are rebuilt
once at the end). With `skip_bad`, or for files only the Python reader accepts (a blank line, lines
of different versions in one file), the rows are parsed in Python (`nta_csv`) and COPYed as rows; on
SQLite they are parsed in Python and upserted with `executemany` in batches. The whole load is one
transaction: a malformed line (without `skip_bad`) leaves the table as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

import sqlalchemy as sa

from dps.adapters.db.tables.registry import registry_corporations as t
from dps.adapters.registry.nta_csv import PUBLISHED_FIELDS, NtaCsvError, NtaCsvReader, NtaRow, display_text
from dps.adapters.registry.pg_files import SqlLoadRefused
from dps.adapters.registry.pg_load import PgCopyLoad
from dps.adapters.registry.pg_parallel_load import (
    PARALLEL_MIN_BYTES,
    PARALLEL_MIN_PART,
    NotForParallel,
    ParallelFirstLoad,
)
from dps.application.registry.loading import LoadSummary, Progress
from dps.application.registry.ports import CorporateRecord, RegistrySource
from dps.application.shared.errors import Invalid
from dps.domain.registry.names import corporate_name_key

# SQL below is assembled from these constant column names only; every value is a bound parameter.
COLUMNS: tuple[str, ...] = tuple(c.name for c in t.columns)
_DATA_COLUMNS = tuple(c for c in COLUMNS if c != "corporate_number")
_RECORD_FIELDS = tuple(c for c in COLUMNS if c not in ("name_search", "hihyoji"))
SQLITE_BATCH = 5_000
PROGRESS_EVERY = 20_000
MAX_BAD_LINES = 20
_STAGING = "registry_staging"


def row_values(row: NtaRow) -> tuple[Any, ...]:
    """The table's columns, in `COLUMNS` order, for one parsed line (`PUBLISHED_FIELDS` as published)."""
    r = row.record
    furigana, prefecture, city, street, address_outside, en_name = row.published
    return (
        r.corporate_number, r.name, row.name_key, furigana, r.kind, prefecture, city, street,
        r.postal_code, address_outside, en_name, r.en_address, r.close_date, r.close_cause,
        r.successor_number, r.change_date, r.update_date, r.assignment_date, row.hihyoji,
    )


def _record(m: sa.RowMapping) -> CorporateRecord:
    """A stored row as the registry's record: the fields kept as published are normalised here."""
    values = {f: m[f] for f in _RECORD_FIELDS}
    for f in PUBLISHED_FIELDS:
        values[f] = display_text(values[f])
    return CorporateRecord(source=RegistrySource.OFFLINE, **values)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class _Ingest:
    """Counts and progress of one load: reads the files in order and yields their latest rows."""

    def __init__(self, files: Sequence[Path], progress: Progress | None, skip_bad: bool) -> None:
        self.files = files
        self.progress = progress
        self.skip_bad = skip_bad
        self.rows = 0
        self.history = 0
        self.bad = 0
        self.bad_lines: list[str] = []

    def _on_bad(self, error: NtaCsvError) -> None:
        self.bad += 1
        if len(self.bad_lines) < MAX_BAD_LINES:
            self.bad_lines.append(str(error))

    def rows_of(self, path: Path, stream: BinaryIO) -> Iterator[NtaRow]:
        reader = NtaCsvReader(stream, name=str(path), skip_bad=self.skip_bad, on_bad=self._on_bad)
        reported = 0
        for n, row in enumerate(reader, start=1):
            self.rows += 1
            if n % PROGRESS_EVERY == 0 and self.progress is not None:
                pos = stream.tell()
                self.progress(pos - reported)
                reported = pos
            if not row.latest:
                self.history += 1
                continue
            yield row
        if self.progress is not None:
            self.progress(path.stat().st_size - reported)

    def all_rows(self) -> Iterator[NtaRow]:
        for path in self.files:
            with path.open("rb") as stream:
                yield from self.rows_of(path, stream)

    def summary(self, inserted: int, updated: int, deleted: int) -> LoadSummary:
        return LoadSummary(
            files=len(self.files), rows=self.rows, inserted=inserted, updated=updated, deleted=deleted,
            skipped=self.history + self.bad, bad=self.bad, bad_lines=tuple(self.bad_lines),
        )


class OfflineRegistry:
    """`CorporateRegistry` over the local table, and its loader (`RegistryLoader`)."""

    source = RegistrySource.OFFLINE

    def __init__(self, engine: sa.Engine, *, load_workers: int = 2, parallel_min_bytes: int = PARALLEL_MIN_BYTES,
                 parallel_min_part: int = PARALLEL_MIN_PART) -> None:
        self.engine = engine
        self.is_postgresql = engine.dialect.name == "postgresql"
        self.load_workers = load_workers
        self.parallel_min_bytes = parallel_min_bytes
        self.parallel_min_part = parallel_min_part
        self.last_timings: dict[str, float] = {}
        """Seconds per step of the last parallel first load (the benchmark prints them)."""

    # -- reading
    def by_numbers(self, numbers: Sequence[str]) -> Sequence[CorporateRecord]:
        wanted = list(dict.fromkeys(numbers))
        if not wanted:
            return []
        query = sa.select(t).where(t.c.corporate_number.in_(wanted))
        with self.engine.connect() as conn:
            found = {m["corporate_number"]: _record(m) for m in conn.execute(query).mappings()}
        return [found[n] for n in wanted if n in found]

    def search_name(self, name: str, *, limit: int = 20) -> Sequence[CorporateRecord]:
        """Exact key first, then names starting with it, then names containing it (PostgreSQL: by
        trigram similarity; SQLite: shortest first). On PostgreSQL, when nothing contains the query, a
        trigram similarity search (`%`) tolerates typos. Rows the NTA excludes from search (hihyoji)
        are left out."""
        key = corporate_name_key(name)
        if not key or limit <= 0:
            return []
        params: dict[str, Any] = {
            "key": key, "prefix": _like_escape(key) + "%", "contains": "%" + _like_escape(key) + "%",
            "limit": limit,
        }
        cols = ", ".join(COLUMNS)
        if self.is_postgresql:
            statements = [_pg_search(cols, contains=len(key) >= 3)]
            if len(key) >= 3:
                statements.append(
                    f"SELECT {cols} FROM registry_corporations WHERE NOT hihyoji "  # noqa: S608
                    "AND name_search % :key ORDER BY similarity(name_search, :key) DESC, name_search LIMIT :limit")
        else:
            statements = [
                f"SELECT {cols} FROM registry_corporations WHERE hihyoji = 0 "  # noqa: S608
                "AND name_search LIKE :contains ESCAPE '\\' "
                "ORDER BY name_search = :key DESC, name_search LIKE :prefix ESCAPE '\\' DESC, "
                "length(name_search), name_search LIMIT :limit",
            ]
        with self.engine.connect() as conn:
            for sql in statements:
                found = [_record(m) for m in conn.execute(sa.text(sql).columns(*t.columns), params).mappings()]
                if found:
                    return found
        return []

    # -- loading
    def load(self, files: Sequence[Path], progress: Progress | None = None, *,
             skip_bad: bool = False) -> LoadSummary:
        return self._ingest(files, progress, skip_bad)

    def apply_diff(self, files: Sequence[Path], progress: Progress | None = None, *,
                   skip_bad: bool = False) -> LoadSummary:
        # A bulk file and a diff file share the layout and the rule (last row of a number wins, 99
        # deletes): the two commands differ in intent, not in mechanics.
        return self._ingest(files, progress, skip_bad)

    def _ingest(self, files: Sequence[Path], progress: Progress | None, skip_bad: bool) -> LoadSummary:
        try:
            if self.is_postgresql and not skip_bad:
                try:
                    return self._copy_files(files, progress)
                except SqlLoadRefused:
                    pass  # valid files the server-side path cannot take: parse them in Python
            ingest = _Ingest(files, progress, skip_bad)
            with self.engine.begin() as conn:
                if self.is_postgresql:
                    counts = _PgLoader(conn).run(ingest.all_rows())
                else:
                    counts = _SqliteLoader(conn).run(ingest.all_rows())
        except NtaCsvError as e:
            raise Invalid({"file": f"法人番号データの形式が正しくありません / not an NTA CSV line: {e}"}) from e
        except OSError as e:
            raise Invalid({"file": f"ファイルを読めません / cannot read: {e}"}) from e
        return ingest.summary(*counts)

    def _copy_files(self, files: Sequence[Path], progress: Progress | None) -> LoadSummary:
        """PostgreSQL: the server parses the files' bytes and normalises in SQL (`pg_load`); the first
        load of large files into the empty registry on several connections (`pg_parallel_load`)."""
        parallel = ParallelFirstLoad(self.engine, files, progress, workers=self.load_workers,
                                     min_bytes=self.parallel_min_bytes, min_part=self.parallel_min_part)
        if parallel.applies():
            try:
                rows, inserted, history = parallel.run()
            except NotForParallel:
                # the single-transaction load below decides; it reads the files again, and the bar
                # has already shown them read
                progress = None if parallel.copied else progress
            else:
                self.last_timings = parallel.timings
                return LoadSummary(files=len(files), rows=rows, inserted=inserted, updated=0, deleted=0,
                                   skipped=history)
        with self.engine.begin() as conn:
            load = PgCopyLoad(conn, files, progress, _drop_name_indexes)
            inserted, updated, deleted = load.run()
            _analyze_after(conn, inserted + updated + deleted)
        return LoadSummary(files=len(files), rows=load.rows, inserted=inserted, updated=updated, deleted=deleted,
                           skipped=load.history)


SEARCH_CANDIDATES = 500
"""At most this many prefix and this many partial matches are ranked by similarity; a query that
matches more (a bare 工業) gets a good page, not the best of hundreds of thousands."""


def _pg_search(cols: str, *, contains: bool) -> str:
    """Exact key (btree), names starting with it (btree range), names containing it (trigram GIN, from
    3 characters: pg_trgm cannot index shorter text), each branch bounded, ranked in that order and then
    by trigram similarity."""
    where = "FROM registry_corporations WHERE NOT hihyoji AND "
    branches = [
        f"(SELECT {cols}, 0 AS rank {where}name_search = :key LIMIT :limit)",
        f"(SELECT {cols}, 1 AS rank {where}name_search LIKE :prefix ESCAPE '\\' AND name_search <> :key "
        f"LIMIT {SEARCH_CANDIDATES})",
    ]
    if contains:
        branches.append(
            f"(SELECT {cols}, 2 AS rank {where}name_search LIKE :contains ESCAPE '\\' "
            f"AND name_search NOT LIKE :prefix ESCAPE '\\' LIMIT {SEARCH_CANDIDATES})")
    return (f"SELECT {cols} FROM ({' UNION ALL '.join(branches)}) s "  # noqa: S608
            "ORDER BY rank, similarity(name_search, :key) DESC, name_search LIMIT :limit")


class _PgLoader:
    """COPY into a temporary staging table, then delete and upsert from its last row per number."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn

    def run(self, rows: Iterable[NtaRow]) -> tuple[int, int, int]:
        conn = self.conn
        conn.exec_driver_sql("SET LOCAL work_mem = '256MB'")
        conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
        conn.exec_driver_sql(
            f"CREATE TEMPORARY TABLE {_STAGING} (seq bigint NOT NULL, process text NOT NULL, "
            f"LIKE registry_corporations) ON COMMIT DROP")
        driver = conn.connection.driver_connection
        assert driver is not None
        deletions = 0
        with driver.cursor() as cur, cur.copy(
            f"COPY {_STAGING} (seq, process, {', '.join(COLUMNS)}) FROM STDIN"
        ) as copy:
            for seq, row in enumerate(rows):
                deletions += row.is_deletion  # a 99 row carries only its number: empty text, no dates
                copy.write_row((seq, row.process, *row_values(row)))
        deleted = 0
        last = (f"SELECT DISTINCT ON (corporate_number) * FROM {_STAGING} "  # noqa: S608
                "ORDER BY corporate_number, seq DESC")
        if deletions:
            deleted = conn.exec_driver_sql(
                f"DELETE FROM registry_corporations t USING ({last}) s "  # noqa: S608
                "WHERE s.process = '99' AND t.corporate_number = s.corporate_number").rowcount
        empty = not conn.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM registry_corporations)").scalar()
        rebuild = _drop_name_indexes(conn) if empty else None
        cols = ", ".join(COLUMNS)
        mine = ", ".join(f"registry_corporations.{c}" for c in _DATA_COLUMNS)
        excluded = ", ".join(f"excluded.{c}" for c in _DATA_COLUMNS)
        sets = ", ".join(f"{c} = excluded.{c}" for c in _DATA_COLUMNS)
        inserted, updated = conn.exec_driver_sql(
            f"WITH changed AS (INSERT INTO registry_corporations ({cols}) "  # noqa: S608
            f"SELECT {cols} FROM ({last}) s WHERE s.process <> '99' "
            f"ON CONFLICT (corporate_number) DO UPDATE SET {sets} "
            f"WHERE ({mine}) IS DISTINCT FROM ({excluded}) "
            "RETURNING (xmax = 0) AS inserted) "
            "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM changed"
        ).one()
        if rebuild is not None:
            rebuild()
        _analyze_after(conn, inserted + updated + deleted)
        return int(inserted), int(updated), deleted


def _drop_name_indexes(conn: sa.Connection) -> Callable[[], None]:
    """Into an empty table (the first load of the country) building the name indexes once at the end is
    several times faster than maintaining them row by row; the DDL is part of the load's transaction.
    Drops them and returns what builds them again."""
    indexes = sorted(t.indexes, key=lambda i: i.name or "")
    for index in indexes:
        conn.execute(sa.schema.DropIndex(index))

    def rebuild() -> None:
        for index in indexes:
            conn.execute(sa.schema.CreateIndex(index))

    return rebuild


def _analyze_after(conn: sa.Connection, changed: int) -> None:
    if changed > 10_000:  # fresh statistics for the planner after a big load
        conn.exec_driver_sql("ANALYZE registry_corporations")


class _SqliteLoader:
    """executemany in batches; within a batch the last row of a number wins, batches apply in order."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn
        cols = ", ".join(COLUMNS)
        marks = ", ".join("?" for _ in COLUMNS)
        sets = ", ".join(f"{c} = excluded.{c}" for c in _DATA_COLUMNS)
        mine = ", ".join(f"registry_corporations.{c}" for c in _DATA_COLUMNS)
        theirs = ", ".join(f"excluded.{c}" for c in _DATA_COLUMNS)
        self.upsert = (f"INSERT INTO registry_corporations ({cols}) VALUES ({marks}) "  # noqa: S608
                       f"ON CONFLICT (corporate_number) DO UPDATE SET {sets} WHERE ({mine}) IS NOT ({theirs})")

    def run(self, rows: Iterable[NtaRow]) -> tuple[int, int, int]:
        inserted = updated = deleted = 0
        batch: dict[str, NtaRow] = {}
        for row in rows:
            batch.pop(row.record.corporate_number, None)  # keep file order: the last row moves to the end
            batch[row.record.corporate_number] = row
            if len(batch) >= SQLITE_BATCH:
                i, u, d = self._flush(batch)
                inserted, updated, deleted = inserted + i, updated + u, deleted + d
                batch = {}
        if batch:
            i, u, d = self._flush(batch)
            inserted, updated, deleted = inserted + i, updated + u, deleted + d
        return inserted, updated, deleted

    def _flush(self, batch: dict[str, NtaRow]) -> tuple[int, int, int]:
        raw = self.conn.connection.driver_connection
        assert raw is not None
        cur = raw.cursor()
        numbers = list(batch)
        marks = ", ".join("?" for _ in numbers)
        existing = {n for (n,) in cur.execute(
            f"SELECT corporate_number FROM registry_corporations WHERE corporate_number IN ({marks})",  # noqa: S608
            numbers)}
        gone = [(n,) for n, row in batch.items() if row.is_deletion and n in existing]
        upserts = [_sqlite_values(row) for row in batch.values() if not row.is_deletion]
        if gone:
            cur.executemany("DELETE FROM registry_corporations WHERE corporate_number = ?", gone)
        before = raw.total_changes
        cur.executemany(self.upsert, upserts)
        changes = raw.total_changes - before
        inserted = sum(1 for n, row in batch.items() if not row.is_deletion and n not in existing)
        cur.close()
        return inserted, changes - inserted, len(gone)


def _sqlite_values(row: NtaRow) -> tuple[Any, ...]:
    return tuple(v.isoformat() if isinstance(v, date) else v for v in row_values(row))
