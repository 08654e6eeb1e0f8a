"""JSON API: report kinds (``GET /reports``) run as one generic table or as an xlsx/CSV download."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
from litestar import Request, get
from litestar.params import Parameter
from litestar.response import Stream
from litestar.types import ControllerRouterHandler

from dps.application.reports.catalog import ReportCatalog
from dps.application.reports.definitions.queries import ReportRequest, RunReport, WriteRequestedReport
from dps.application.reports.exports import FORMATS, WriteReport
from dps.application.reports.params import ParamSpec, ReportKind
from dps.application.reports.tables import Cell, ReportTable
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Invalid
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.downloads import file_stream, safe_file_stem, written

MEDIA_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "csv": "text/csv; charset=utf-8"}
RESERVED = ("columns", "sort", "desc", "format", "definition")

# -- output


class ChoiceOut(msgspec.Struct):
    value: str
    label: str


class ParamSpecOut(msgspec.Struct):
    name: str
    label: str
    kind: str
    """organization, date, year, choice, code, record, bool."""
    required: bool
    choices: list[ChoiceOut]
    code_list: str
    record: str
    help: str


class ColumnOut(msgspec.Struct):
    key: str
    header: str
    kind: str
    """text, count, money, rate (a ratio), month."""


class ReportKindOut(msgspec.Struct):
    name: str
    title: str
    description: str
    params: list[ParamSpecOut]
    columns: list[ColumnOut]


class RowOut(msgspec.Struct):
    level: int
    """0 a detail line; 1 a subtotal of the detail lines above it; 2 a subtotal of subtotals."""
    cells: list[str | int | None]


class DrillOut(msgspec.Struct):
    row: int
    """A body row index; len(rows) is the totals row."""
    column: int
    resource: str
    """The list behind the number: activities, opportunities, sales-results, accounts, leads, ..."""
    filters: dict[str, str]
    """That list's query parameters."""


class ParamValueOut(msgspec.Struct):
    key: str
    label: str
    value: str


class ReportTableOut(msgspec.Struct):
    kind: str
    title: str
    columns: list[ColumnOut]
    rows: list[RowOut]
    totals: list[str | int | None]
    notes: list[str]
    params: list[ParamValueOut]
    left_out: int
    """Restricted records in scope you may not see, left out of the figures."""
    drills: list[DrillOut]


# -- helpers


def _cell(value: Cell) -> str | int | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal | date):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    return str(value)


def table_out(table: ReportTable) -> ReportTableOut:
    return ReportTableOut(
        kind=table.kind, title=table.title,
        columns=[ColumnOut(c.key, c.header, c.kind.value) for c in table.columns],
        rows=[RowOut(table.level(i), [_cell(v) for v in row]) for i, row in enumerate(table.rows)],
        totals=[_cell(v) for v in table.totals], notes=list(table.notes),
        params=[ParamValueOut(k, label, value) for k, label, value in table.params], left_out=table.left_out,
        drills=[DrillOut(r, c, d.resource, dict(d.filters)) for (r, c), d in sorted(table.drills.items())],
    )


def _spec(p: ParamSpec) -> ParamSpecOut:
    return ParamSpecOut(p.name, p.label, p.kind.value, p.required, [ChoiceOut(v, label) for v, label in p.choices],
                        p.code_list, p.record, p.help)


def split_columns(raw: str | None) -> tuple[str, ...]:
    return tuple(k.strip() for k in (raw or "").split(",") if k.strip())


def kind_params(kind: ReportKind, query: Mapping[str, str]) -> dict[str, str]:
    """The query parameters that are the kind's parameters."""
    names = {p.name for p in kind.params}
    return {k: v for k, v in query.items() if k in names}


def table_query(request: Request[Any, Any, Any]) -> dict[str, str]:
    return {k: v for k, v in request.query_params.items() if k not in RESERVED}


def download_table(write: Callable[[Path], ReportTable], file_format: str, name: str) -> Stream:
    """Write with `write(path)` into a fresh folder and stream it, named after the report's title."""
    if file_format not in FORMATS:
        raise Invalid.field("format", "xlsx または csv / xlsx or csv")
    table, path = written(write, f"report.{file_format}", prefix="dps-report-")
    return file_stream(path, f"{safe_file_stem(table.title or name, name)}.{file_format}", MEDIA_TYPES[file_format])


# -- kinds


@get("/reports", summary="Report kinds with their parameters and columns", sync_to_thread=True)
def list_report_kinds_handler(principal: Principal, sales_deps: SalesDeps) -> list[ReportKindOut]:
    return [ReportKindOut(k.name, k.title, k.description, [_spec(p) for p in k.params],
                          [ColumnOut(c.key, c.header, c.kind.value) for c in k.columns(principal)])
            for k in ReportCatalog(sales_deps)]


_COLUMNS = Parameter(query="columns", default=None, description="column keys to keep, in order: a,b")
_SORT = Parameter(query="sort", default=None, description="the column key to sort the detail rows by")
_DESC = Parameter(query="desc", default=False, description="sort descending")


def _request(sales_deps: SalesDeps, kind: str, request: Request[Any, Any, Any], columns: str | None,
             sort: str | None, desc: bool) -> ReportRequest:
    found = ReportCatalog(sales_deps).get(kind)
    return ReportRequest(found.name, kind_params(found, table_query(request)), split_columns(columns), sort or None,
                         desc)


@get("/reports/{kind:str}/table", summary="A report run as a generic table (the kind's parameters as query "
     "parameters, plus columns, sort, desc)", sync_to_thread=True)
def report_table_handler(
    request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps, kind: str,
    columns: str | None = _COLUMNS, sort: str | None = _SORT, desc: bool = _DESC,
) -> ReportTableOut:
    return table_out(RunReport(sales_deps)(principal, _request(sales_deps, kind, request, columns, sort, desc)))


@get("/reports/{kind:str}/file", summary="A report run as an xlsx or CSV download", sync_to_thread=True,
     media_type=MEDIA_TYPES["xlsx"])
def report_file_handler(
    request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps, write_report: WriteReport,
    kind: str, columns: str | None = _COLUMNS, sort: str | None = _SORT, desc: bool = _DESC,
    file_format: str = Parameter(query="format", default="xlsx", description="xlsx or csv"),
) -> Stream:
    run = _request(sales_deps, kind, request, columns, sort, desc)
    write = WriteRequestedReport(sales_deps, write_report)
    return download_table(lambda path: write(principal, run, path, file_format), file_format, kind)


ROUTES: list[ControllerRouterHandler] = [list_report_kinds_handler, report_table_handler, report_file_handler]
"""The handlers of this module, mounted under /api/v1 by the app factory."""
