"""The PostgreSQL load path of the offline registry (ADR 0018): the server parses and normalises.

Each file's bytes stream unchanged to `COPY registry_staging FROM STDIN (FORMAT csv, ENCODING ...)`,
into a temporary table of text columns; Python only looks at the first few KB (encoding, UTF-8 BOM,
the optional header line, the number of fields) and counts bytes for the progress bar. Then SQL
validates every line, normalises (NFKC display fields; the name-search key) and moves the latest row
of each number into `registry_corporations`.

The search key is `corporate_name_key` written in SQL, generated from the constants of
`dps.domain.registry.names` (the corporate forms, the English forms, the edge noise) and from the
behaviour of `normalize_for_search` (the katakana table, Python's whitespace), so the two
implementations cannot drift apart; `tests/integration/registry/test_sql_name_key.py` checks them
against each other. Most names take the inline expression (`key_levels`); the rare ones the inline
expression cannot decide (a name made only of corporate forms) take `pg_temp.registry_name_key`, a
line-for-line PL/pgSQL port of the Python loop.

A line COPY or the SQL checks reject is reported exactly as the Python reader would report it (the
line is re-read and parsed by `nta_csv`); when Python would accept the files after all (a blank
line, lines with different field counts), `SqlLoadRefused` tells the caller to use the Python path.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

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
from dps.application.registry.loading import Progress
from dps.domain.registry.names import EDGE_NOISE, ENGLISH_BOUNDARY, ENGLISH_SUFFIXES, JAPANESE_FORMS
from dps.domain.shared.text import normalize_for_search

STAGING = "registry_staging"
CHUNK = 1 << 20
_HEAD_BYTES = 64 * 1024
_MAX_FIELDS = max(FIELD_COUNTS)
_STAGED = tuple(f"c{i}" for i in range(_MAX_FIELDS))
COLUMNS: tuple[str, ...] = tuple(c.name for c in t.columns)
_DATA_COLUMNS = tuple(c for c in COLUMNS if c != "corporate_number")


class SqlLoadRefused(Exception):
    """The files are valid NTA CSV that this path cannot take (Python's reader accepts them)."""


# -- the pieces of the search key, derived from the Python implementation ---------------------------------

def _python_whitespace() -> str:
    """Every character Python's `str.split()` and `re`'s `\\s` treat as whitespace."""
    return "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())


def _kana_table() -> tuple[str, str]:
    """(from, to) for `translate()`: the characters `normalize_for_search` maps to another single
    character after NFKC and lower case, found by asking it (the katakana → hiragana table)."""
    src, dst = [], []
    for c in map(chr, range(0x3000, 0x3100)):
        if unicodedata.normalize("NFKC", c) == c and c.lower() == c:
            folded = normalize_for_search(c)
            if len(folded) == 1 and folded != c:
                src.append(c)
                dst.append(folded)
    return "".join(src), "".join(dst)


WHITESPACE = _python_whitespace()
KANA_FROM, KANA_TO = _kana_table()


def _bracket(chars: str) -> str:
    """A regular-expression bracket of exactly these characters (escapes for ARE)."""
    return "[" + "".join(c if c.isalnum() or (ord(c) > 0x7F and not c.isspace()) else f"\\u{ord(c):04x}"
                         for c in chars) + "]"


def _literal(text: str) -> str:
    """A SQL string literal (standard_conforming_strings: only quotes are special)."""
    return "'" + text.replace("'", "''") + "'"


_WS = _bracket(WHITESPACE)
_NOISE = _bracket(EDGE_NOISE)
_JF = "(?:" + "|".join(re.escape(f) for f in JAPANESE_FORMS) + ")"
_EN = "(?:" + ENGLISH_SUFFIXES.replace(r"\s", _WS) + ")"
ENGLISH_AT_END = f"{ENGLISH_BOUNDARY}{_EN}$"


def _forms_of(length: int) -> str:
    return "ARRAY[" + ", ".join(_literal(f) for f in JAPANESE_FORMS if len(f) == length) + "]"


_LENGTHS = sorted({len(f) for f in JAPANESE_FORMS}, reverse=True)
_FIRST = "ARRAY[" + ", ".join(_literal(c) for c in sorted({f[0] for f in JAPANESE_FORMS})) + "]"
_LAST = "ARRAY[" + ", ".join(_literal(c) for c in sorted({f[-1] for f in JAPANESE_FORMS})) + "]"


def _front_len(x: str) -> str:
    """Length of the longest corporate form `x` starts with, else 0 (Python: `startswith`, longest)."""
    arms = " ".join(f"WHEN left({x}, {n}) = ANY({_forms_of(n)}) THEN {n}" for n in _LENGTHS)
    return f"CASE WHEN left({x}, 1) = ANY({_FIRST}) THEN CASE {arms} ELSE 0 END ELSE 0 END"


def _back_len(x: str) -> str:
    """Length of the longest corporate form `x` ends with, else 0."""
    arms = " ".join(f"WHEN right({x}, {n}) = ANY({_forms_of(n)}) THEN {n}" for n in _LENGTHS)
    return f"CASE WHEN right({x}, 1) = ANY({_LAST}) THEN CASE {arms} ELSE 0 END ELSE 0 END"


def _fold(expr: str) -> str:
    """`normalize_for_search` of a text expression (it is evaluated once)."""
    return (f"btrim(regexp_replace(translate(lower(normalize({expr}, NFKC)), {_literal(KANA_FROM)}, "
            f"{_literal(KANA_TO)}), {_literal(_WS + '+')}, ' ', 'g'), ' ')")


def function_ddl() -> list[str]:
    """`pg_temp.registry_name_key(text)`: `corporate_name_key` line for line (the slow, exact path)."""
    once = f"""CREATE OR REPLACE FUNCTION pg_temp.registry_name_once(name text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $fn$
DECLARE folded text; txt text; cand text; m text;
BEGIN
  folded := {_fold('name')};
  txt := coalesce(nullif(btrim(folded, {_literal(EDGE_NOISE)}), ''), folded);
  LOOP
    cand := txt;
    m := substring(cand from {_literal('^' + _JF)});
    IF m IS NOT NULL THEN
      cand := substr(cand, length(m) + 1);
    ELSE
      m := substring(cand from {_literal(_JF + '$')});
      IF m IS NOT NULL THEN
        cand := left(cand, length(cand) - length(m));
      ELSIF ascii(right(cand, 1)) < 128 THEN
        cand := regexp_replace(cand, {_literal(ENGLISH_AT_END)}, '');
      END IF;
    END IF;
    cand := btrim(cand, {_literal(EDGE_NOISE)});
    IF cand = txt OR cand = '' THEN
      EXIT;
    END IF;
    txt := cand;
  END LOOP;
  RETURN regexp_replace(txt, {_literal(_WS + '+')}, '', 'g');
END $fn$"""
    key = """CREATE OR REPLACE FUNCTION pg_temp.registry_name_key(name text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $fn$
DECLARE k text; again text;
BEGIN
  k := pg_temp.registry_name_once(name);
  FOR i IN 1..8 LOOP
    again := pg_temp.registry_name_once(k);
    IF again = k THEN
      RETURN k;
    END IF;
    k := again;
  END LOOP;
  RETURN k;
END $fn$"""
    return [once, key]


def _level(inner: str, expr: str, name: str) -> str:
    # OFFSET 0 keeps each level a subquery of its own, so an expression is computed once per row
    # (a flattened subquery would repeat it wherever the next level uses it).
    return f"SELECT x.*, {expr} AS {name} FROM ({inner}) x OFFSET 0"  # noqa: S608


def _front_step(sql: str, x: str, out: str) -> str:
    """One turn of Python's loop at the front: the longest form removed and the edge noise stripped;
    NULL when nothing would be left (Python then keeps the text: the exact function decides)."""
    sql = _level(sql, _front_len(x), f"{out}_n")
    return _level(sql, f"CASE WHEN {out}_n = 0 THEN {x} "
                       f"ELSE nullif(btrim(substr({x}, {out}_n + 1), {_literal(EDGE_NOISE)}), '') END", out)


def _back_step(sql: str, x: str, out: str) -> str:
    """One turn at the end (once no form is in front): the longest Japanese form, else an English form
    when the text ends in ASCII; NULL when nothing would be left."""
    noise = _literal(EDGE_NOISE)
    sql = _level(sql, _back_len(x), f"{out}_n")
    return _level(sql, f"CASE WHEN {out}_n > 0 THEN nullif(btrim(left({x}, -{out}_n), {noise}), '') "
                       f"WHEN ascii(right({x}, 1)) < 128 THEN "
                       f"nullif(btrim(regexp_replace({x}, {_literal(ENGLISH_AT_END)}, ''), {noise}), '') "
                       f"ELSE {x} END", out)


def _pass(sql: str, start: str, out: str) -> str:
    """`_strip_forms` unrolled: one turn at the front, one at the end, each its own level so that no
    expression is computed twice; a name that needs another turn (or would be left empty) gets NULL,
    for the exact function."""
    sql = _level(sql, start, f"{out}_s")
    sql = _front_step(sql, f"{out}_s", f"{out}_f")
    sql = _level(sql, _front_len(f"{out}_f"), f"{out}_fn")
    sql = _back_step(sql, f"CASE WHEN {out}_fn = 0 THEN {out}_f END", f"{out}_b1")
    sql = _back_step(sql, f"{out}_b1", f"{out}_b2")
    return _level(sql, f"CASE WHEN {out}_b2 = {out}_b1 THEN {out}_b1 END", out)


def key_levels(inner: str, name: str = "c6") -> str:
    """`inner` (a SELECT with the text column `name`) plus the column `name_key`, the search key.

    Python's `_once` inline, as string operations (a regular expression over the form list is several
    times slower in PostgreSQL): fold (NFKC, lower case, katakana to hiragana, whitespace runs to one
    space); strip the edge noise (unless nothing else is left); the loop of `_strip_forms`, unrolled;
    spaces removed. Names the unrolled loop cannot finish take the exact function,
    `pg_temp.registry_name_key`: a name made only of forms, two forms in front or two behind, or a
    name with a space left inside (Python's second pass may find a form the space had broken)."""
    ws = _literal(_WS)
    sql = _level(inner, f"CASE WHEN {name} IS NFKC NORMALIZED THEN {name} ELSE normalize({name}, NFKC) END", "k1")
    sql = _level(sql, f"lower(CASE WHEN k1 ~ '[ァ-ヶ]' THEN translate(k1, {_literal(KANA_FROM)}, "
                      f"{_literal(KANA_TO)}) ELSE k1 END)", "k2")
    sql = _level(sql, f"CASE WHEN k2 ~ {ws} THEN btrim(regexp_replace(k2, {_literal(_WS + '+')}, ' ', 'g'), ' ') "
                      "ELSE k2 END", "k3")
    noise = _literal(EDGE_NOISE)
    sql = _pass(sql, f"coalesce(nullif(btrim(k3, {noise}), ''), k3)", "p1")
    # After the fold every whitespace is one plain space; a key with one inside takes the exact path.
    return _level(sql, f"CASE WHEN p1 IS NULL OR strpos(p1, ' ') > 0 THEN pg_temp.registry_name_key({name}) "
                       "ELSE p1 END", "name_key")


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

class _Cols:
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
                f"{_literal(WHITESPACE)})")

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

    def checked(self) -> str:
        """The staging table with the bases of its corporate numbers, for `valid`."""
        def base(col: str) -> str:
            return f"CASE WHEN {_digits(col, 13)} THEN substr({col}, 2)::bigint END"
        return f"SELECT ctid AS row_id, *, {base('c1')} AS b1, {base('c20')} AS b20 FROM {STAGING} OFFSET 0"  # noqa: S608

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


