"""JSON API: report kinds as one generic table, and saved report definitions (レポート定義).

- ``GET /reports``: the kinds with their parameters and columns (stable keys).
- ``GET /reports/{kind}/table``: a run as a generic table. Query parameters: the kind's parameters
  (see ``params`` of the kind), ``columns=a,b`` (keys, in order), ``sort`` (a key) and ``desc``.
- ``GET /reports/{kind}/file?format=xlsx|csv``: the same run as a download.
- ``/report-definitions``: list (the ones you may use), save, read, change (``PATCH`` with
  ``version``; 409 when stale), delete, copy, and run one as a table or a file (query parameters
  named as the kind's override the saved ones).

Tables: ``columns`` (key, header, kind: text, count, money, rate, month), ``rows`` (``level`` 0 a
detail line, 1 a subtotal, ...; ``cells``), ``totals``, ``notes``, ``left_out`` (restricted records
you may not see, left out: R7) and ``drills``: where a number comes from, as the list ``resource``
and its ``filters`` (row ``len(rows)`` is the totals row). Amounts are decimal strings, rates ratios,
dates ISO. A definition you may not use is 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

import msgspec
from litestar import Request, delete, get, patch, post
from litestar.params import Parameter
from litestar.response import Stream
from litestar.types import ControllerRouterHandler

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
from dps.application.reports.definitions.queries import (
    GetReportDefinition,
    ListReportDefinitions,
    RunReportDefinition,
    WriteReportDefinition,
)
from dps.application.reports.definitions.rules import DefinitionInput
from dps.application.reports.exports import WriteReport
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Invalid
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.api.report_kinds import (
    MEDIA_TYPES,
    ReportTableOut,
    download_table,
    kind_params,
    table_out,
    table_query,
)

# -- output


class DefinitionOut(msgspec.Struct):
    id: UUID
    name: str
    kind: str
    description: str
    columns: list[str]
    params: dict[str, str]
    sort_key: str | None
    sort_desc: bool
    template_id: UUID | None
    shared_all: bool
    organization_ids: list[UUID]
    group_ids: list[UUID]
    owner_id: UUID | None
    owner_login: str
    owner_name: str
    may_change: bool
    """You may edit and delete it (its owner or an administrator)."""
    version: int
    created_at: datetime | None
    updated_at: datetime | None
    url: str
    """The grid screen with this definition."""


# -- input


class DefinitionIn(msgspec.Struct):
    name: str
    kind: str
    description: str = ""
    columns: list[str] = msgspec.field(default_factory=list)
    """Column keys in display order; empty: every column."""
    params: dict[str, str] = msgspec.field(default_factory=dict)
    """The kind's parameters as strings (see GET /reports)."""
    sort_key: str | None = None
    sort_desc: bool = False
    template_id: UUID | None = None
    shared_all: bool = False
    organization_ids: list[UUID] = msgspec.field(default_factory=list)
    """Shared with these organisations and their sub-organisations."""
    group_ids: list[UUID] = msgspec.field(default_factory=list)
    """Shared with these public groups (and their sub-groups)."""


class DefinitionPatchIn(msgspec.Struct, kw_only=True):
    """The fields to change; `version` is the one you read (409 when someone changed it since)."""

    version: int
    name: str | None = None
    kind: str | None = None
    description: str | None = None
    columns: list[str] | None = None
    params: dict[str, str] | None = None
    sort_key: str | None = None
    """'' removes the sort."""
    sort_desc: bool | None = None
    template_id: str | None = None
    """'' removes the template."""
    shared_all: bool | None = None
    organization_ids: list[UUID] | None = None
    group_ids: list[UUID] | None = None


class CopyIn(msgspec.Struct):
    name: str | None = None
    """Default 「<name> のコピー」."""


# -- helpers


def grid_url(view: DefinitionView) -> str:
    """The grid screen (/reports/run/{kind}) with the definition's parameters, columns and sort."""
    d = view.definition
    pairs: list[tuple[str, str]] = list(d.params.items())
    if d.columns:
        pairs.append(("columns", ",".join(d.columns)))
    if d.sort_key:
        pairs.append(("sort", d.sort_key))
        if d.sort_desc:
            pairs.append(("desc", "1"))
    pairs.append(("definition", str(d.id)))
    return f"/reports/run/{d.kind}?{urlencode(pairs)}"


def definition_out(view: DefinitionView) -> DefinitionOut:
    d = view.definition
    return DefinitionOut(
        id=d.id, name=d.name, kind=d.kind, description=d.description, columns=list(d.columns),
        params=dict(d.params), sort_key=d.sort_key, sort_desc=d.sort_desc, template_id=d.template_id,
        shared_all=d.sharing.everyone, organization_ids=sorted(d.sharing.organization_ids),
        group_ids=sorted(d.sharing.group_ids), owner_id=d.owner_id, owner_login=view.owner_login,
        owner_name=view.owner_name, may_change=view.may_change, version=d.version, created_at=d.created_at,
        updated_at=d.updated_at, url=grid_url(view),
    )


def _input(data: DefinitionIn) -> DefinitionInput:
    return DefinitionInput(
        name=data.name, kind=data.kind, description=data.description, columns=tuple(data.columns),
        params=dict(data.params), sort_key=data.sort_key, sort_desc=data.sort_desc, template_id=data.template_id,
        shared_all=data.shared_all, organization_ids=tuple(data.organization_ids), group_ids=tuple(data.group_ids),
    )


