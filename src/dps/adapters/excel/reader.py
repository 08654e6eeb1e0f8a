"""Read one sheet of an xlsx workbook as a RowSource, streaming (openpyxl read-only mode).

What comes out, and why:
- Values are as openpyxl gives them with `data_only=True`: str, int, float, bool, datetime (a date cell
  is a datetime at midnight), time, or None. A formula cell gives the value Excel cached when it last
  saved the file; a formula that was never calculated (a file written by a library) has no cached value
  and comes as None, like an empty cell, so the use case's required checks catch it. An error value
  (#N/A, #DIV/0!) comes as its text.
- A merged range gives its value in its top-left cell only; the other cells of the range come as None.
- The sheet is the one titled like the schema's `sheet_title`, else the first sheet; a sheet of another
  kind is refused as a whole. Blank rows are skipped; row numbers are the spreadsheet's.
- Limits are checked before anything big is built: the row count from the sheet's `<dimension>` before
  iterating (and again by counting, since the dimension may be missing or wrong, which is also why it is
  not used to bound the iteration), the shared-string table's size and longest text before openpyxl
  loads it, and every cell's length as it comes.
"""

from __future__ import annotations

import xml.parsers.expat
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from openpyxl import load_workbook  # type: ignore[import-untyped]

from dps.adapters.excel.headers import ColumnMap, map_columns
from dps.adapters.excel.limits import ReadLimits, clean_row, too_many_rows
from dps.adapters.excel.sniff import CORRUPT, NOT_XLSX, why_not_xlsx
from dps.application.transfer.ports import SourceRow, UnreadableFile
from dps.application.transfer.schema import SheetSchema

NO_HEADER = "1 行目に見出しがありません / row 1 holds no column headers"
CHUNK = 1 << 20


def strings_too_long(limit: int) -> UnreadableFile:
    return UnreadableFile(
        f"{limit:,} 文字を超えるセルがあります / a cell holds more than {limit:,} characters"
    )


class XlsxRowSource:
    """One sheet of an open workbook. `rows()` may be called again (the error workbook re-reads the
    source); `close()` (or a `with` block) releases the file."""

    def __init__(self, path: Path, schema: SheetSchema, limits: ReadLimits | None = None) -> None:
        self._limits = limits or ReadLimits()
        self._file: IO[bytes] | None = None
        self._workbook: Any = None
        self._dimension_rows: int | None = None
        try:
            self._file = _open_file(path)
            self._workbook = _load(self._file, self._limits)
            self._sheet = _pick_sheet(self._workbook, schema)
            self._map = self._read_header(schema)
        except BaseException:
            self.close()
            raise

    @property
    def columns(self) -> Sequence[str | None]:
        return self._map.columns

    @property
    def headers(self) -> Sequence[str]:
        return self._map.headers

    @property
    def sheet_title(self) -> str:
        return str(self._sheet.title)

    @property
    def total_rows(self) -> int | None:
        """Data rows as the sheet's dimension states them (for the progress line's ETA; blank rows
        included, so an upper bound); None when the workbook has no dimension (write-only exports)."""
        if self._dimension_rows is None:
            return None
        return max(self._dimension_rows - self._first_data_row + 1, 0)

    def rows(self) -> Iterator[SourceRow]:
        first = self._first_data_row
        width = len(self._map.columns)
        max_rows, max_chars = self._limits.max_rows, self._limits.max_cell_chars
        last_allowed = first + max_rows - 1
        headers = self._map.headers
        number = first - 1
        try:
            for number, raw in enumerate(self._sheet.iter_rows(min_row=first, values_only=True), start=first):
                if number > last_allowed:
                    raise too_many_rows(max_rows)
                cells = clean_row(raw, width, number, headers, max_chars)
                if cells is not None:
                    yield SourceRow(number, cells)
        except UnreadableFile:
            raise
        except Exception as e:  # a broken part of the zip or its XML, found only while streaming
            raise UnreadableFile(f"{CORRUPT} ({number + 1} 行目付近 / near row {number + 1}: {e})") from e

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> XlsxRowSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read_header(self, schema: SheetSchema) -> ColumnMap:
        sheet, limit = self._sheet, self._limits.max_rows
        dimension_rows = sheet.max_row
        if dimension_rows is not None and dimension_rows - 2 > limit:  # too many even with a key row
            raise too_many_rows(limit, dimension_rows)
        sheet.reset_dimensions()  # iterate every row there is, whatever the dimension claims
        try:
            head = sheet.iter_rows(min_row=1, max_row=2, values_only=True)
            header = next(head, ())
            second = next(head, None)
        except Exception as e:
            raise UnreadableFile(f"{CORRUPT} ({e})") from e
        if not any(c is not None and str(c).strip() for c in header):
            raise UnreadableFile(NO_HEADER)
        mapped = map_columns(schema, header, second)
        self._first_data_row = 3 if mapped.has_key_row else 2
        if dimension_rows is not None and dimension_rows - self._first_data_row + 1 > limit:
            raise too_many_rows(limit, dimension_rows)
        self._dimension_rows = dimension_rows
        return mapped


