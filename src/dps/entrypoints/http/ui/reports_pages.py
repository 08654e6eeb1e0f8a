"""レポート screens: the menu of report kinds (`/reports`) and a kind's run as a spreadsheet view
(`/reports/run/{kind}`): the parameter form generated from the kind's `ParamSpec`s, a column chooser, and
the grid - sortable within its subtotal groups, subtotal and totals rows, figures formatted by their
`CellKind`, each figure with a drill-down linking to the list of the records behind it (the list applies
the viewer's visibility again) - with Excel and CSV downloads through `WriteReport`.

Everything is GET, so a run's URL can be shared or bookmarked: the kind's parameters by name, `columns=a,b`
(the chosen column keys, in order), `sort=KEY` and `desc=1`, and `definition=ID` kept in every link (the
saved definition it came from). The kind runs through the user's visibility and says what it left out (R7).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from attrs import evolve, frozen
from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.response import Stream, Template

from dps.application.catalog.code_lists import ListCodeLists
from dps.application.directory.organizations import ListOrganizations, OrganizationView
from dps.application.reports.catalog import ReportCatalog
from dps.application.reports.exports import FORMATS, WriteReport
from dps.application.reports.params import ParamKind, ParamSpec, ReportKind
from dps.application.reports.tables import Cell, CellKind, ReportTable, left_out_note
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Invalid
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.downloads import file_stream, safe_file_stem, written
from dps.entrypoints.http.ui.code_choices import Option, code_lists_by_key, code_options, is_english
from dps.entrypoints.http.ui.pages import page

MAX_GRID_ROWS = 2000
"""Body rows the grid renders; the downloads have every row."""
LIST_PAGES = {"activities": "/activities", "opportunities": "/opportunities", "accounts": "/accounts",
              "leads": "/leads"}
"""Drill-down resources that have a list screen taking the drill's filters (others are not linked)."""
LOOKUPS = {"account": "accounts", "campaign": "campaigns", "user": "users", "product": "products"}
"""`ParamSpec.record` -> the type-ahead lookup of `lookups.py` (others are plain id fields)."""
MEDIA_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "csv": "text/csv; charset=utf-8"}
YES_NO: tuple[Option, ...] = (("true", "はい Yes"), ("false", "いいえ No"))


# --- the query of a run -------------------------------------------------------------------------------


@frozen
class RunQuery:
    """A run as its URL says it: the kind's parameters (only the ones it declares), the chosen columns, the
    sort, and the definition it came from; `submitted` when the form was sent (any query at all)."""

    params: Mapping[str, str]
    columns: tuple[str, ...]
    sort: str | None
    desc: bool
    definition: str | None
    submitted: bool

    @classmethod
    def of(cls, query: Any, kind: ReportKind) -> RunQuery:
        pairs = [(str(k), str(v)) for k, v in query.multi_items() if isinstance(v, str)]
        values = {k: v.strip() for k, v in pairs}
        params = {p.name: values[p.name] for p in kind.params if values.get(p.name)}
        columns = tuple(dict.fromkeys(c.strip() for k, v in pairs if k == "columns" for c in v.split(",")
                                      if c.strip()))
        return cls(params=params, columns=columns, sort=values.get("sort") or None,
                   desc=values.get("desc", "") in ("1", "true"), definition=values.get("definition") or None,
                   submitted=bool(pairs))

    def known_columns(self, all_columns: Sequence[str]) -> RunQuery:
        """Only the chosen columns the kind has (a definition may name a code-list column that no longer
        exists); none of them known: every column."""
        return evolve(self, columns=tuple(c for c in self.columns if c in all_columns))

    def base(self, all_columns: Sequence[str] = ()) -> list[tuple[str, str]]:
        """The query pairs that say what the report is (parameters, columns, definition), no sort. The
        columns are left out when they are every column in the table's order (the same as none)."""
        pairs = list(self.params.items())
        if self.columns and list(self.columns) != list(all_columns):
            pairs.append(("columns", ",".join(self.columns)))
        if self.definition:
            pairs.append(("definition", self.definition))
        return pairs

    def with_sort(self, all_columns: Sequence[str]) -> list[tuple[str, str]]:
        pairs = self.base(all_columns)
        if self.sort:
            pairs.append(("sort", self.sort))
            if self.desc:
                pairs.append(("desc", "1"))
        return pairs


# --- the grid -------------------------------------------------------------------------------------------


def format_cell(value: Cell, kind: CellKind) -> str:
    """A figure as the grid shows it: counts and money with thousands separators, rates as a percentage,
    months as YYYY/MM; empty for None."""
    if value is None:
        return ""
    if isinstance(value, date):
        return f"{value.year}/{value.month:02d}" if kind is CellKind.MONTH else value.strftime("%Y/%m/%d")
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        if kind is CellKind.RATE:
            return f"{Decimal(value) * 100:,.1f}%"
        if isinstance(value, Decimal) and value != value.to_integral_value():
            return f"{value:,.2f}"
        return f"{value:,.0f}" if isinstance(value, Decimal) else f"{value:,}"
    return str(value)


