"""レポート定義 screens: the definitions the user may use (open in the grid, copy, edit, delete), and the
form that saves one - reached from the grid's 「定義として保存」 with the grid's query (parameters,
columns, sort) prefilled - with the columns as ordered checkboxes, the kind's parameters, the sort and
the sharing (everyone, organisations, public groups). Edits are optimistic-locked (409 banner)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from attrs import frozen
from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from dps.application.directory.groups import ListPublicGroups
from dps.application.directory.organizations import ListOrganizations
from dps.application.reports.catalog import ReportCatalog
from dps.application.reports.definitions.manage import (
    CopyDefinitionCommand,
    CopyReportDefinition,
    CreateReportDefinition,
    DeleteDefinitionCommand,
    DeleteReportDefinition,
    UpdateDefinitionCommand,
    UpdateReportDefinition,
)
from dps.application.reports.definitions.ports import DefinitionView
from dps.application.reports.definitions.queries import GetReportDefinition, ListReportDefinitions
from dps.application.reports.definitions.rules import DefinitionInput
from dps.application.reports.params import ParamKind, ParamSpec, ReportKind
from dps.application.reports.tables import TableColumn
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Conflict, Invalid
from dps.application.shared.guards import ensure_can_write
from dps.domain.reports.definitions import ReportDefinition
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.api.report_definitions import grid_url
from dps.entrypoints.http.ui.forms import FormBody, submit
from dps.entrypoints.http.ui.pages import page
from dps.entrypoints.http.ui.query_form import FieldReader
from dps.entrypoints.http.ui.record_forms import form_version
from dps.entrypoints.http.ui.records import not_found_page, record_id

BASE = "/reports/definitions"
WHAT = "report_definition"
PARAM = "param."
ORDER = "order."
NOTICE = "deleted"


@frozen
class ColumnChoice:
    column: TableColumn
    checked: bool
    order: str


@frozen
class ParamField:
    spec: ParamSpec
    name: str
    """The form field: param.<spec name>."""
    input_type: str
    options: Sequence[tuple[str, str]] = ()
    """Non-empty: a select."""


def _shared_label(d: ReportDefinition) -> str:
    s = d.sharing
    if s.everyone:
        return "全員 Everyone"
    if not s.is_shared:
        return "非共有 Private"
    return f"組織 {len(s.organization_ids)} / グループ {len(s.group_ids)}"


@get(BASE, include_in_schema=False, sync_to_thread=True)
def definitions_list(request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps) -> Template:
    catalog = ReportCatalog(sales_deps)
    titles = {k.name: k.title for k in catalog}
    views = ListReportDefinitions(sales_deps)(principal)
    return page(request, "report_definitions/list.html", context={
        "views": views, "titles": titles, "open_url": grid_url, "shared_label": _shared_label,
        "deleted": request.query_params.get(NOTICE) == "1", "new_href": f"{BASE}/new" if catalog.names() else None,
    })


# -- the form


def _param_field(spec: ParamSpec, organizations: Sequence[tuple[str, str]]) -> ParamField:
    name = PARAM + spec.name
    if spec.kind is ParamKind.ORGANIZATION:
        return ParamField(spec, name, "select", organizations)
    if spec.kind is ParamKind.CHOICE and spec.choices:
        return ParamField(spec, name, "select", spec.choices)
    if spec.kind is ParamKind.BOOL:
        return ParamField(spec, name, "select", (("true", "はい Yes"), ("false", "いいえ No")))
    if spec.kind is ParamKind.DATE:
        return ParamField(spec, name, "date")
    return ParamField(spec, name, "text")


def _column_choices(columns: Sequence[TableColumn], chosen: Sequence[str], orders: Mapping[str, str]
                    ) -> list[ColumnChoice]:
    """The chosen columns first in their order, then the others in the kind's order."""
    by_key = {c.key: c for c in columns}
    first = [by_key[k] for k in chosen if k in by_key]
    rest = [c for c in columns if c.key not in chosen]
    return [ColumnChoice(c, c.key in chosen, orders.get(c.key) or (str(i + 1) if c.key in chosen else ""))
            for i, c in enumerate([*first, *rest])]


def _field_errors(errors: Mapping[str, str]) -> dict[str, str]:
    """Use-case field names -> the form's: columns[2] -> columns, params.x -> param.x."""
    out: dict[str, str] = {}
    for key, message in errors.items():
        if key.startswith("columns["):
            key = "columns"
        elif key.startswith("params."):
            key = PARAM + key.removeprefix("params.")
        out.setdefault(key, message)
    return out


