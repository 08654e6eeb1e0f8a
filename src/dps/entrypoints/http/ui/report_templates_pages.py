"""Excel テンプレート screens: the tenant's templates with an upload form (422 lists every problem by cell
address), delete (its owner or an administrator; refused while a report definition uses it), the
original file, and ``/reports/templates/{id}/fill?kind=...&<params>`` streaming the filled workbook.
Light users see and fill templates but get no upload or delete controls (their posts are 403)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.response import Redirect, Stream, Template

from dps.application.reports.catalog import ReportCatalog
from dps.application.reports.params import ReportKind
from dps.application.reports.templates.ports import ReportTemplateEngine
from dps.application.reports.templates.use_cases import (
    DeleteReportTemplate,
    DownloadReportTemplate,
    FillReportTemplateCommand,
    ListReportTemplates,
    UploadReportTemplate,
    UploadReportTemplateCommand,
)
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Conflict, Forbidden, Invalid
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.api.record_people import UPLOAD_REQUEST_CEILING
from dps.entrypoints.http.api.report_templates import XLSX, fill_to_stream
from dps.entrypoints.http.downloads import download_headers, stream_chunks
from dps.entrypoints.http.ui.forms import FormBody, MultipartBody
from dps.entrypoints.http.ui.pages import page
from dps.entrypoints.http.ui.records import not_found_page, record_id

BASE = "/reports/templates"


def _kinds(deps: SalesDeps) -> list[ReportKind]:
    return list(ReportCatalog(deps))


def _index(request: Request[Any, Any, Any], principal: Principal, deps: SalesDeps, *, status_code: int = 200,
           problems: dict[str, str] | None = None, error: str | None = None,
           form: dict[str, str] | None = None) -> Template:
    kinds = _kinds(deps)
    return page(request, "report_templates/index.html", status_code=status_code, context={
        "templates": ListReportTemplates(deps)(principal), "kinds": kinds,
        "kind_titles": {k.name: k.title for k in kinds}, "problems": problems or {},
        "error": error, "form": form or {}, "principal": principal,
        "max_upload_mb": deps.max_upload_bytes // (1024 * 1024),
    })


@get(BASE, include_in_schema=False, sync_to_thread=True)
def report_templates_page(request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps) -> Template:
    return _index(request, principal, sales_deps)


@post(BASE, include_in_schema=False, sync_to_thread=True, request_max_body_size=UPLOAD_REQUEST_CEILING)
def report_template_upload(request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps,
                           report_template_engine: ReportTemplateEngine, data: MultipartBody) -> Template | Redirect:
    """Upload; back to the list (303), or the list again with every problem (422)."""
    upload = data.get("file")
    form = {"name": str(data.get("name") or ""), "kind": str(data.get("kind") or "")}
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _index(request, principal, sales_deps, status_code=422, form=form,
                      problems={"file": "ファイルを選んでください / choose a file"})
    try:
        UploadReportTemplate(sales_deps, report_template_engine)(principal, UploadReportTemplateCommand(
            name=form["name"], file_name=upload.filename, data=upload.file, kind=form["kind"] or None))
    except Invalid as e:
        return _index(request, principal, sales_deps, status_code=422, problems=e.errors, form=form)
    finally:
        upload.file.close()
    return Redirect(BASE, status_code=303)


@post(f"{BASE}/{{raw_id:str}}/delete", include_in_schema=False, sync_to_thread=True)
def report_template_delete(request: Request[Any, Any, Any], principal: Principal, raw_id: str, data: FormBody,
                           sales_deps: SalesDeps) -> Template | Redirect:
    with not_found_page():
        template_id = record_id("report_template", raw_id)
        try:
            DeleteReportTemplate(sales_deps)(principal, template_id)
        except Conflict:
            return _index(request, principal, sales_deps, status_code=409, error="tpl.in_use")
        except Forbidden:
            if not principal.can_write_records:
                raise
            return _index(request, principal, sales_deps, status_code=403, error="tpl.not_allowed")
    return Redirect(BASE, status_code=303)


@get(f"{BASE}/{{raw_id:str}}/file", include_in_schema=False, sync_to_thread=True)
def report_template_file(principal: Principal, raw_id: str, sales_deps: SalesDeps) -> Stream:
    with not_found_page():
        download = DownloadReportTemplate(sales_deps)(principal, record_id("report_template", raw_id))
    t = download.template
    return Stream(stream_chunks(download.stream), media_type=XLSX,
                  headers=download_headers(t.file_name) | {"content-length": str(t.size_bytes)})


@get(f"{BASE}/{{raw_id:str}}/fill", include_in_schema=False, sync_to_thread=True)
def report_template_fill(request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
                         report_template_engine: ReportTemplateEngine) -> Stream:
    """The report (``kind`` and its parameters from the query; ``columns`` optional) filled into the template."""
    query = request.query_params
    params = {k: v for k, v in query.items() if k not in ("kind", "columns")}
    columns = [c.strip() for raw in query.getall("columns", []) for c in raw.split(",") if c.strip()]
    with not_found_page():
        cmd = FillReportTemplateCommand(template_id=record_id("report_template", raw_id),
                                        kind=query.get("kind") or None, params=params, columns=columns)
        return fill_to_stream(principal, sales_deps, report_template_engine, cmd)


ROUTES = (report_templates_page, report_template_upload, report_template_delete, report_template_file,
          report_template_fill)
"""This module's pages, registered in the UI router."""