def _sort_key(value: Cell) -> tuple[int, Any]:
    if isinstance(value, int | Decimal):
        return (0, Decimal(value))
    if isinstance(value, date):
        return (1, value.isoformat())
    return (1, str(value))


def sorted_order(table: ReportTable, column: int | None, desc: bool) -> list[int]:
    """The body rows' indexes in display order: detail rows sorted by `column` within their group (the run
    of detail rows up to the next subtotal), subtotal rows kept where they are; empty values last."""
    order = list(range(len(table.rows)))
    if column is None:
        return order
    out: list[int] = []
    group: list[int] = []

    def flush() -> None:
        filled = [i for i in group if table.rows[i][column] is not None]
        empty = [i for i in group if table.rows[i][column] is None]
        filled.sort(key=lambda i: _sort_key(table.rows[i][column]), reverse=desc)
        out.extend(filled + empty)
        group.clear()

    for i in order:
        if table.level(i) == 0:
            group.append(i)
        else:
            flush()
            out.append(i)
    flush()
    return out


@frozen
class GridCell:
    text: str
    kind: str
    href: str | None = None


@frozen
class GridRow:
    level: int
    """0 a detail line, 1.. a subtotal, -1 the totals row."""
    cells: tuple[GridCell, ...]


@frozen
class GridHeader:
    key: str
    header: str
    kind: str
    sort_href: str
    state: str
    """"asc", "desc" or "" (not the sort column)."""


@frozen
class Grid:
    title: str
    headers: tuple[GridHeader, ...]
    rows: tuple[GridRow, ...]
    totals: GridRow
    row_count: int
    """Every body row of the run (the grid shows at most MAX_GRID_ROWS)."""
    notes: tuple[str, ...]
    params: tuple[tuple[str, str], ...]

    @property
    def truncated(self) -> bool:
        return self.row_count > len(self.rows)


def build_grid(table: ReportTable, run: RunQuery, path: str, all_columns: Sequence[str]) -> Grid:
    """The table as the grid shows it, sorted as `run` asks, with its drill-down links."""
    sort_column = table.column_index(run.sort) if run.sort else None
    order = sorted_order(table, sort_column, run.desc)[:MAX_GRID_ROWS]
    kinds = [c.kind for c in table.columns]

    def row(index: int, values: Sequence[Cell], level: int) -> GridRow:
        cells = []
        for c, value in enumerate(values):
            drill = table.drills.get((index, c))
            target = LIST_PAGES.get(drill.resource) if drill is not None else None
            href = f"{target}?{drill.query()}" if drill is not None and target else None
            cells.append(GridCell(format_cell(value, kinds[c]), kinds[c].value, href))
        return GridRow(level, tuple(cells))

    base = run.base(all_columns)
    headers = []
    for c in table.columns:
        state = ("desc" if run.desc else "asc") if sort_column is not None and c.key == run.sort else ""
        pairs = [*base, ("sort", c.key)] + ([("desc", "1")] if state == "asc" else [])
        headers.append(GridHeader(c.key, c.header, c.kind.value, f"{path}?{urlencode(pairs)}", state))
    notes = tuple(n for n in table.notes if table.left_out or n != left_out_note(0))
    return Grid(
        title=table.title, headers=tuple(headers),
        rows=tuple(row(i, table.rows[i], table.level(i)) for i in order),
        totals=row(len(table.rows), table.totals, -1), row_count=len(table.rows), notes=notes,
        params=tuple((label, shown) for _key, label, shown in table.params),
    )


# --- the parameter form ---------------------------------------------------------------------------------


@frozen
class ParamField:
    """One field of the form: the spec, what to show in it, and its choices or lookup."""

    spec: ParamSpec
    value: str
    control: str
    """select, date, number, lookup or text."""
    options: tuple[Option, ...] = ()
    lookup: str = ""
    blank: str = ""
    """The label of the empty choice (the kind's default)."""


def _org_options(organizations: Sequence[OrganizationView]) -> tuple[Option, ...]:
    """The tenant's organisations in tree order, indented by depth."""
    parents = {o.id: o.parent_id for o in organizations}

    def depth(org_id: Any) -> int:
        d, seen = 0, set()
        while parents.get(org_id) is not None and org_id not in seen:
            seen.add(org_id)
            org_id = parents[org_id]
            d += 1
        return d

    return tuple((str(o.id), f"{'　' * depth(o.id)}{o.code} {o.name}") for o in organizations)


