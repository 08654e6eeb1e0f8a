"""List, open and run report definitions, and run a kind as asked ad hoc (the grid's query string,
the API, the CLI): run the kind with its parameters, keep the columns asked for in their order, sort
the detail rows by one column without breaking the subtotal groups, and write the table as a file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import UUID

from attrs import evolve, field, frozen

from dps.application.reports.catalog import ReportCatalog
from dps.application.reports.definitions.ports import DefinitionView
from dps.application.reports.definitions.rules import WHAT, catalog_of, definition_user, usable_definition
from dps.application.reports.exports import FORMATS, WriteReport
from dps.application.reports.params import ReportKind
from dps.application.reports.tables import Cell, ReportTable, TableColumn
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Invalid, NotFound
from dps.domain.reports.definitions import ReportDefinition
from dps.domain.shared.principal import Principal


@frozen
class ReportRequest:
    """One run of a kind: its parameters as strings, the columns to keep in order (all when empty),
    the column to sort the detail rows by."""

    kind: str
    params: Mapping[str, str] = field(factory=dict)
    columns: tuple[str, ...] = ()
    sort_key: str | None = None
    sort_desc: bool = False

    @classmethod
    def of(cls, definition: ReportDefinition, overrides: Mapping[str, str] | None = None) -> ReportRequest:
        """The definition's run; `overrides` replace its parameters one by one (an empty value drops one)."""
        params = {**definition.params, **(overrides or {})}
        return cls(definition.kind, {k: v for k, v in params.items() if v}, definition.columns,
                   definition.sort_key, definition.sort_desc)


def _sort_value(cell: Cell) -> tuple[int, int | Decimal | date | str]:
    if isinstance(cell, int | Decimal):
        return 0, cell
    if isinstance(cell, date):
        return 1, cell
    return 2, str(cell)


def sort_table(table: ReportTable, key: str | None, desc: bool = False, *, strict: bool = True) -> ReportTable:
    """The table with each run of detail rows (level 0, between subtotals) sorted by column `key`,
    empty cells last, ties kept in order; subtotal rows stay where they close their group, the totals
    row last, drill-downs follow their rows. An unknown key is Invalid when `strict`, else ignored."""
    if key is None:
        return table
    col = table.column_index(key)
    if col is None:
        if strict:
            raise Invalid.field("sort", f"列 {key} はありません / no column {key!r} to sort by")
        return table

    def sorted_run(run: list[int]) -> list[int]:
        present = [i for i in run if table.rows[i][col] is not None]
        present.sort(key=lambda i: _sort_value(table.rows[i][col]), reverse=desc)
        return present + [i for i in run if table.rows[i][col] is None]

    order: list[int] = []
    run: list[int] = []
    for i in range(len(table.rows)):
        if table.level(i) == 0:
            run.append(i)
        else:
            order += sorted_run(run)
            run = []
            order.append(i)
    order += sorted_run(run)
    moved = {old: new for new, old in enumerate(order)}
    return evolve(
        table, rows=tuple(table.rows[i] for i in order),
        levels=tuple(table.levels[i] for i in order) if table.levels else (),
        drills={(moved.get(r, r), c): d for (r, c), d in table.drills.items()},
    )


def run_request(catalog: ReportCatalog, principal: Principal, request: ReportRequest, *, strict: bool = True
                ) -> ReportTable:
    """Run the kind, keep the columns asked for in their order, sort. With `strict`, a column or sort
    key the table lacks is Invalid naming it; otherwise it is skipped (a saved definition may name a
    code-list column that no longer exists)."""
    kind = catalog.get(request.kind)
    table = kind.run(principal, request.params)
    unknown = [k for k in request.columns if table.column_index(k) is None]
    if unknown and strict:
        raise Invalid.field("columns", f"{kind.name} に列 {', '.join(unknown)} はありません / unknown "
                                       f"column {', '.join(unknown)}")
    table = table.select(request.columns)
    return sort_table(table, request.sort_key, request.sort_desc, strict=strict)


class RunReport:
    """Run a kind as `request` says (the grid's query string, the API); see `run_request`."""

    def __init__(self, deps: SalesDeps, catalog: ReportCatalog | None = None) -> None:
        self._catalog = catalog_of(deps, catalog)

    def __call__(self, principal: Principal, request: ReportRequest, *, strict: bool = True) -> ReportTable:
        return run_request(self._catalog, principal, request, strict=strict)