@frozen
class DefinitionForm:
    request: Request[Any, Any, Any]
    principal: Principal
    kind: ReportKind
    organizations: Sequence[tuple[str, str]]
    groups: Sequence[tuple[str, str]]

    def render(self, values: Mapping[str, Any], chosen: Sequence[str], orders: Mapping[str, str],
               errors: Mapping[str, str], *, status: int = 200, conflict: Conflict | None = None,
               definition: ReportDefinition | None = None) -> Template:
        columns = self.kind.columns(self.principal)
        action = f"{BASE}/{definition.id}/edit" if definition else f"{BASE}/new"
        return page(self.request, "report_definitions/form.html", status_code=status, context={
            "values": values, "errors": _field_errors(errors), "conflict": conflict, "definition": definition,
            "kind": self.kind, "action": action, "cancel_href": BASE,
            "columns": _column_choices(columns, chosen, orders),
            "sort_options": [(c.key, c.header) for c in columns],
            "params": [_param_field(p, self.organizations) for p in self.kind.params],
            "organization_options": self.organizations, "group_options": self.groups,
        })


def _form(request: Request[Any, Any, Any], principal: Principal, kind: ReportKind,
          list_organizations: ListOrganizations, list_public_groups: ListPublicGroups) -> DefinitionForm:
    return DefinitionForm(
        request, principal, kind, [(str(o.id), f"{o.code} {o.name}") for o in list_organizations(principal)],
        [(str(g.id), f"{g.code} {g.name}") for g in list_public_groups(principal)])


def _kind(sales_deps: SalesDeps, name: str) -> ReportKind:
    return ReportCatalog(sales_deps).get(name)


def _posted_columns(form: FieldReader, data: Mapping[str, Any]) -> tuple[tuple[str, ...], dict[str, str]]:
    """The checked column keys ordered by their number (then as listed), and every number typed."""
    checked = form.all("columns")
    orders = {k.removeprefix(ORDER): form.raw(k) for k in data if isinstance(k, str) and k.startswith(ORDER)}

    def position(item: tuple[int, str]) -> tuple[float, int]:
        index, key = item
        try:
            return float(orders.get(key) or "inf"), index
        except ValueError:
            return float("inf"), index

    return tuple(k for _, k in sorted(enumerate(dict.fromkeys(checked)), key=position)), orders


def _input(form: FieldReader, kind: ReportKind, columns: tuple[str, ...]) -> DefinitionInput:
    params = {p.name: form.raw(PARAM + p.name) for p in kind.params}
    return DefinitionInput(
        name=form.raw("name"), kind=kind.name, description=form.raw("description"), columns=columns,
        params={k: v for k, v in params.items() if v}, sort_key=form.text("sort_key"),
        sort_desc=form.flag("sort_desc"), shared_all=form.flag("shared_all"),
        organization_ids=form.uuids("organization_ids"), group_ids=form.uuids("group_ids"),
    )


def _values_of(d: ReportDefinition) -> dict[str, Any]:
    return {
        "name": d.name, "description": d.description, "sort_key": d.sort_key or "", "sort_desc": d.sort_desc,
        "shared_all": d.sharing.everyone, "organization_ids": [str(o) for o in sorted(d.sharing.organization_ids)],
        "group_ids": [str(g) for g in sorted(d.sharing.group_ids)], "version": d.version,
        **{PARAM + k: v for k, v in d.params.items()},
    }


@get(f"{BASE}/new", include_in_schema=False, sync_to_thread=True)
def definition_new(
    request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps,
    list_organizations: ListOrganizations, list_public_groups: ListPublicGroups,
) -> Template:
    """The form prefilled from the grid's query: ?kind=K&<parameters>&columns=a,b&sort=key&desc=1."""
    ensure_can_write(principal, sales_deps.audit, "report_definition.create")
    query = request.query_params
    catalog = ReportCatalog(sales_deps)
    try:
        kind = catalog.get(query.get("kind") or "")
    except Invalid:
        kind = next(iter(catalog))
    chosen = tuple(dict.fromkeys(c.strip() for v in query.getall("columns", []) for c in v.split(",") if c.strip()))
    values: dict[str, Any] = {
        "sort_key": query.get("sort") or "", "sort_desc": query.get("desc") in ("1", "true"),
        **{PARAM + p.name: query.get(p.name) for p in kind.params if query.get(p.name)},
    }
    ui = _form(request, principal, kind, list_organizations, list_public_groups)
    return ui.render(values, chosen or [c.key for c in kind.columns(principal)], {}, errors={})


