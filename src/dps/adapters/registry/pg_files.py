"""What COPY reads on the PostgreSQL load path of the offline registry (ADR 0018, 0021): each file's layout
from its first lines (encoding, BOM, header, field count), byte ranges of a file (parts) streamed to
COPY, and the file line behind a COPY error or a row the checks reject, reported as the Python reader
(`nta_csv`) reports it."""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path
from typing import Any

import psycopg
from attrs import frozen

from dps.adapters.registry.nta_csv import FIELD_COUNTS, NtaCsvError, NtaCsvReader, parse_fields, sniff_encoding
from dps.application.registry.loading import Progress

CHUNK = 1 << 20
_HEAD_BYTES = 64 * 1024
STAGED = tuple(f"c{i}" for i in range(max(FIELD_COUNTS)))
"""The text columns of a staging table: c0, c1, ... as many as the widest NTA layout has fields."""


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
