"""Read a CSV file as a RowSource, streaming: the encoding detected (UTF-8 with or without BOM, or
cp932) or given, row 1 the headers (mapped by text, or by a `#key` row 2 when there is one, as in the
xlsx reader), every cell a str (an empty field is None), blank records skipped.

Row numbers count records, as a spreadsheet shows the file (a quoted field spanning lines stays one
row). Size limits: data rows counted as they come, each field's length checked as it comes, and each
physical line read with a bound and decoded on its own, so a 50 MB line is refused without ever being held whole.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from dps.adapters.csv.encoding import UTF8, detect, resolve
from dps.adapters.excel.headers import ColumnMap, map_columns
from dps.adapters.excel.limits import ReadLimits, cell_too_long, clean_row, too_many_rows
from dps.application.transfer.ports import SourceRow, UnreadableFile
from dps.application.transfer.schema import SheetSchema

NO_HEADER = "1 行目に見出しがありません / row 1 holds no column headers"


class CsvRowSource:
    """One CSV file; `encoding` is the codec used (utf-8-sig or cp932 when detected). `rows()` may be
    called again: each call reads the file from the start."""

    def __init__(self, path: Path, schema: SheetSchema, *, encoding: str | None = None,
                 limits: ReadLimits | None = None) -> None:
        self._path = path
        self._limits = limits or ReadLimits()
        if not path.is_file():
            raise UnreadableFile(f"ファイルがありません / no such file: {path.name}")
        self.encoding = resolve(encoding) if encoding else detect(path)
        records = self._records()
        try:
            header = next(records, (1, []))[1]
            second = next(records, None)
        finally:
            records.close()
        if not any(cell.strip() for cell in header):
            raise UnreadableFile(NO_HEADER)
        self._map: ColumnMap = map_columns(schema, header, second[1] if second else None)

    @property
    def columns(self) -> Sequence[str | None]:
        return self._map.columns

    @property
    def headers(self) -> Sequence[str]:
        return self._map.headers

    def rows(self) -> Iterator[SourceRow]:
        skip = 2 if self._map.has_key_row else 1
        width = len(self._map.columns)
        headers = self._map.headers
        max_rows, max_chars = self._limits.max_rows, self._limits.max_cell_chars
        for number, record in self._records():
            if number <= skip:
                continue
            if number - skip > max_rows:
                raise too_many_rows(max_rows)
            cells = clean_row(record, width, number, headers, max_chars)
            if cells is not None:
                yield SourceRow(number, cells)

    def close(self) -> None:
        """Nothing stays open between calls; here for symmetry with the xlsx source."""

    def __enter__(self) -> CsvRowSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _records(self) -> Generator[tuple[int, list[str]], None, None]:
        max_chars = self._limits.max_cell_chars
        number = 0
        codec = "utf-8" if self.encoding == UTF8 else self.encoding
        try:
            with self._path.open("rb") as stream:
                lines = _decoded_lines(stream, self.encoding, 16 * max_chars + 4096)
                for number, record in enumerate(csv.reader(lines), start=1):
                    yield number, record
        except UnicodeDecodeError as e:
            raise UnreadableFile(
                f"文字コード {codec} として読めません（{number + 1} 行目）/ the file cannot be read as {codec} "
                f"(row {number + 1}): give its encoding (utf-8 or cp932)"
            ) from e
        except csv.Error as e:
            if "field larger" in str(e):
                raise cell_too_long(number + 1, "", min(max_chars, csv.field_size_limit())) from e
            raise UnreadableFile(f"CSV の形式が正しくありません（{number + 1} 行目）/ malformed CSV at row "
                                 f"{number + 1}: {e}") from e


def _decoded_lines(stream: BinaryIO, encoding: str, limit: int) -> Iterator[str]:
    """The file's physical lines, each read with a bound (in bytes) and decoded on its own, so a decoding
    error is found on the row it is in. Splitting the bytes at LF is safe for UTF-8 and cp932: neither
    uses the byte 0x0A inside a character."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    while line := stream.readline(limit + 1):
        if len(line) > limit:
            raise UnreadableFile(
                f"1 行が長すぎます（上限 {limit:,} バイト）/ a line is longer than {limit:,} bytes"
            )
        yield decoder.decode(line)
    decoder.decode(b"", final=True)