class ListReportDefinitions:
    """The definitions the principal may use (the rule applied in SQL), by name."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, *, kind: str | None = None, name: str | None = None
                 ) -> Sequence[DefinitionView]:
        with self._d.uow(principal.tenant_id) as uow:
            user = definition_user(uow, principal, self._d)
            found = uow.report_definitions.usable(user, kind=kind, name=name)
        return [evolve(v, may_change=v.definition.may_change(user)) for v in found]


class GetReportDefinition:
    """One definition the principal may use, with its owner; NotFound for any other."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, definition_id: UUID) -> DefinitionView:
        with self._d.uow(principal.tenant_id) as uow:
            user = definition_user(uow, principal, self._d)
            usable_definition(uow, user, definition_id)
            view = uow.report_definitions.view(definition_id)
        if view is None:
            raise NotFound(WHAT, definition_id)
        return evolve(view, may_change=view.definition.may_change(user))


class RunReportDefinition:
    """Run a definition the principal may use, through the principal's visibility (R7): its kind with
    its parameters (and `overrides`), its columns in order, its sort. A column the kind no longer has
    (a code removed from a list) is skipped, not an error. The table is titled with the definition."""

    def __init__(self, deps: SalesDeps, catalog: ReportCatalog | None = None) -> None:
        self._d = deps
        self._run = RunReport(deps, catalog)

    def __call__(self, principal: Principal, definition_id: UUID,
                 overrides: Mapping[str, str] | None = None) -> ReportTable:
        with self._d.uow(principal.tenant_id) as uow:
            definition = usable_definition(uow, definition_user(uow, principal, self._d), definition_id)
        table = self._run(principal, ReportRequest.of(definition, overrides), strict=False)
        return evolve(table, title=definition.name)


class PresetKind(ReportKind):
    """A kind with preset parameters, columns and sort (a saved definition, a grid query), shaped as
    a kind so `WriteReport` and the template filler treat it like any other; the parameters given
    to `run` override the preset ones."""

    def __init__(self, catalog: ReportCatalog, request: ReportRequest, *, title: str | None = None,
                 strict: bool = True) -> None:
        self._kind = catalog.get(request.kind)
        self._catalog = catalog
        self._request = request
        self._title = title
        self._strict = strict
        self.name = self._kind.name
        self.title = title or self._kind.title
        self.description = self._kind.description
        self.params = self._kind.params

    def columns(self, principal: Principal) -> tuple[TableColumn, ...]:
        columns = self._kind.columns(principal)
        if not self._request.columns:
            return columns
        by_key = {c.key: c for c in columns}
        return tuple(by_key[k] for k in self._request.columns if k in by_key)

    def run(self, principal: Principal, params: Mapping[str, str]) -> ReportTable:
        request = evolve(self._request, params={**self._request.params, **params})
        table = run_request(self._catalog, principal, request, strict=self._strict)
        return evolve(table, title=self._title) if self._title else table


class DefinitionAsKind:
    """A definition the principal may use, as a `PresetKind` titled with its name (NotFound otherwise)."""

    def __init__(self, deps: SalesDeps, catalog: ReportCatalog | None = None) -> None:
        self._d = deps
        self._catalog = catalog_of(deps, catalog)

    def __call__(self, principal: Principal, definition_id: UUID) -> PresetKind:
        with self._d.uow(principal.tenant_id) as uow:
            definition = usable_definition(uow, definition_user(uow, principal, self._d), definition_id)
        return PresetKind(self._catalog, ReportRequest.of(definition), title=definition.name, strict=False)


class WriteReportDefinition:
    """A definition's run (with `overrides`) written to `path` as csv or xlsx by `WriteReport`."""

    def __init__(self, deps: SalesDeps, write: WriteReport, catalog: ReportCatalog | None = None) -> None:
        self._kind = DefinitionAsKind(deps, catalog)
        self._write = write

    def __call__(self, principal: Principal, definition_id: UUID, path: Path, file_format: str,
                 overrides: Mapping[str, str] | None = None) -> ReportTable:
        _check_format(file_format)
        return self._write(principal, self._kind(principal, definition_id), dict(overrides or {}), path,
                           file_format)


class WriteRequestedReport:
    """A kind's run as `request` says (columns, sort) written to `path` by `WriteReport`."""

    def __init__(self, deps: SalesDeps, write: WriteReport, catalog: ReportCatalog | None = None) -> None:
        self._catalog = catalog_of(deps, catalog)
        self._write = write

    def __call__(self, principal: Principal, request: ReportRequest, path: Path, file_format: str) -> ReportTable:
        _check_format(file_format)
        return self._write(principal, PresetKind(self._catalog, request), {}, path, file_format)


def _check_format(file_format: str) -> None:
    if file_format not in FORMATS:
        raise Invalid.field("format", f"csv または xlsx / csv or xlsx, not {file_format!r}")
