"""データ入出力 (import and export) screens: for each kind of sheet the template, an export of what the
user may see, and an upload that is imported in the request (ImportRecords: validate everything, write
all or nothing).

An upload is kept with its result under the transfer work directory, in an area of its own per tenant
and user (``<dir>/<tenant>/<user>/<run id>/``: the file under its own (sanitised) name, so the master
change log names it, ``errors.xlsx`` and ``result.json``). The result page and the error workbook are
found only in the area of the user asking, so another user's run id is simply not there (404).
Unreadable files and header problems become the run's message; a permission refusal is shown on the
upload page (403); light users get no access at all (403). Never a 500 for a bad file."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from attrs import evolve, frozen
from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Stream, Template

from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Forbidden, Invalid
from dps.application.shared.ports import AuditLog
from dps.application.transfer.exports import ExportRecords, ExportTemplate
from dps.application.transfer.imports import ImportRecords, ImportReport
from dps.application.transfer.kinds import KINDS
from dps.application.transfer.ports import UnreadableFile
from dps.application.transfer.schema import ImportMode
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.api.record_people import UPLOAD_REQUEST_CEILING
from dps.entrypoints.http.downloads import file_stream
from dps.entrypoints.http.ui.forms import MultipartBody
from dps.entrypoints.http.ui.messages import Labels
from dps.entrypoints.http.ui.pages import page

SHOWN_ERRORS = 100
CHUNK = 64 * 1024
RESULT_FILE = "result.json"
ERRORS_FILE = "errors.xlsx"
CSV_KINDS = frozenset({"sales-results"})
"""Kinds exported as CSV (販売実績); every other kind is an xlsx workbook."""
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
UPLOAD_SUFFIXES = frozenset({".xlsx", ".xlsm", ".csv"})
KEEP_SECONDS = 7 * 24 * 3600
"""Runs (uploads, error workbooks, results) and abandoned export files older than this are removed
from the user's area when the user next imports."""


