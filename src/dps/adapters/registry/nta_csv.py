"""Reader of the NTA's CSV format (法人番号システム Web-API `type=01`/`02` responses and the bulk download
and daily diff files, which share the layout): streams `NtaRow`s from a binary file, one line at a time.

Shared by the offline registry loader and the online NTA client. What it accepts (external-apis.md §1.4):
- an optional header line `lastUpdateDate,count,divideNumber,divideSize` (Web-API responses have it, a
  bulk file may not), then one corporation per line with 23 (API v1), 28 (v2), 29 (v3) or 30 (v4) fields;
- CRLF or LF, `"` quoting with `""` escapes;
- Shift_JIS (decoded as CP932) or UTF-8 with or without BOM, detected from the first 64 KiB;
- process=99 (削除) rows with every field but the number, process and update date empty.
Names are kept as published; display fields are NFKC-normalised (full-width digits and Latin letters
folded) and each row carries the search key of its name (`corporate_name_key`).
A malformed line raises `NtaCsvError` with its line number, or, with `skip_bad=True`, is skipped and
reported to `on_bad` (the loaders count them).
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date
from typing import BinaryIO

from attrs import frozen

from dps.application.registry.ports import CorporateRecord, RegistrySource
from dps.domain.registry.names import corporate_name_key

FIELD_COUNTS = (23, 28, 29, 30)
"""Fields per record line by API version: v1 23, v2 28 (latest, en*), v3 29 (furigana), v4 30 (hihyoji)."""

PROCESS_DELETED = "99"
_SNIFF_BYTES = 64 * 1024


class NtaCsvError(ValueError):
    """A line that is not an NTA record; `line` is the 1-based physical line number in the file."""

    def __init__(self, line: int, reason: str, *, name: str = "") -> None:
        where = f"{name}:{line}" if name else f"line {line}"
        super().__init__(f"{where}: {reason}")
        self.line = line
        self.reason = reason
        self.name = name


@frozen
class NtaHeader:
    """The response header line: when the published data was last updated, hits and chunking."""

    last_update_date: date | None
    count: int
    divide_number: int
    divide_size: int


PUBLISHED_FIELDS = ("furigana", "prefecture", "city", "street", "address_outside", "en_name")
"""Display fields of `CorporateRecord` the offline registry keeps as published (`NtaRow.published`)."""


@frozen
class NtaRow:
    """One record line: the corporation as published plus what the loaders need around it."""

    record: CorporateRecord
    process: str
    """処理区分: 01 new, 11 name, 12 address, 13 foreign address, 21 closed, 22 restored, 71 merged,
    72 merger void, 81 trade name struck off, 99 deleted."""
    latest: bool
    """False for a change-history row (`history=1`); v1 rows, which lack the column, count as latest."""
    hihyoji: bool
    """検索対象除外: the NTA keeps it out of name search; DPS does the same."""
    name_key: str
    """`corporate_name_key(name)`, the name-search key."""
    published: tuple[str, ...]
    """`PUBLISHED_FIELDS` as the file has them: the offline registry stores these and normalises them
    when it reads them (`display_text`), which spares the load 6 NFKC passes per line (ADR 0018)."""
    sequence: int
    line: int

    @property
    def is_deletion(self) -> bool:
        return self.process == PROCESS_DELETED


def sniff_encoding(head: bytes) -> str:
    """'utf-8-sig' for a BOM, 'utf-8' when the head decodes as UTF-8 (a multi-byte character cut at the
    end is fine), else 'cp932' (the Shift_JIS the NTA serves, with Microsoft's extensions)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start < len(head) - 3:
            return "cp932"
    return "utf-8"


def parse_date(value: str, line: int = 0, field: str = "date") -> date | None:
    """`YYYY-MM-DD`, or None for an empty field."""
    if not value:
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else _bad_date(value)
    except ValueError:
        raise NtaCsvError(line, f"{field}: not a YYYY-MM-DD date: {value!r}") from None


def _bad_date(value: str) -> date:
    raise ValueError(value)


def display_text(value: str) -> str:
    """Display text: NFKC (full-width digits, Latin letters and spaces folded), trimmed."""
    return unicodedata.normalize("NFKC", value).strip() if value else ""


def _number(value: str, line: int, field: str) -> str:
    if len(value) != 13 or not value.isascii() or not value.isdigit():
        raise NtaCsvError(line, f"{field}: a corporate number has 13 digits: {value!r}")
    # check_digit, unrolled for speed on millions of rows: weights 2,1,2,... from the left of the base
    if int(value[0]) != 9 - (2 * sum(map(int, value[1::2])) + sum(map(int, value[2::2]))) % 9:
        raise NtaCsvError(line, f"{field}: wrong check digit: {value!r}")
    return value


def _header(fields: list[str], line: int) -> NtaHeader:
    try:
        return NtaHeader(parse_date(fields[0], line, "lastUpdateDate"), int(fields[1]), int(fields[2]),
                         int(fields[3]))
    except ValueError as e:
        if isinstance(e, NtaCsvError):
            raise
        raise NtaCsvError(line, f"header: expected lastUpdateDate,count,divideNumber,divideSize: {fields!r}") from None


def parse_fields(f: list[str], line: int, source: RegistrySource = RegistrySource.OFFLINE) -> NtaRow:
    """One record line, already split into fields."""
    n = len(f)
    if n not in FIELD_COUNTS:
        raise NtaCsvError(line, f"expected 23, 28, 29 or 30 fields, got {n}")
    number = _number(f[1], line, "corporateNumber")
    process = f[2]
    if len(process) != 2 or not process.isdigit():
        raise NtaCsvError(line, f"process: a 2-digit code expected: {process!r}")
    update_date = parse_date(f[4], line, "updateDate")
    deleted = process == PROCESS_DELETED
    name = f[6]
    if not name and not deleted:
        raise NtaCsvError(line, "name: empty")
    successor = f[20]
    if successor:
        successor = _number(successor, line, "successorCorporateNumber")
    if n >= 28 and f[23] not in ("", "0", "1"):
        raise NtaCsvError(line, f"latest: 0 or 1 expected: {f[23]!r}")
    record = CorporateRecord(
        corporate_number=number,
        name=name,
        source=source,
        furigana=display_text(f[28]) if n >= 29 else "",
        kind=f[8],
        prefecture=display_text(f[9]),
        city=display_text(f[10]),
        street=display_text(f[11]),
        postal_code=f[15],
        address_outside=display_text(f[16]),
        en_name=display_text(f[24]) if n >= 28 else "",
        en_address=(", ".join(display_text(v) for v in (f[26], f[25]) if v) or display_text(f[27])) if n >= 28 else "",
        close_date=parse_date(f[18], line, "closeDate"),
        close_cause=f[19],
        successor_number=successor,
        change_date=parse_date(f[5], line, "changeDate"),
        update_date=update_date,
        assignment_date=parse_date(f[22], line, "assignmentDate"),
    )
    return NtaRow(
        record=record,
        process=process,
        latest=n < 28 or f[23] != "0",
        hihyoji=n >= 30 and f[29] == "1",
        name_key=corporate_name_key(name) if name else "",
        published=(f[28] if n >= 29 else "", f[9], f[10], f[11], f[16], f[24] if n >= 28 else ""),
        sequence=int(f[0]) if f[0].isdigit() else 0,
        line=line,
    )


class NtaCsvReader:
    """Iterate the records of one NTA CSV stream. `header` is set once the first line was read (None
    for a file without a header line). Reads line by line: memory stays flat on a file of millions."""

    def __init__(
        self,
        stream: BinaryIO,
        *,
        name: str = "",
        source: RegistrySource = RegistrySource.OFFLINE,
        skip_bad: bool = False,
        on_bad: Callable[[NtaCsvError], None] | None = None,
        encoding: str | None = None,
    ) -> None:
        self.name = name
        self.source = source
        self.skip_bad = skip_bad
        self.on_bad = on_bad
        self.header: NtaHeader | None = None
        self.skipped = 0
        if encoding is None:
            head = stream.read(_SNIFF_BYTES)
            stream.seek(0)
            encoding = sniff_encoding(head)
        self.encoding = encoding
        self._stream = stream

    def _bad(self, error: NtaCsvError) -> None:
        error = NtaCsvError(error.line, error.reason, name=self.name)
        if not self.skip_bad:
            raise error
        self.skipped += 1
        if self.on_bad is not None:
            self.on_bad(error)

    def __iter__(self) -> Iterator[NtaRow]:
        text = io.TextIOWrapper(self._stream, encoding=self.encoding, newline="")  # type: ignore[arg-type]
        reader = csv.reader(text, strict=True)
        first = True
        line = 0
        try:
            while True:
                try:
                    fields = next(reader)
                except StopIteration:
                    break
                except csv.Error as e:
                    self._bad(NtaCsvError(reader.line_num, f"bad CSV quoting: {e}"))
                    continue
                line = reader.line_num
                if not fields or fields == [""]:
                    continue
                if first:
                    first = False
                    if len(fields) == 4:
                        try:
                            self.header = _header(fields, line)
                        except NtaCsvError as e:
                            self._bad(e)
                        continue
                try:
                    yield parse_fields(fields, line, self.source)
                except NtaCsvError as e:
                    self._bad(e)
        except UnicodeDecodeError as e:
            raise NtaCsvError(line + 1, f"not {self.encoding} text: {e.reason}", name=self.name) from None
        finally:
            text.detach()


def read_records(data: bytes, *, source: RegistrySource = RegistrySource.NTA) -> tuple[NtaHeader | None, list[NtaRow]]:
    """Parse a whole (small) response body, as the online client gets it: the header and every row."""
    reader = NtaCsvReader(io.BytesIO(data), source=source)
    rows = list(reader)
    return reader.header, rows
