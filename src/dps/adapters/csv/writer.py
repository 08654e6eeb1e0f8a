"""Write rows as a CSV file, streaming: UTF-8 with a BOM by default (so Excel opens it as UTF-8), or
cp932 for tools that only read Shift_JIS; CRLF line ends; a header row in the user's labels (no key row:
a CSV goes to other systems); text neutralised against formula injection like the xlsx writer.

cp932 cannot hold every character (emoji, some kanji variants): such a text raises UnencodableText
naming the row, rather than writing a "?" that a re-import would store.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import tzinfo
from pathlib import Path
from typing import Any

from dps.adapters.csv.encoding import resolve
from dps.adapters.excel.cells import DEFAULT_ZONE, Neutraliser, TextCleaner, csv_text, zone
from dps.adapters.excel.headers import ERROR_HEADER
from dps.application.transfer.schema import SheetSchema


class UnencodableText(ValueError):
    """A text the chosen encoding cannot represent."""


class _CsvWriter:
    def __init__(self, path: Path, encoding: str, neutralise: Neutraliser | None, tz: str | tzinfo) -> None:
        self._encoding = resolve(encoding)
        self._stream = path.open("w", encoding=self._encoding, errors="strict", newline="")
        self._writer = csv.writer(self._stream, lineterminator="\r\n")
        self._clean = TextCleaner(neutralise)
        self._tz = zone(tz)
        self._rows = 0
        self._started = False

    def _write(self, fields: list[str]) -> None:
        self._started = True
        self._rows += 1
        try:
            self._writer.writerow(fields)
        except UnicodeEncodeError as e:
            bad = e.object[e.start:e.end] if isinstance(e.object, str) else "?"
            raise UnencodableText(
                f"{self._rows} 行目の「{bad}」は {self._encoding} で書けません / row {self._rows}: {bad!r} "
                f"cannot be written in {self._encoding}; export as UTF-8"
            ) from e

    def _fields(self, values: Sequence[Any]) -> list[str]:
        return [csv_text(v, self._clean, self._tz) for v in values]

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> _CsvWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class CsvSink(_CsvWriter):
    def __init__(self, path: Path, schema: SheetSchema, *, encoding: str = "utf-8-sig",
                 neutralise: Neutraliser | None = None, tz: str | tzinfo = DEFAULT_ZONE) -> None:
        super().__init__(path, encoding, neutralise, tz)
        self._schema = schema

    def write_header(self, schema: SheetSchema, *, english_first: bool = False) -> None:
        if self._started:
            raise RuntimeError("the header is written once, before the rows")
        self._schema = schema
        self._write([self._clean(c.header(english_first)) for c in schema.columns])

    def write_row(self, values: Sequence[Any]) -> None:
        if not self._started:
            self.write_header(self._schema)
        self._write(self._fields(values))

    def close(self) -> None:
        if not self._started and not self._stream.closed:
            self.write_header(self._schema)
        super().close()


class CsvErrorSink(_CsvWriter):
    """The original headers plus エラー / Errors; each row the original cells then its messages."""

    def __init__(self, path: Path, headers: Sequence[str], *, encoding: str = "utf-8-sig",
                 neutralise: Neutraliser | None = None, tz: str | tzinfo = DEFAULT_ZONE) -> None:
        super().__init__(path, encoding, neutralise, tz)
        self._headers = list(headers)

    def write_header(self, schema: SheetSchema | None = None, *, english_first: bool = False) -> None:
        if self._started:
            raise RuntimeError("the header is written once, before the rows")
        self._write([*(self._clean(h) for h in self._headers), ERROR_HEADER])

    def write_row(self, values: Sequence[Any]) -> None:
        if not self._started:
            self.write_header()
        *cells, messages = values if values else [""]
        cells += [None] * (len(self._headers) - len(cells))
        text = messages if isinstance(messages, str) else "\n".join(str(m) for m in messages or ())
        self._write([*self._fields(cells), self._clean(text)])

    def close(self) -> None:
        if not self._started and not self._stream.closed:
            self.write_header()
        super().close()