def param_fields(principal: Principal, kind: ReportKind, run: RunQuery, list_organizations: ListOrganizations,
                 list_code_lists: ListCodeLists) -> tuple[ParamField, ...]:
    """The form's fields, one per parameter of the kind, with the choices they need (read once each)."""
    organizations: tuple[Option, ...] | None = None
    lists = None
    fields = []
    for spec in kind.params:
        value = run.params.get(spec.name, "")
        if spec.kind is ParamKind.ORGANIZATION:
            if organizations is None:
                organizations = _org_options(list_organizations(principal))
            fields.append(ParamField(spec, value, "select", organizations, blank="rpt.default_org"))
        elif spec.kind is ParamKind.DATE:
            fields.append(ParamField(spec, value, "date"))
        elif spec.kind is ParamKind.YEAR:
            fields.append(ParamField(spec, value, "number"))
        elif spec.kind is ParamKind.CHOICE:
            fields.append(ParamField(spec, value, "select", spec.choices, blank="form.choose"))
        elif spec.kind is ParamKind.CODE:
            if lists is None:
                lists = code_lists_by_key(principal, list_code_lists)
            options = tuple(code_options(lists, spec.code_list, keep=value or None,
                                         english=is_english(principal)))
            fields.append(ParamField(spec, value, "select", options, blank="form.choose"))
        elif spec.kind is ParamKind.BOOL:
            fields.append(ParamField(spec, value, "select", YES_NO, blank="form.choose"))
        elif spec.kind is ParamKind.RECORD and spec.record in LOOKUPS:
            fields.append(ParamField(spec, value, "lookup", lookup=LOOKUPS[spec.record]))
        else:
            fields.append(ParamField(spec, value, "text"))
    return tuple(fields)


# --- handlers -------------------------------------------------------------------------------------------


def _kind(sales_deps: SalesDeps, name: str) -> ReportKind:
    try:
        return ReportCatalog(sales_deps).get(name)
    except Invalid:
        raise NotFoundException() from None


@get("/reports", include_in_schema=False, sync_to_thread=True)
def reports_menu(request: Request[Any, Any, Any], sales_deps: SalesDeps) -> Template:
    """The kinds of report (title, description) and the ways to saved definitions and templates."""
    return page(request, "reports/index.html", context={"kinds": list(ReportCatalog(sales_deps))})


def _run_page(request: Request[Any, Any, Any], principal: Principal, kind: ReportKind, run: RunQuery,
              list_organizations: ListOrganizations, list_code_lists: ListCodeLists,
              errors: Mapping[str, str] | None = None) -> Template:
    """The form and, when the form was sent and the parameters are good, the grid; bad parameters: the
    form again with the message under its field (422)."""
    columns = kind.columns(principal)
    all_keys = [c.key for c in columns]
    run = run.known_columns(all_keys)
    found: dict[str, str] = dict(errors or {})
    grid = None
    if run.submitted and not found:
        try:
            table = kind.run(principal, run.params).select(run.columns)
        except Invalid as e:
            found = dict(e.errors)
        else:
            grid = build_grid(table, run, request.url.path, all_keys)
    fields = param_fields(principal, kind, run, list_organizations, list_code_lists)
    path = f"/reports/run/{kind.name}"
    base = urlencode(run.base(all_keys))
    return page(request, "reports/run.html", status_code=422 if found else 200, context={
        "kind": kind, "fields": fields, "errors": found,
        "columns": columns, "chosen": set(run.columns or all_keys), "run": run, "grid": grid,
        "columns_chosen": bool(run.columns) and list(run.columns) != all_keys,
        "max_rows": MAX_GRID_ROWS, "action": path,
        "downloads": {f: f"{path}/download?{urlencode([('format', f), *run.base(all_keys)])}" for f in FORMATS},
        "save_href": f"/reports/definitions/new?{urlencode([('kind', kind.name)])}" + (f"&{base}" if base else ""),
    })


@get("/reports/run/{name:str}", include_in_schema=False, sync_to_thread=True)
def report_run(
    request: Request[Any, Any, Any], principal: Principal, name: str, sales_deps: SalesDeps,
    list_organizations: ListOrganizations, list_code_lists: ListCodeLists,
) -> Template:
    kind = _kind(sales_deps, name)
    return _run_page(request, principal, kind, RunQuery.of(request.query_params, kind), list_organizations,
                     list_code_lists)


@get("/reports/run/{name:str}/download", include_in_schema=False, sync_to_thread=True)
def report_download(
    request: Request[Any, Any, Any], principal: Principal, name: str, sales_deps: SalesDeps,
    write_report: WriteReport, list_organizations: ListOrganizations, list_code_lists: ListCodeLists,
) -> Template | Stream:
    """The run as an Excel workbook or a CSV file (every row; the chosen columns); bad parameters: the
    form with the messages (422)."""
    kind = _kind(sales_deps, name)
    run = RunQuery.of(request.query_params, kind)
    file_format = request.query_params.get("format") or "xlsx"
    if file_format not in FORMATS:
        return _run_page(request, principal, kind, run, list_organizations, list_code_lists,
                         {"format": f"{' / '.join(FORMATS)} のいずれか / one of {', '.join(FORMATS)}"})
    known = run.known_columns([c.key for c in kind.columns(principal)])
    try:
        table, path = written(lambda path: write_report(principal, kind, known.params, path, file_format,
                                                        known.columns), f"report.{file_format}")
    except Invalid as e:
        return _run_page(request, principal, kind, run, list_organizations, list_code_lists, e.errors)
    title = safe_file_stem(table.title.split(" ")[0], kind.name)
    stamp = sales_deps.clock.now().strftime("%Y%m%d")
    return file_stream(path, f"{title}_{stamp}.{file_format}", MEDIA_TYPES[file_format])


ROUTES = (reports_menu, report_download, report_run)
"""This module's pages, registered in the UI router."""
