"""JSON API: users' Excel templates (帳票テンプレート) - upload (multipart ``file``, ``name``, optional
``kind``; 422 lists every problem by cell address, e.g. ``{"errors": {"Sheet1!B5": "..."}}``), list,
download the original, delete (409 while a report definition uses it), and
``GET /reports/{kind}/filled?template_id=...&<the kind's params>&columns=a,b`` - the report run with
the caller's visibility and filled into the template, as an .xlsx download."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec
from litestar import Request, delete, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Stream

from dps.application.reports.templates.ports import ReportTemplate, ReportTemplateEngine
from dps.application.reports.templates.use_cases import (
    DeleteReportTemplate,
    DownloadReportTemplate,
    FillReportTemplate,
    FillReportTemplateCommand,
    ListReportTemplates,
    UploadReportTemplate,
    UploadReportTemplateCommand,
    filled_file_name,
)
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Invalid
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.api.record_people import UPLOAD_REQUEST_CEILING
from dps.entrypoints.http.downloads import download_headers, file_stream, stream_chunks, written

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RESERVED = ("template_id", "columns")
"""Query parameters of the fill that are not the report kind's."""


@dataclass
class TemplateUploadIn:
    """multipart/form-data: ``file`` (the .xlsx), ``name``, optional ``kind`` (check the placeholders
    against that report kind's columns)."""

    file: UploadFile
    name: str = ""
    kind: str = ""


class PlaceholderOut(msgspec.Struct):
    address: str
    """``Sheet1!B5``."""
    placeholder: str
    """``row.amount``."""


class ReportTemplateOut(msgspec.Struct):
    id: UUID
    name: str
    kind: str | None
    file_name: str
    size_bytes: int
    sha256: str
    owner_id: UUID | None
    created_at: datetime
    placeholders: list[PlaceholderOut]
    download_url: str


class ReportTemplateListOut(msgspec.Struct):
    items: list[ReportTemplateOut]


def template_out(t: ReportTemplate) -> ReportTemplateOut:
    return ReportTemplateOut(
        id=t.id, name=t.name, kind=t.kind, file_name=t.file_name, size_bytes=t.size_bytes, sha256=t.sha256,
        owner_id=t.owner_id, created_at=t.created_at,
        placeholders=[PlaceholderOut(p.address, p.placeholder.text[2:-2]) for p in t.placeholders],
        download_url=f"/api/v1/report-templates/{t.id}/file",
    )



def fill_params(query: Any) -> tuple[dict[str, str], list[str]]:
    """The kind's parameters (every query parameter but ``template_id`` and ``columns``) and the columns
    (comma-separated, or repeated)."""
    params = {k: v for k, v in query.items() if k not in RESERVED}
    columns = [c.strip() for raw in query.getall("columns", []) for c in raw.split(",") if c.strip()]
    return params, columns


def fill_to_stream(principal: Principal, deps: SalesDeps, engine: ReportTemplateEngine,
                   cmd: FillReportTemplateCommand) -> Stream:
    """Fill into a temporary folder and stream it (the folder goes once streamed)."""
    filled, path = written(lambda path: FillReportTemplate(deps, engine)(principal, cmd, path), "filled.xlsx",
                           prefix="dps-filled-")
    name = filled_file_name(filled.template, deps.clock.now().astimezone(ZoneInfo(principal.time_zone)))
    return file_stream(path, name, XLSX)


@post("/report-templates", summary="Upload an Excel template (multipart: file, name, kind); 422 lists "
      "every problem by cell address", tags=["report templates"], status_code=201,
      request_max_body_size=UPLOAD_REQUEST_CEILING, sync_to_thread=True)
def upload_report_template_handler(
    principal: Principal, sales_deps: SalesDeps, report_template_engine: ReportTemplateEngine,
    data: Annotated[TemplateUploadIn, Body(media_type=RequestEncodingType.MULTI_PART)],
) -> ReportTemplateOut:
    upload = data.file
    try:
        cmd = UploadReportTemplateCommand(name=data.name, file_name=upload.filename or "", data=upload.file,
                                          kind=data.kind or None)
        return template_out(UploadReportTemplate(sales_deps, report_template_engine)(principal, cmd))
    finally:
        upload.file.close()


@get("/report-templates", summary="The tenant's Excel templates, by name", tags=["report templates"],
     sync_to_thread=True)
def list_report_templates_handler(principal: Principal, sales_deps: SalesDeps) -> ReportTemplateListOut:
    return ReportTemplateListOut(items=[template_out(t) for t in ListReportTemplates(sales_deps)(principal)])


@get("/report-templates/{template_id:uuid}/file", summary="The template's original file", tags=["report templates"],
     sync_to_thread=True)
def download_report_template_handler(principal: Principal, sales_deps: SalesDeps, template_id: UUID) -> Stream:
    download = DownloadReportTemplate(sales_deps)(principal, template_id)
    t = download.template
    return Stream(stream_chunks(download.stream), media_type=XLSX,
                  headers=download_headers(t.file_name) | {"content-length": str(t.size_bytes)})


@delete("/report-templates/{template_id:uuid}", summary="Delete a template (its owner or an administrator; "
        "409 while a report definition uses it)", tags=["report templates"], status_code=204, sync_to_thread=True)
def delete_report_template_handler(principal: Principal, sales_deps: SalesDeps, template_id: UUID) -> None:
    DeleteReportTemplate(sales_deps)(principal, template_id)


@get("/reports/{kind:str}/filled", summary="A report filled into an Excel template (.xlsx download): "
     "template_id, the kind's parameters, columns=a,b", tags=["report templates"], sync_to_thread=True)
def filled_report_handler(request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps,
                          report_template_engine: ReportTemplateEngine, kind: str) -> Stream:
    raw_id = request.query_params.get("template_id")
    try:
        template_id = UUID(raw_id or "")
    except ValueError:
        raise Invalid.field("template_id", "テンプレートの ID を指定してください / give a template id") from None
    params, columns = fill_params(request.query_params)
    cmd = FillReportTemplateCommand(template_id=template_id, kind=kind, params=params, columns=columns)
    return fill_to_stream(principal, sales_deps, report_template_engine, cmd)


ROUTES = (upload_report_template_handler, list_report_templates_handler, download_report_template_handler,
          delete_report_template_handler, filled_report_handler)
