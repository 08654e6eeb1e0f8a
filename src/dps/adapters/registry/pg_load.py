"""The PostgreSQL load path of the offline registry (ADR 0018): the server parses and normalises.

Each file's bytes stream unchanged to `COPY registry_staging FROM STDIN (FORMAT csv, ENCODING ...)`,
into a temporary table of text columns; Python only looks at the first few KB (encoding, UTF-8 BOM,
the optional header line, the number of fields: `pg_files`) and counts bytes for the progress bar. Then SQL
validates every line, normalises (NFKC display fields; the name-search key) and moves the latest row
of each number into `registry_corporations`.

The search key is `corporate_name_key` written in SQL (`pg_name_key`).

A line COPY or the SQL checks reject is reported exactly as the Python reader would report it (the
line is re-read and parsed by `nta_csv`); when Python would accept the files after all (a blank
line, lines with different field counts), `SqlLoadRefused` tells the caller to use the Python path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import psycopg
import sqlalchemy as sa

from dps.adapters.db.tables.registry import registry_corporations as t
from dps.adapters.registry.nta_csv import PROCESS_DELETED
from dps.adapters.registry.pg_files import (
    STAGED,
    Layout,
    Part,
    SqlLoadRefused,
    copy_error_line,
    copy_part,
    diagnose,
    layout,
)
from dps.adapters.registry.pg_name_key import WHITESPACE, function_ddl, key_levels, literal
from dps.application.registry.loading import Progress

STAGING = "registry_staging"
COLUMNS: tuple[str, ...] = tuple(c.name for c in t.columns)
_DATA_COLUMNS = tuple(c for c in COLUMNS if c != "corporate_number")


# -- the load -------------------------------------------------------------------------------------------

class StagedColumns:
    """Staged columns as text expressions: a column some files lack is NULL in their rows (COPY fills
    only the columns a file has), read as '' like the Python reader's short versions."""

    def __init__(self, files: Sequence[Layout]) -> None:
        present = [x.fields for x in files if x.fields]
        self.lo = min(present, default=0)
        self.hi = max(present, default=0)

    def __call__(self, i: int) -> str:
        return f"c{i}" if i < self.lo else f"coalesce(c{i}, '')" if i < self.hi else "''"

    def text(self, i: int) -> str:
        """A display field as `nta_csv._text` makes it: NFKC, Python's whitespace trimmed."""
        if i >= self.hi:
            return "''"
        c = self(i)
        return (f"btrim(CASE WHEN {c} IS NFKC NORMALIZED THEN {c} ELSE normalize({c}, NFKC) END, "
                f"{literal(WHITESPACE)})")

    def latest(self) -> str:
        """Not a change-history row (`latest` is '0' only there; versions without it are latest)."""
        return f"{self(23)} <> '0'"

    def valid(self) -> str:
        """What `nta_csv.parse_fields` checks, for one staged line (history lines included); from a
        level that has the bases of the two corporate numbers as bigints (`b1`, `b20`)."""
        dates = " AND ".join(_date_shape(f"c{i}") for i in (4, 5, 18, 22))
        return (f"b1 IS NOT NULL AND {_check_digit('c1', 'b1')} AND {_digits('c2', 2)} AND {dates} "
                f"AND (c6 <> '' OR c2 = '99') AND (c20 = '' OR (b20 IS NOT NULL AND {_check_digit('c20', 'b20')})) "
                f"AND {self(23)} IN ('', '0', '1')")

    def checked(self, table: str = STAGING) -> str:
        """A staging table with the bases of its corporate numbers, for `valid`."""
        def base(col: str) -> str:
            return f"CASE WHEN {_digits(col, 13)} THEN substr({col}, 2)::bigint END"
        return f"SELECT ctid AS row_id, *, {base('c1')} AS b1, {base('c20')} AS b20 FROM {table} OFFSET 0"  # noqa: S608

    def scan(self, table: str = STAGING) -> str:
        """One scan of a staging table that checks every line as the Python reader does: history rows,
        deletions, and the first invalid row (its ctid) or NULL."""
        return (f"SELECT count(*) FILTER (WHERE NOT ({self.latest()})), "  # noqa: S608
                f"count(*) FILTER (WHERE c2 = '99' AND {self.latest()}), "
                f"min(row_id) FILTER (WHERE NOT ({self.valid()})) FROM ({self.checked(table)}) s")

    def row(self) -> str:
        """The table's columns (COLUMNS order) from a staged row that has `name_key`."""
        values = self.values()
        return ", ".join(f"{values[c]} AS {c}" for c in COLUMNS)

    def unchanged(self, stored: str) -> str:
        """The staged row would store what the `stored` row of the table holds: every column but the search
        key, which follows from the name."""
        values = self.values()
        compared = [c for c in _DATA_COLUMNS if c != "name_search"]
        return (f"({', '.join(f'{stored}.{c}' for c in compared)}) IS NOT DISTINCT FROM "
                f"({', '.join(values[c] for c in compared)})")

    def values(self) -> dict[str, str]:
        """Each column of the table as an expression over a staged row (`name_key` for the search key)."""
        text = self.text
        en_address = (f"coalesce(nullif(concat_ws(', ', CASE WHEN {self(26)} <> '' THEN {text(26)} END, "
                      f"CASE WHEN {self(25)} <> '' THEN {text(25)} END), ''), {text(27)})")
        values = {  # the PUBLISHED_FIELDS as the file has them: the registry normalises them on read
            "corporate_number": "c1", "name": "c6", "name_search": "name_key", "furigana": self(28),
            "kind": "c8", "prefecture": "c9", "city": "c10", "street": "c11", "postal_code": "c15",
            "address_outside": "c16", "en_name": self(24), "en_address": en_address,
            "close_date": "nullif(c18, '')::date", "close_cause": "c19", "successor_number": "c20",
            "change_date": "nullif(c5, '')::date", "update_date": "nullif(c4, '')::date",
            "assignment_date": "nullif(c22, '')::date", "hihyoji": f"{self(29)} = '1'",
        }
        return values


