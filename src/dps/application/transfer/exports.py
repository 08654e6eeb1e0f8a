"""ExportRecords and ExportTemplate: a kind's sheet written streaming (write-only workbook), with the
id and version columns (so the file re-imports as an update with optimistic locking) and the tenant's
custom fields as `cf.<key>` columns. Only what the acting user may see is exported: the stores page
through the rows with the visibility filter in SQL, never loading them all."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from attrs import frozen

from dps.application.transfer.imports import PROGRESS_EVERY, TransferDeps, kind_named, sheet_schema
from dps.application.transfer.progress import NoProgress, Progress
from dps.domain.shared.principal import Principal


@frozen
class ExportReport:
    kind: str
    rows: int
    path: Path


class ExportRecords:
    def __init__(self, deps: TransferDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, kind_name: str, path: Path, filters: Mapping[str, str] | None = None,
                 *, progress: Progress | None = None) -> ExportReport:
        d, sales = self._d, self._d.sales
        kind = kind_named(kind_name)
        kind.authorize(principal, sales.audit, f"{kind.name}.export")
        progress = progress or NoProgress()
        rows = 0
        with sales.reading(principal.tenant_id) as uow:
            schema = sheet_schema(uow, kind)
            viewer = d.viewers(uow, principal, sales.clock)
            sink = d.sinks.export(path, schema, code_choices=kind.code_choices(uow, schema))
            try:
                sink.write_header(schema, english_first=principal.locale == "en")
                fmt = d.formatter
                columns = schema.columns
                progress.phase("export")
                for values in kind.export_rows(uow, d.stores, viewer, schema, filters or {}):
                    sink.write_row([fmt(c, v) for c, v in zip(columns, values, strict=True)])
                    rows += 1
                    if rows % PROGRESS_EVERY == 0:
                        progress.advance(PROGRESS_EVERY)
                progress.advance(rows % PROGRESS_EVERY)
            finally:
                sink.close()
        progress.finish()
        sales.audit.application("transfer.export", kind=kind.name, rows=rows, user=principal.login_id,
                                file=path.name)
        return ExportReport(kind=kind.name, rows=rows, path=path)


class ExportTemplate:
    """The empty workbook of a kind: headers (tenant labels), the hidden key row and code-list dropdowns."""

    def __init__(self, deps: TransferDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, kind_name: str, path: Path) -> ExportReport:
        kind = kind_named(kind_name)
        with self._d.sales.reading(principal.tenant_id) as uow:
            schema = sheet_schema(uow, kind)
            sink = self._d.sinks.export(path, schema, code_choices=kind.code_choices(uow, schema))
            try:
                sink.write_header(schema, english_first=principal.locale == "en")
            finally:
                sink.close()
        return ExportReport(kind=kind.name, rows=0, path=path)
