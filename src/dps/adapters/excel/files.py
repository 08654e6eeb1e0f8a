"""TransferFiles: the RowSourceFactory and SinkFactory the transfer use cases are given, choosing the
codec by the file's extension (.csv: CSV; anything else: xlsx, whose reader refuses what is not one)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from pathlib import Path

from attrs import field, frozen

from dps.adapters.csv.reader import CsvRowSource
from dps.adapters.csv.writer import CsvErrorSink, CsvSink
from dps.adapters.excel.cells import DEFAULT_ZONE, Neutraliser
from dps.adapters.excel.limits import ReadLimits
from dps.adapters.excel.reader import XlsxRowSource
from dps.adapters.excel.writer import XlsxErrorSink, XlsxSink
from dps.application.transfer.ports import RowSink, RowSource
from dps.application.transfer.schema import SheetSchema

CSV_SUFFIXES = frozenset({".csv"})


def is_csv(path: Path) -> bool:
    return path.suffix.lower() in CSV_SUFFIXES


@frozen
class TransferFiles:
    """Readers and writers for xlsx and CSV files.

    `limits`: rows and cell length a reader accepts (Excel's own maxima by default; a deployment may
    want fewer rows). `csv_encoding`: what CSV exports and CSV error reports are written in (utf-8-sig,
    or cp932). `tz`: the zone an aware datetime is shown in (spreadsheets have none). `neutralise`: the
    formula-injection guard for text (default: application.transfer.formulas.neutralise_formula)."""

    limits: ReadLimits = field(factory=ReadLimits)
    csv_encoding: str = "utf-8-sig"
    tz: str | tzinfo = DEFAULT_ZONE
    neutralise: Neutraliser | None = None

    def open(self, path: Path, schema: SheetSchema, *, encoding: str | None = None) -> RowSource:
        if is_csv(path):
            return CsvRowSource(path, schema, encoding=encoding, limits=self.limits)
        return XlsxRowSource(path, schema, self.limits)

    def export(self, path: Path, schema: SheetSchema, *, code_choices: dict[str, Sequence[str]] | None = None
               ) -> RowSink:
        if is_csv(path):
            return CsvSink(path, schema, encoding=self.csv_encoding, neutralise=self.neutralise, tz=self.tz)
        return XlsxSink(path, schema, code_choices=code_choices, neutralise=self.neutralise, tz=self.tz)

    def error_report(self, path: Path, headers: Sequence[str], *, keys: Sequence[str | None] | None = None
                     ) -> RowSink:
        if is_csv(path):
            return CsvErrorSink(path, headers, encoding=self.csv_encoding, neutralise=self.neutralise, tz=self.tz)
        return XlsxErrorSink(path, headers, keys=keys, neutralise=self.neutralise, tz=self.tz)