_USED = ", ".join(f"c{i}" for i in (1, 2, 4, 5, 6, 8, 9, 10, 11, 15, 16, 18, 19, 20, 22, *range(24, 30)))
"""The staged columns the table is made of (fewer columns to carry through the levels of the key)."""
_DUPLICATE = ("23505", "21000")  # unique_violation; ON CONFLICT DO UPDATE reaching a row twice


class _Duplicate(Exception):
    """A number occurs twice in the files: the fast path cannot decide which row wins."""


def _sqlstate(e: sa.exc.DBAPIError) -> str:
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
        cols = ", ".join(_STAGED[: item.fields])
        options = f"FORMAT csv, ENCODING '{item.encoding}', FORCE_NOT_NULL ({cols})"
        if item.header:
            options += ", HEADER"
        driver = self.conn.connection.driver_connection
        assert driver is not None
        with item.path.open("rb") as f, driver.cursor() as cur:
            if item.skip:
                f.read(item.skip)
                if self.progress is not None:
                    self.progress(item.skip)
            with cur.copy(f"COPY {STAGING} ({cols}) FROM STDIN ({options})") as copy:
                while chunk := f.read(CHUNK):
                    copy.write(chunk)
                    if self.progress is not None:
                        self.progress(len(chunk))
            return int(cur.rowcount)

    def run(self) -> tuple[int, int, int]:
        conn = self.conn
        layouts = [layout(p) for p in self.files]
        cols = _Cols(layouts)
        conn.exec_driver_sql("SET LOCAL work_mem = '256MB'")
        conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
        # Created in this transaction, so COPY skips the free-space map and appends: the physical
        # order (ctid) of the staged rows is the order of the files and their lines.
        conn.exec_driver_sql(
            f"CREATE TEMPORARY TABLE {STAGING} ({', '.join(f'{c} text' for c in _STAGED)}) ON COMMIT DROP")
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
        history, deletions, bad = conn.exec_driver_sql(
            f"SELECT count(*) FILTER (WHERE NOT ({cols.latest()})), "  # noqa: S608
            f"count(*) FILTER (WHERE c2 = '99' AND {cols.latest()}), "
            f"min(row_id) FILTER (WHERE NOT ({cols.valid()})) FROM ({cols.checked()}) s").one()
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

    def _move(self, cols: _Cols, *, fast: bool) -> tuple[int, int, int]:
        """Fast (no number twice, no deletion): every latest row, in file order. General: the last row
        of each number (DISTINCT ON, latest line first), deletions first."""
        conn = self.conn
        names = ", ".join(COLUMNS)
        if fast:
            last = f"SELECT {_USED} FROM {STAGING} WHERE {cols.latest()}"  # noqa: S608
        else:
            last = (f"SELECT DISTINCT ON (c1) {_USED} FROM {STAGING} WHERE {cols.latest()} "  # noqa: S608
                    "ORDER BY c1, ctid DESC")
        deleted = 0
        if not fast:
            deleted = conn.exec_driver_sql(
                f"DELETE FROM registry_corporations t USING ({last}) s "  # noqa: S608
                "WHERE s.c2 = '99' AND t.corporate_number = s.c1").rowcount
        kept = f"SELECT * FROM ({last}) l WHERE c2 <> {_literal(PROCESS_DELETED)}"  # noqa: S608
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
            if fast and _sqlstate(e) in _DUPLICATE:
                raise _Duplicate from e
            raise
        return int(inserted), int(updated), deleted
