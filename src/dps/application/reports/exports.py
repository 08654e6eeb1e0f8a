"""Run a report and write it as a file (CSV or xlsx) for the command line and scheduled distribution
(`dps report run`): the same kinds as the API and the grid, so the same visibility and figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from dps.application.reports.params import ReportKind
from dps.application.reports.ports import ReportFileWriter
from dps.application.reports.tables import ReportTable
from dps.application.shared.errors import Invalid
from dps.domain.shared.principal import Principal

FORMATS = ("csv", "xlsx")


class WriteReport:
    """Runs `kind` with `params` as `principal`, keeps the `columns` asked for (all when empty) and
    writes the table to `path`; returns the table (for a summary line)."""

    def __init__(self, files: ReportFileWriter) -> None:
        self._files = files

    def __call__(self, principal: Principal, kind: ReportKind, params: Mapping[str, str], path: Path,
                 file_format: str, columns: Sequence[str] = ()) -> ReportTable:
        if file_format not in FORMATS:
            raise Invalid.field("format", f"csv or xlsx, not {file_format!r}")
        table = kind.run(principal, params).select(columns)
        self._files.write(table, path, file_format)
        return table