def _digits(col: str, n: int) -> str:
    """`n` ASCII digits (cheaper than a regular expression on millions of rows)."""
    return f"(octet_length({col}) = {n} AND ltrim({col}, '0123456789') = '')"


def _check_digit(col: str, base: str) -> str:
    """The NTA check digit: the first digit is 9 - (2 * the sum of the odd-placed digits of the 12-digit
    base + the sum of the even-placed ones) mod 9; that sum is, mod 9, the base's value (10 = 1 mod 9)
    plus the odd-placed digits once more. `base` is the base as a bigint."""
    odd = " + ".join(f"mod({base} / {10 ** p}, 10)" for p in (11, 9, 7, 5, 3, 1))  # mod(): no % for the driver
    return f"ascii({col}) - 48 = 9 - mod(mod({base}, 9) + {odd}, 9)"


def _date_shape(col: str) -> str:
    """Empty or a valid date written YYYY-MM-DD: the text is the date's own ISO output (needs
    `DATESTYLE`; a cast is cheaper than checking the shape character by character). An impossible date
    such as 2024-02-30 fails the statement, and the Python reader then names the line."""
    return f"({col} = '' OR {col}::date::text = {col})"


DATESTYLE = "SET LOCAL DateStyle = 'ISO, YMD'"
"""What `_date_shape` needs: dates printed as YYYY-MM-DD, whatever the server's or role's setting."""


USED = ", ".join(f"c{i}" for i in (1, 2, 4, 5, 6, 8, 9, 10, 11, 15, 16, 18, 19, 20, 22, *range(24, 30)))
"""The staged columns the table is made of (fewer columns to carry through the levels of the key)."""
DUPLICATE_STATES = ("23505", "21000")  # unique_violation; ON CONFLICT DO UPDATE reaching a row twice


class _Duplicate(Exception):
    """A number occurs twice in the files: the fast path cannot decide which row wins."""


def sqlstate(e: sa.exc.DBAPIError) -> str:
    return str(getattr(e.orig, "sqlstate", "") or "")