@post(f"{BASE}/new", include_in_schema=False, sync_to_thread=True)
def definition_create(
    request: Request[Any, Any, Any], principal: Principal, data: FormBody, sales_deps: SalesDeps,
    list_organizations: ListOrganizations, list_public_groups: ListPublicGroups,
) -> Response[Any]:
    form = FieldReader(data)
    kind = _kind(sales_deps, form.raw("kind"))
    columns, orders = _posted_columns(form, data)
    ui = _form(request, principal, kind, list_organizations, list_public_groups)
    content = _input(form, kind, columns)
    return submit(
        lambda: CreateReportDefinition(sales_deps)(principal, content),
        on_success=lambda saved: Redirect(f"{BASE}?created={saved.id}", status_code=303),
        render=lambda errors, conflict, status: ui.render(form.values, columns, orders, errors, status=status,
                                                          conflict=conflict),
        reader=form,
    )


def _view(principal: Principal, sales_deps: SalesDeps, raw_id: str) -> DefinitionView:
    with not_found_page():
        return GetReportDefinition(sales_deps)(principal, record_id(WHAT, raw_id))


@get(f"{BASE}/{{raw_id:str}}/edit", include_in_schema=False, sync_to_thread=True)
def definition_edit(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
    list_organizations: ListOrganizations, list_public_groups: ListPublicGroups,
) -> Template:
    d = _view(principal, sales_deps, raw_id).definition
    ensure_can_write(principal, sales_deps.audit, "report_definition.update")
    ui = _form(request, principal, _kind(sales_deps, d.kind), list_organizations, list_public_groups)
    chosen = d.columns or tuple(c.key for c in ui.kind.columns(principal))
    return ui.render(_values_of(d), chosen, {}, {}, definition=d)


@post(f"{BASE}/{{raw_id:str}}/edit", include_in_schema=False, sync_to_thread=True)
def definition_update(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, data: FormBody, sales_deps: SalesDeps,
    list_organizations: ListOrganizations, list_public_groups: ListPublicGroups,
) -> Response[Any]:
    d = _view(principal, sales_deps, raw_id).definition
    form = FieldReader(data)
    kind = _kind(sales_deps, d.kind)
    columns, orders = _posted_columns(form, data)
    version = form_version(form)
    ui = _form(request, principal, kind, list_organizations, list_public_groups)
    content = _input(form, kind, columns)

    def update() -> ReportDefinition:
        with not_found_page():
            return UpdateReportDefinition(sales_deps)(principal, UpdateDefinitionCommand(d.id, version, content))

    return submit(
        update,
        on_success=lambda saved: Redirect(f"{BASE}?updated={saved.id}", status_code=303),
        render=lambda errors, conflict, status: ui.render(form.values, columns, orders, errors, status=status,
                                                          conflict=conflict, definition=d),
        reader=form,
    )


@post(f"{BASE}/{{raw_id:str}}/copy", include_in_schema=False, sync_to_thread=True)
def definition_copy(principal: Principal, raw_id: str, sales_deps: SalesDeps) -> Redirect:
    """A private copy owned by the user, opened in the form to rename it."""
    with not_found_page():
        copy = CopyReportDefinition(sales_deps)(principal, CopyDefinitionCommand(record_id(WHAT, raw_id)))
    return Redirect(f"{BASE}/{copy.id}/edit", status_code=303)


@post(f"{BASE}/{{raw_id:str}}/delete", include_in_schema=False, sync_to_thread=True)
def definition_delete(principal: Principal, raw_id: str, data: FormBody, sales_deps: SalesDeps) -> Redirect:
    form = FieldReader(data)
    definition_id: UUID = record_id(WHAT, raw_id)
    with not_found_page():
        DeleteReportDefinition(sales_deps)(principal, DeleteDefinitionCommand(definition_id, form.integer("version")))
    return Redirect(f"{BASE}?{NOTICE}=1", status_code=303)


ROUTES = (definitions_list, definition_new, definition_create, definition_edit, definition_update, definition_copy,
          definition_delete)
"""This module's pages, registered in the UI router (static paths before parameter ones)."""
