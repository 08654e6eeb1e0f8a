"""Run a report and write it as a file (CSV or xlsx) for the command line and scheduled distribution
(`dps report run`): the same use cases as the API, so the same visibility and figures."""

from __future__ import annotations

from pathlib import Path

from dps.application.reports.ports import ReportFileWriter
from dps.application.reports.queries import (
    ActivityReportQuery,
    PipelineReportQuery,
    RunActivityReport,
    RunPipelineReport,
)
from dps.application.reports.tables import ReportTable, activity_table, pipeline_table
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Invalid
from dps.domain.shared.principal import Principal

FORMATS = ("csv", "xlsx")


class WriteReport:
    """Runs `query` (an activity or pipeline report query) as `principal` and writes the table to
    `path`; returns the table (for a summary line)."""

    def __init__(self, deps: SalesDeps, files: ReportFileWriter) -> None:
        self._d = deps
        self._files = files

    def __call__(self, principal: Principal, query: ActivityReportQuery | PipelineReportQuery, path: Path,
                 file_format: str) -> ReportTable:
        if file_format not in FORMATS:
            raise Invalid.field("format", f"csv or xlsx, not {file_format!r}")
        if isinstance(query, ActivityReportQuery):
            table = activity_table(RunActivityReport(self._d)(principal, query))
        else:
            table = pipeline_table(RunPipelineReport(self._d)(principal, query))
        self._files.write(table, path, file_format)
        return table
