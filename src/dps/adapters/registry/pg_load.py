"""The PostgreSQL load path of the offline registry (ADR 0018): the server parses and normalises.

Each file's bytes stream unchanged to `COPY registry_staging FROM STDIN (FORMAT csv, ENCODING ...)`,
into a temporary table of text columns; Python only looks at the first few KB (encoding, UTF-8 BOM,
the optional header line, the number of fields) and counts bytes for the progress bar. Then SQL
validates every line, normalises (NFKC display fields; the name-search key) and moves the latest row
of each number into `registry_corporations`.

The search key is `corporate_name_key` written in SQL (`pg_name_key`).

A line COPY or the SQL checks reject is reported exactly as the Python reader would report it (the
line is re-read and parsed by `nta_csv`); when Python would accept the files after all (a blank
line, lines with different field counts), `SqlLoadRefused` tells the caller to use the Python path.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa
from attrs import frozen

from dps.adapters.db.tables.registry import registry_corporations as t
from dps.adapters.registry.nta_csv import (
    FIELD_COUNTS,
    PROCESS_DELETED,
    NtaCsvError,
    NtaCsvReader,
    parse_fields,
    sniff_encoding,
)
from dps.adapters.registry.pg_name_key import WHITESPACE, function_ddl, key_levels, literal
from dps.application.registry.loading import Progress

STAGING = "registry_staging"
CHUNK = 1 << 20
_HEAD_BYTES = 64 * 1024
_MAX_FIELDS = max(FIELD_COUNTS)
STAGED = tuple(f"c{i}" for i in range(_MAX_FIELDS))
COLUMNS: tuple[str, ...] = tuple(c.name for c in t.columns)
_DATA_COLUMNS = tuple(c for c in COLUMNS if c != "corporate_number")


class SqlLoadRefused(Exception):
    """The files are valid NTA CSV that this path cannot take (Python's reader accepts them)."""


# -- the file's head ------------------------------------------------------------------------------------

@frozen
class Layout:
    """What COPY needs to know about one file, from its first lines."""

    path: Path
    encoding: str  # PostgreSQL's name: UTF8 or SJIS
    codec: str  # Python's: utf-8, utf-8-sig or cp932
    skip: int  # bytes of a UTF-8 byte-order mark
    header: bool
    fields: int  # 0: the file has no record line


def layout(path: Path) -> Layout:
    """Encoding, BOM, header line and field count from the first 64 KiB. The first lines go through
    the Python reader too, so a bad header or first record is reported exactly as before."""
    with path.open("rb") as f:
        head = f.read(_HEAD_BYTES)
    codec = sniff_encoding(head)
    skip = len(codecs.BOM_UTF8) if codec == "utf-8-sig" else 0
    encoding = "SJIS" if codec == "cp932" else "UTF8"
    lines = head.split(b"\n")
    if len(head) == _HEAD_BYTES:
        lines = lines[:-1]  # the last piece may be cut
    lines = lines[:2]
    if not lines:
        raise SqlLoadRefused(f"{path}: no line break in the first {_HEAD_BYTES} bytes")
    if any(not x.strip(b"\r") for x in lines) and len(lines) > 1 and lines[1:] != [b""]:
        raise SqlLoadRefused(f"{path}: a blank line among the first lines")  # Python skips it, COPY would not
    reader = NtaCsvReader(io.BytesIO(b"\n".join(lines) + b"\n"), name=str(path), encoding=codec)
    list(reader)  # raises NtaCsvError for a bad header or first record line
    record = lines[1:2] if reader.header is not None else lines[:1]
    if not record or not record[0].strip(b"\r"):
        return Layout(path, encoding, codec, skip, reader.header is not None, 0)
    text = record[0].decode(codec).rstrip("\r")
    return Layout(path, encoding, codec, skip, reader.header is not None, len(next(csv.reader([text]))))


@frozen
class Part:
    """A byte range of one file that one COPY reads: the file's first part keeps its BOM and header line;
    a later part starts at the beginning of a line."""

    item: Layout
    start: int = 0
    end: int | None = None  # None: to the end of the file

    @property
    def size(self) -> int:
        return (self.item.path.stat().st_size if self.end is None else self.end) - self.start


def copy_part(driver: psycopg.Connection[Any], table: str, part: Part, progress: Progress | None) -> int:
    """COPY one part's bytes into a staging table of text columns; returns the rows COPY took."""
    item = part.item
    cols = ", ".join(STAGED[: item.fields])
    options = f"FORMAT csv, ENCODING '{item.encoding}', FORCE_NOT_NULL ({cols})"
    if item.header and part.start == 0:
        options += ", HEADER"
    left = part.size
    with item.path.open("rb") as f, driver.cursor() as cur:
        f.seek(part.start)
        if item.skip and part.start == 0:
            f.read(item.skip)
            left -= item.skip
            if progress is not None:
                progress(item.skip)
        with cur.copy(f"COPY {table} ({cols}) FROM STDIN ({options})") as copy:
            while left > 0 and (chunk := f.read(min(CHUNK, left))):
                copy.write(chunk)
                left -= len(chunk)
                if progress is not None:
                    progress(len(chunk))
        return int(cur.rowcount)


# -- errors ---------------------------------------------------------------------------------------------

_COPY_LINE = re.compile(r"line (\d+)")


def copy_error_line(error: psycopg.Error) -> int | None:
    """The file line COPY names in its error context ("COPY registry_staging, line 3, ...")."""
    context = error.diag.context or ""
    m = _COPY_LINE.search(context)
    return int(m.group(1)) if m else None


def read_line(path: Path, number: int) -> bytes | None:
    """The bytes of physical line `number` (1-based) of the file, without its line break."""
    seen = 0
    carry = b""
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            data = carry + chunk
            start = 0
            while True:
                end = data.find(b"\n", start)
                if end < 0:
                    break
                seen += 1
                if seen == number:
                    return data[start:end]
                start = end + 1
            carry = data[start:]
    return carry if seen + 1 == number and carry else None


def diagnose(item: Layout, number: int) -> NtaCsvError | None:
    """The error the Python reader reports for line `number` of the file, or None if it accepts it."""
    raw = read_line(item.path, number)
    if raw is None:
        return None
    if number == 1 and item.skip:
        raw = raw[item.skip:]
    name = str(item.path)
    try:
        text = raw.decode("utf-8" if item.codec == "utf-8-sig" else item.codec)
    except UnicodeDecodeError as e:
        return NtaCsvError(number, f"not {item.codec} text: {e.reason}", name=name)
    if not text.strip("\r"):
        return None
    try:
        fields = next(csv.reader([text.rstrip("\r")], strict=True))
    except csv.Error as e:
        return NtaCsvError(number, f"bad CSV quoting: {e}", name=name)
    try:
        parse_fields(fields, number)
    except NtaCsvError as e:
        return NtaCsvError(number, e.reason, name=name)
    return None


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
        text = self.text
        en_address = (f"coalesce(nullif(concat_ws(', ', CASE WHEN {self(26)} <> '' THEN {text(26)} END, "
                      f"CASE WHEN {self(25)} <> '' THEN {text(25)} END), ''), {text(27)})")
        values = {
            "corporate_number": "c1", "name": "c6", "name_search": "name_key", "furigana": text(28),
            "kind": "c8", "prefecture": text(9), "city": text(10), "street": text(11), "postal_code": "c15",
            "address_outside": text(16), "en_name": text(24), "en_address": en_address,
            "close_date": "nullif(c18, '')::date", "close_cause": "c19", "successor_number": "c20",
            "change_date": "nullif(c5, '')::date", "update_date": "nullif(c4, '')::date",
            "assignment_date": "nullif(c22, '')::date", "hihyoji": f"{self(29)} = '1'",
        }
        return ", ".join(f"{values[c]} AS {c}" for c in COLUMNS)


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
    """YYYY-MM-DD by its shape; the cast to date when the row is moved checks the values (a bad one
    fails the statement, and the Python reader then names the line)."""
    return (f"({col} = '' OR (octet_length({col}) = 10 AND substr({col}, 5, 1) = '-' "
            f"AND substr({col}, 8, 1) = '-' AND ltrim({col}, '0123456789-') = ''))")


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
        # One scan checks every line as the Python reader does and counts history rows and deletions.
        history, deletions, bad = conn.exec_driver_sql(cols.scan()).one()
        self.history = int(history)
        if bad is not None:
            raise self._invalid_row(layouts, counts, str(bad))
        try:
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