def _patched(view: DefinitionView, data: DefinitionPatchIn) -> DefinitionInput:
    d = view.definition
    template_id = d.template_id
    if data.template_id is not None:
        try:
            template_id = UUID(data.template_id) if data.template_id else None
        except ValueError:
            raise Invalid.field("template_id", "IDの形式が不正です / not an id") from None
    sort_key = d.sort_key if data.sort_key is None else (data.sort_key or None)

    def pick(new: Any, old: Any) -> Any:
        return old if new is None else new

    return DefinitionInput(
        name=pick(data.name, d.name), kind=pick(data.kind, d.kind), description=pick(data.description, d.description),
        columns=tuple(pick(data.columns, d.columns)), params=dict(pick(data.params, d.params)), sort_key=sort_key,
        sort_desc=pick(data.sort_desc, d.sort_desc), template_id=template_id,
        shared_all=pick(data.shared_all, d.sharing.everyone),
        organization_ids=tuple(pick(data.organization_ids, sorted(d.sharing.organization_ids))),
        group_ids=tuple(pick(data.group_ids, sorted(d.sharing.group_ids))),
    )


# -- definitions


@get("/report-definitions", summary="The report definitions you may use", sync_to_thread=True)
def list_definitions_handler(
    principal: Principal, sales_deps: SalesDeps,
    kind: str | None = Parameter(query="kind", default=None, description="only this kind"),
) -> list[DefinitionOut]:
    return [definition_out(v) for v in ListReportDefinitions(sales_deps)(principal, kind=kind or None)]


@post("/report-definitions", summary="Save a report definition (yours)", status_code=201, sync_to_thread=True)
def create_definition_handler(principal: Principal, data: DefinitionIn, sales_deps: SalesDeps) -> DefinitionOut:
    created = CreateReportDefinition(sales_deps)(principal, _input(data))
    return definition_out(GetReportDefinition(sales_deps)(principal, created.id))


@get("/report-definitions/{definition_id:uuid}", summary="One report definition", sync_to_thread=True)
def get_definition_handler(principal: Principal, definition_id: UUID, sales_deps: SalesDeps) -> DefinitionOut:
    return definition_out(GetReportDefinition(sales_deps)(principal, definition_id))


@patch("/report-definitions/{definition_id:uuid}", summary="Change a report definition (owner, administrators)",
       sync_to_thread=True)
def update_definition_handler(
    principal: Principal, definition_id: UUID, data: DefinitionPatchIn, sales_deps: SalesDeps,
) -> DefinitionOut:
    current = GetReportDefinition(sales_deps)(principal, definition_id)
    UpdateReportDefinition(sales_deps)(principal, UpdateDefinitionCommand(definition_id, data.version,
                                                                          _patched(current, data)))
    return definition_out(GetReportDefinition(sales_deps)(principal, definition_id))


@delete("/report-definitions/{definition_id:uuid}", summary="Delete a report definition (owner, administrators)",
        status_code=204, sync_to_thread=True)
def delete_definition_handler(
    principal: Principal, definition_id: UUID, sales_deps: SalesDeps,
    version: int | None = Parameter(query="version", default=None, description="refuse (409) if changed since"),
) -> None:
    DeleteReportDefinition(sales_deps)(principal, DeleteDefinitionCommand(definition_id, version))


@post("/report-definitions/{definition_id:uuid}/copy", summary="Copy a report definition as your own (private)",
      status_code=201, sync_to_thread=True)
def copy_definition_handler(
    principal: Principal, definition_id: UUID, sales_deps: SalesDeps, data: CopyIn | None = None,
) -> DefinitionOut:
    name = data.name if data is not None else None
    copy = CopyReportDefinition(sales_deps)(principal, CopyDefinitionCommand(definition_id, name))
    return definition_out(GetReportDefinition(sales_deps)(principal, copy.id))


def _overrides(sales_deps: SalesDeps, principal: Principal, definition_id: UUID,
               request: Request[Any, Any, Any]) -> dict[str, str]:
    view = GetReportDefinition(sales_deps)(principal, definition_id)
    return kind_params(ReportCatalog(sales_deps).get(view.definition.kind), table_query(request))


@get("/report-definitions/{definition_id:uuid}/table", summary="Run a report definition as a generic table "
     "(the kind's parameters as query parameters override the saved ones)", sync_to_thread=True)
def definition_table_handler(
    request: Request[Any, Any, Any], principal: Principal, definition_id: UUID, sales_deps: SalesDeps,
) -> ReportTableOut:
    overrides = _overrides(sales_deps, principal, definition_id, request)
    return table_out(RunReportDefinition(sales_deps)(principal, definition_id, overrides))


@get("/report-definitions/{definition_id:uuid}/file", summary="Run a report definition as an xlsx or CSV download",
     sync_to_thread=True, media_type=MEDIA_TYPES["xlsx"])
def definition_file_handler(
    request: Request[Any, Any, Any], principal: Principal, definition_id: UUID, sales_deps: SalesDeps,
    write_report: WriteReport,
    file_format: str = Parameter(query="format", default="xlsx", description="xlsx or csv"),
) -> Stream:
    overrides = _overrides(sales_deps, principal, definition_id, request)
    write = WriteReportDefinition(sales_deps, write_report)
    return download_table(lambda path: write(principal, definition_id, path, file_format, overrides), file_format,
                     "report")


ROUTES: list[ControllerRouterHandler] = [
    list_definitions_handler, create_definition_handler, get_definition_handler, update_definition_handler,
    delete_definition_handler, copy_definition_handler, definition_table_handler, definition_file_handler,
]
"""The handlers of this module, mounted under /api/v1 by the app factory."""