def _open_file(path: Path) -> IO[bytes]:
    try:
        handle = path.open("rb")
    except FileNotFoundError as e:
        raise UnreadableFile(f"ファイルがありません / no such file: {path.name}") from e
    except IsADirectoryError as e:
        raise UnreadableFile(NOT_XLSX) from e
    reason = why_not_xlsx(handle)
    if reason:
        handle.close()
        raise UnreadableFile(reason)
    handle.seek(0)
    return handle


def _load(handle: IO[bytes], limits: ReadLimits) -> Any:
    try:
        with zipfile.ZipFile(handle) as archive:
            _check_shared_strings(archive, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as e:
        raise UnreadableFile(f"{CORRUPT} ({e})") from e
    handle.seek(0)
    try:
        return load_workbook(handle, read_only=True, data_only=True)
    except (zipfile.BadZipFile, zlib.error, EOFError) as e:
        raise UnreadableFile(f"{CORRUPT} ({e})") from e
    except (KeyError, OSError) as e:  # no [Content_Types].xml / no workbook part: a zip of something else
        raise UnreadableFile(NOT_XLSX) from e
    except Exception as e:  # invalid XML inside the package
        raise UnreadableFile(f"{CORRUPT} ({type(e).__name__})") from e


def _pick_sheet(workbook: Any, schema: SheetSchema) -> Any:
    if schema.sheet_title in workbook.sheetnames:
        return workbook[schema.sheet_title]
    sheets = workbook.worksheets
    if not sheets:
        raise UnreadableFile(NOT_XLSX)
    return sheets[0]


def _check_shared_strings(archive: zipfile.ZipFile, limits: ReadLimits) -> None:
    """openpyxl reads the whole shared-string table at load: refuse a table that is too big, or that
    holds a text longer than the cell limit, before it does. A cheap pass over the bytes proves most
    tables harmless (no run of bytes between two tags is longer than the limit, and a text has no more
    characters than bytes); only a table with a long run gets the exact count, by expat, which counts
    the text as it arrives and never joins it into one string."""
    info = next((i for i in archive.infolist() if i.filename.lower().endswith("sharedstrings.xml")), None)
    if info is None:
        return
    if info.file_size > limits.max_shared_strings_bytes:
        raise UnreadableFile(
            f"ブックが大きすぎます / the workbook's text table is too large ({info.file_size:,} bytes, "
            f"the limit is {limits.max_shared_strings_bytes:,})"
        )
    limit = limits.max_cell_chars
    if info.file_size <= limit or not _has_long_run(archive, info, limit):
        return
    _count_strings(archive, info, limit)


def _has_long_run(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bool:
    run = 0
    with archive.open(info) as source:
        while chunk := source.read(CHUNK):
            parts = chunk.split(b"<")
            if len(parts) == 1:
                run += len(chunk)
            else:
                run += len(parts[0])
                if run > limit or max(map(len, parts[1:-1]), default=0) > limit:
                    return True
                run = len(parts[-1])
            if run > limit:
                return True
    return False


class _TooLong(Exception):
    pass


def _count_strings(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> None:
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    state = {"count": 0, "text": 0, "phonetic": 0}

    def start(name: str, _attrs: object) -> None:
        local = name.rpartition(" ")[2]
        if local == "si":
            state["count"] = 0
        elif local == "t":
            state["text"] += 1
        elif local == "rPh":
            state["phonetic"] += 1

    def end(name: str) -> None:
        local = name.rpartition(" ")[2]
        if local == "t":
            state["text"] -= 1
        elif local == "rPh":
            state["phonetic"] -= 1

    def data(text: str) -> None:
        if state["text"] and not state["phonetic"]:
            state["count"] += len(text)
            if state["count"] > limit:
                raise _TooLong

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    try:
        with archive.open(info) as source:
            parser.ParseFile(source)
    except _TooLong:
        raise strings_too_long(limit) from None
    except xml.parsers.expat.ExpatError as e:
        raise UnreadableFile(f"{CORRUPT} ({e})") from e