class _SilentAudit(AuditLog):
    """Asking a kind whether the user *could* import it is not an attempt: nothing to log."""

    def security(self, event: str, **fields: Any) -> None:
        return None

    def master_change(self, *, entity: str, record_id: UUID | str, action: str, actor: str,
                      before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> None:
        return None

    def application(self, event: str, **fields: Any) -> None:
        return None


@frozen
class KindEntry:
    """One row of the index: a kind, its label key, whether only administrators may import it, its modes."""

    name: str
    label_key: str
    admin_only: bool
    modes: tuple[str, ...]


def _refuse_light(principal: Principal, sales_deps: SalesDeps) -> None:
    if not principal.can_write_records:
        sales_deps.audit.security("permission.denied", user=principal.login_id, action="transfer.screen",
                                  reason="light licence")
        raise Forbidden("ライトユーザはデータ入出力を使えません / a light user may not import or export data")


def _may_import(principal: Principal, name: str) -> bool:
    try:
        KINDS[name]().authorize(principal, _SilentAudit(), f"{name}.import")
    except Forbidden:
        return False
    return True


def _entry(principal: Principal, name: str) -> KindEntry | None:
    """The kind as this user sees it; None when it is for administrators and the user is not one.
    `admin_only`: a full user without the administrator role could not import it (管理者のみ)."""
    if not _may_import(principal, name):
        return None
    modes = tuple(m.value for m in ImportMode if m in KINDS[name]().base_schema().modes)
    return KindEntry(name=name, label_key=f"transfer.kind.{name}", modes=modes,
                     admin_only=not _may_import(evolve(principal, roles=frozenset()), name))


def _kinds(principal: Principal) -> list[KindEntry]:
    return [e for name in KINDS if (e := _entry(principal, name)) is not None]


def _kind(principal: Principal, name: str) -> KindEntry:
    """The kind in the path; unknown kinds and kinds the user may not use are not there (404)."""
    entry = _entry(principal, name) if name in KINDS else None
    if entry is None:
        raise NotFoundException()
    return entry


# -- the user's area --------------------------------------------------------------------------------------

def _area(root: Path, principal: Principal) -> Path:
    """``<root>/<tenant>/<user>``: UUIDs print as hex and dashes only, so nothing leaves the root."""
    return root / str(UUID(str(principal.tenant_id))) / str(UUID(str(principal.user_id)))


def _run_dir(root: Path, principal: Principal, raw_id: str) -> Path:
    """A run of this user's; anything else (another user's, malformed, gone) is 404."""
    try:
        run = UUID(raw_id)
    except ValueError:
        raise NotFoundException() from None
    path = _area(root, principal) / str(run)
    if not (path / RESULT_FILE).is_file():
        raise NotFoundException()
    return path


def prune(area: Path, now: float, keep_seconds: int = KEEP_SECONDS) -> None:
    """Remove the area's runs and leftover export directories last changed before `now - keep_seconds`."""
    cutoff = now - keep_seconds
    for parent in (area, area / "exports"):
        if not parent.is_dir():
            continue
        for child in parent.iterdir():
            if child.name != "exports" and child.is_dir() and child.stat().st_mtime < cutoff:
                shutil.rmtree(child, ignore_errors=True)


def safe_file_name(name: str, default: str = "upload.xlsx") -> str:
    """The base name of what the browser sent, without path parts or control characters, kept short."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable() and c not in '<>:"|?*').strip().lstrip(".")
    if not base:
        return default
    stem, dot, suffix = base.rpartition(".")
    if not dot or f".{suffix.lower()}" not in UPLOAD_SUFFIXES:
        return f"{base[:100]}.xlsx"
    return f"{stem[:100]}.{suffix.lower()}"


def _save(upload: UploadFile, target: Path, limit: int) -> bool:
    """Copy the upload to `target`; False (and nothing kept) when it is larger than `limit` bytes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    source = upload.file
    source.seek(0)
    with target.open("wb") as out:
        while chunk := source.read(CHUNK):
            size += len(chunk)
            if size > limit:
                break
            out.write(chunk)
    if size > limit:
        target.unlink(missing_ok=True)
        return False
    return True


def _result(report: ImportReport | None, kind: str, mode: str, dry_run: bool, file_name: str,
            problem: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": kind, "mode": mode, "dry_run": dry_run, "file_name": file_name,
                            "problem": problem, "error_file": None, "errors": []}
    if report is not None:
        data.update(report.summary())
        data["deleted"] = report.deleted
        data["errors"] = [[e.row, e.column, e.header, e.message] for e in report.row_errors[:SHOWN_ERRORS]]
        data["error_count"] = report.errors
        data["error_file"] = ERRORS_FILE if report.error_path is not None and report.error_path.is_file() else None
    return data


# -- pages ------------------------------------------------------------------------------------------------

def _index(request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps, *, status_code: int = 200,
           error: str | None = None, kind: str | None = None) -> Template:
    return page(request, "transfer/index.html", status_code=status_code, context={
        "kinds": _kinds(principal), "error": error, "error_kind": kind,
        "max_upload_mb": f"{sales_deps.max_upload_bytes / (1024 * 1024):,.1f}",
    })


@get("/transfer", include_in_schema=False, sync_to_thread=True)
def transfer_index(request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps) -> Template:
    """The kinds with their template, export and import (upload) actions."""
    _refuse_light(principal, sales_deps)
    return _index(request, principal, sales_deps)


@post("/transfer/{kind:str}/import", include_in_schema=False, sync_to_thread=True,
      request_max_body_size=UPLOAD_REQUEST_CEILING)
def transfer_import(request: Request[Any, Any, Any], principal: Principal, kind: str, data: MultipartBody,
                    sales_deps: SalesDeps, import_records: ImportRecords, transfer_work_dir: Path,
                    ) -> Template | Redirect:
    """Import the uploaded file now; 303 to its result page (a refused upload: the index with why)."""
    _refuse_light(principal, sales_deps)
    entry = _kind(principal, kind)
    labels = Labels(principal.locale)
    upload = data.get("file")
    mode = str(data.get("mode") or ImportMode.UPSERT.value)
    dry_run = str(data.get("dry_run") or "").lower() in ("true", "on", "1")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _index(request, principal, sales_deps, status_code=422, kind=kind,
                      error=labels.pair("transfer.error.no_file"))
    try:
        if mode not in entry.modes:
            return _index(request, principal, sales_deps, status_code=422, kind=kind,
                          error=labels.pair("transfer.error.mode"))
        run = uuid4()
        area = _area(transfer_work_dir, principal)
        prune(area, time.time())
        run_dir = area / str(run)
        file_name = safe_file_name(upload.filename)
        source = run_dir / file_name
        limit = sales_deps.max_upload_bytes
        if not _save(upload, source, limit):
            shutil.rmtree(run_dir, ignore_errors=True)
            return _index(request, principal, sales_deps, status_code=413, kind=kind,
                          error=f"{labels.pair('transfer.error.too_large')} ({limit:,} bytes)")
    finally:
        upload.file.close()
    try:
        report = import_records(principal, kind, source, ImportMode(mode), dry_run=dry_run,
                                error_path=run_dir / ERRORS_FILE)
        result = _result(report, kind, mode, dry_run, file_name)
    except Forbidden as e:
        shutil.rmtree(run_dir, ignore_errors=True)
        return _index(request, principal, sales_deps, status_code=403, kind=kind, error=e.message)
    except UnreadableFile as e:  # SheetHeaderError included: the reason lists the columns
        result = _result(None, kind, mode, dry_run, file_name, problem=e.reason)
    except Invalid as e:
        result = _result(None, kind, mode, dry_run, file_name, problem="; ".join(e.errors.values()))
    (run_dir / RESULT_FILE).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return Redirect(f"/transfer/results/{run}", status_code=303)


@get("/transfer/results/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def transfer_result(request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
                    transfer_work_dir: Path) -> Template:
    """Counts, the first errors (row, column, message) and the error workbook's link: the runner's only."""
    _refuse_light(principal, sales_deps)
    run_dir = _run_dir(transfer_work_dir, principal, raw_id)
    result = json.loads((run_dir / RESULT_FILE).read_text(encoding="utf-8"))
    return page(request, "transfer/result.html", context={
        "run_id": raw_id, "result": result, "kind_key": f"transfer.kind.{result['kind']}",
        "mode_key": f"transfer.mode.{result['mode']}",
    })


def _stream(path: Path, download_name: str, media_type: str, *, remove: bool) -> Stream:
    return file_stream(path, download_name, media_type, remove_dir=remove, sandbox=True)


@get("/transfer/results/{raw_id:str}/errors", include_in_schema=False, sync_to_thread=True)
def transfer_error_file(principal: Principal, raw_id: str, sales_deps: SalesDeps, transfer_work_dir: Path) -> Stream:
    """The error workbook of one of the user's runs (the original rows + the reasons)."""
    _refuse_light(principal, sales_deps)
    run_dir = _run_dir(transfer_work_dir, principal, raw_id)
    result = json.loads((run_dir / RESULT_FILE).read_text(encoding="utf-8"))
    path = run_dir / ERRORS_FILE
    if result.get("error_file") != ERRORS_FILE or not path.is_file():
        raise NotFoundException()
    stem = str(result.get("file_name") or "import").rsplit(".", 1)[0]
    return _stream(path, f"{stem}.errors.xlsx", XLSX_TYPE, remove=False)


def _download_name(principal: Principal, sales_deps: SalesDeps, kind: str, suffix: str, what: str = "") -> str:
    labels = Labels(principal.locale)
    label = labels.text(f"transfer.kind.{kind}")
    label = kind if label.startswith("transfer.kind.") else label
    try:
        zone = ZoneInfo(principal.time_zone)
    except (KeyError, ValueError):
        zone = ZoneInfo("Asia/Tokyo")
    stamp = sales_deps.clock.now().astimezone(zone)
    return f"{label}{'_' + what if what else ''}_{stamp:%Y%m%d}{suffix}"


def _export_dir(root: Path, principal: Principal) -> Path:
    path = _area(root, principal) / "exports" / str(uuid4())
    path.mkdir(parents=True, exist_ok=True)
    return path


@get("/transfer/{kind:str}/template", include_in_schema=False, sync_to_thread=True)
def transfer_template(principal: Principal, kind: str, sales_deps: SalesDeps, export_template: ExportTemplate,
                      transfer_work_dir: Path) -> Stream:
    """The kind's empty workbook: headers, the hidden key row and the code-list dropdowns."""
    _refuse_light(principal, sales_deps)
    _kind(principal, kind)
    path = _export_dir(transfer_work_dir, principal) / "template.xlsx"
    try:
        export_template(principal, kind, path)
    except BaseException:
        shutil.rmtree(path.parent, ignore_errors=True)
        raise
    what = Labels(principal.locale).text("transfer.template_suffix")
    name = _download_name(principal, sales_deps, kind, ".xlsx", what)
    return _stream(path, name, XLSX_TYPE, remove=True)


@get("/transfer/{kind:str}/export", include_in_schema=False, sync_to_thread=True)
def transfer_export(principal: Principal, kind: str, sales_deps: SalesDeps, export_records: ExportRecords,
                    transfer_work_dir: Path) -> Stream:
    """What the user may see of the kind, as a workbook (販売実績: CSV), downloaded."""
    _refuse_light(principal, sales_deps)
    _kind(principal, kind)
    suffix = ".csv" if kind in CSV_KINDS else ".xlsx"
    path = _export_dir(transfer_work_dir, principal) / f"export{suffix}"
    try:
        export_records(principal, kind, path)
    except BaseException:
        shutil.rmtree(path.parent, ignore_errors=True)
        raise
    name = _download_name(principal, sales_deps, kind, suffix)
    return _stream(path, name, CSV_TYPE if suffix == ".csv" else XLSX_TYPE, remove=True)


ROUTES = (transfer_index, transfer_import, transfer_result, transfer_error_file, transfer_template, transfer_export)
"""This module's pages, registered in the UI router (static segments before parameters)."""