class PgCopyLoad:
    """One load on one connection, inside the caller's transaction. `drop_indexes` drops the name
    indexes of the (empty) table and returns what rebuilds them."""

    def __init__(self, conn: sa.Connection, files: Sequence[Path], progress: Progress | None,
                 drop_indexes: Callable[[sa.Connection], Callable[[], None]]) -> None:
        self.conn = conn
        self.files = files
        self.progress = progress
        self.drop_indexes = drop_indexes
        self.rows = 0
        self.history = 0

    def _copy(self, item: Layout) -> int:
        driver = self.conn.connection.driver_connection
        assert driver is not None
        return copy_part(driver, STAGING, Part(item), self.progress)

    def run(self) -> tuple[int, int, int]:
        conn = self.conn
        layouts = [layout(p) for p in self.files]
        cols = StagedColumns(layouts)
        conn.exec_driver_sql("SET LOCAL work_mem = '256MB'")
        conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
        # Created in this transaction, so COPY skips the free-space map and appends: the physical
        # order (ctid) of the staged rows is the order of the files and their lines.
        conn.exec_driver_sql(
            f"CREATE TEMPORARY TABLE {STAGING} ({', '.join(f'{c} text' for c in STAGED)}) ON COMMIT DROP")
        counts: list[int] = []
        for item in layouts:
            if not item.fields:
                counts.append(0)
                if self.progress is not None:
                    self.progress(item.path.stat().st_size)
                continue
            try:
                counts.append(self._copy(item))
            except sa.exc.DBAPIError as e:
                raise self._copy_failed(item, e) from e
            except psycopg.Error as e:
                raise self._copy_failed(item, e) from e
        self.rows = sum(counts)
        if not self.rows:
            return 0, 0, 0
        for ddl in function_ddl():
            conn.exec_driver_sql(ddl)
        conn.exec_driver_sql(DATESTYLE)
        try:
            # One scan checks every line as the Python reader does and counts history rows and deletions.
            history, deletions, bad = conn.exec_driver_sql(cols.scan()).one()
            self.history = int(history)
            if bad is not None:
                raise self._invalid_row(layouts, counts, str(bad))
            if not deletions:
                try:
                    with conn.begin_nested():
                        return self._move(cols, fast=True)
                except _Duplicate:
                    pass
            with conn.begin_nested():
                return self._move(cols, fast=False)
        except sa.exc.DataError as e:  # a date such as 2024-02-30: the Python reader names the line
            raise SqlLoadRefused(str(e.orig).splitlines()[0]) from e

    def _copy_failed(self, item: Layout, e: Exception) -> Exception:
        orig = e.orig if isinstance(e, sa.exc.DBAPIError) else e
        number = copy_error_line(orig) if isinstance(orig, psycopg.Error) else None
        if number is not None and (error := diagnose(item, number)) is not None:
            return error
        return SqlLoadRefused(f"{item.path}: {str(orig).splitlines()[0] if str(orig) else type(orig).__name__}")

    def _invalid_row(self, layouts: list[Layout], counts: list[int], ctid: str) -> Exception:
        before = int(self.conn.exec_driver_sql(
            f"SELECT count(*) FROM {STAGING} WHERE ctid < %(ctid)s::tid", {"ctid": ctid}).scalar_one())  # noqa: S608
        for item, n in zip(layouts, counts, strict=True):
            if before < n:
                number = before + 1 + item.header
                return diagnose(item, number) or SqlLoadRefused(f"{item.path}:{number}: rejected by the SQL checks")
            before -= n
        return SqlLoadRefused(f"staged row {ctid} rejected by the SQL checks")

    def _move(self, cols: StagedColumns, *, fast: bool) -> tuple[int, int, int]:
        """Fast (no number twice, no deletion): every latest row, in file order. General: the last row
        of each number (DISTINCT ON, latest line first), deletions first."""
        conn = self.conn
        names = ", ".join(COLUMNS)
        if fast:
            last = f"SELECT {USED} FROM {STAGING} WHERE {cols.latest()}"  # noqa: S608
        else:
            last = (f"SELECT DISTINCT ON (c1) {USED} FROM {STAGING} WHERE {cols.latest()} "  # noqa: S608
                    "ORDER BY c1, ctid DESC")
        deleted = 0
        if not fast:
            deleted = conn.exec_driver_sql(
                f"DELETE FROM registry_corporations t USING ({last}) s "  # noqa: S608
                "WHERE s.c2 = '99' AND t.corporate_number = s.c1").rowcount
        kept = f"SELECT * FROM ({last}) l WHERE c2 <> {literal(PROCESS_DELETED)}"  # noqa: S608
        rows = f"SELECT {cols.row()} FROM ({key_levels(kept)}) s"  # noqa: S608
        try:
            if not conn.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM registry_corporations)").scalar():
                rebuild = self.drop_indexes(conn)
                inserted = conn.exec_driver_sql(f"INSERT INTO registry_corporations ({names}) {rows}").rowcount
                rebuild()
                return inserted, 0, deleted
            # A reload of a file mostly repeats what is stored: rows that would store the same skip the key and
            # the upsert (a join on the number and a comparison instead).
            changed = (f"SELECT l.* FROM ({kept}) l LEFT JOIN registry_corporations r ON r.corporate_number = l.c1 "  # noqa: S608
                       f"WHERE r.corporate_number IS NULL OR NOT ({cols.unchanged('r')})")
            rows = f"SELECT {cols.row()} FROM ({key_levels(changed)}) s"  # noqa: S608
            mine = ", ".join(f"registry_corporations.{c}" for c in _DATA_COLUMNS)
            excluded = ", ".join(f"excluded.{c}" for c in _DATA_COLUMNS)
            sets = ", ".join(f"{c} = excluded.{c}" for c in _DATA_COLUMNS)
            inserted, updated = conn.exec_driver_sql(
                f"WITH changed AS (INSERT INTO registry_corporations ({names}) {rows} "  # noqa: S608
                f"ON CONFLICT (corporate_number) DO UPDATE SET {sets} "
                f"WHERE ({mine}) IS DISTINCT FROM ({excluded}) "
                "RETURNING (xmax = 0) AS inserted) "
                "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM changed"
            ).one()
        except sa.exc.DBAPIError as e:
            if fast and sqlstate(e) in DUPLICATE_STATES:
                raise _Duplicate from e
            raise
        return int(inserted), int(updated), deleted
