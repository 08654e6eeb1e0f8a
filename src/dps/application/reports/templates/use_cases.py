"""帳票テンプレート use cases: upload (checked, with every problem's cell address), list, download the
original, delete (refused while a report definition uses it), and fill a template with a report run
as the acting user (so with that user's visibility, R7).

Upload follows attachments: full users only; the body is spooled once (size limit, sha256), scanned
when a scanner is configured, checked, stored under a fresh server-made key, and only then recorded;
if recording fails the stored bytes are removed. Bytes never move inside a database transaction."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from uuid import UUID
from zoneinfo import ZoneInfo

from attrs import field, frozen

from dps.application.reports.catalog import ReportCatalog
from dps.application.reports.params import ReportKind
from dps.application.reports.tables import ReportTable
from dps.application.reports.templates.placeholders import problems_as_errors, unknown_columns
from dps.application.reports.templates.ports import ReportTemplate, ReportTemplateEngine
from dps.application.sales.deps import SalesDeps
from dps.application.sales.files import ByteSource, new_storage_key
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import Conflict, Forbidden, Invalid, NotFound
from dps.application.shared.guards import ensure_can_write
from dps.domain.shared.ids import UserId
from dps.domain.shared.principal import Principal

CHUNK = 64 * 1024
NAME_MAX = 200
FILE_NAME_MAX = 255


@frozen
class UploadReportTemplateCommand:
    name: str
    file_name: str
    data: ByteSource
    kind: str | None = None
    """Check the template against this report kind's columns (None: any kind)."""


@frozen
class TemplateDownload:
    """The template and its original bytes; the caller closes `stream`."""

    template: ReportTemplate
    stream: BinaryIO


@frozen
class FillReportTemplateCommand:
    template_id: UUID
    kind: str | None = None
    """The report kind to run; defaults to the template's own."""
    params: Mapping[str, str] = field(factory=dict)
    columns: Sequence[str] = ()
    preset: ReportKind | None = None
    """A kind to run instead of the catalogue's `kind` (a saved definition as a kind, with its own
    columns and sort): `dps report run DEFINITION --template T`."""


@frozen
class FilledReport:
    template: ReportTemplate
    table: ReportTable
    path: Path


@contextmanager
def _spooled(data: ByteSource, max_bytes: int, file_name: str) -> Iterator[tuple[Path, int, str]]:
    """The upload copied once into a temporary file: (its path, size, sha256); more than `max_bytes`
    is refused as soon as it arrives."""
    with tempfile.TemporaryDirectory(prefix="dps-template-") as folder:
        path = Path(folder) / "upload.xlsx"
        digest = hashlib.sha256()
        size = 0
        with path.open("wb") as f:
            while chunk := data.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise Invalid({"file": f"{max_bytes} バイトを超えています / larger than {max_bytes} bytes "
                                           f"({file_name})"})
                digest.update(chunk)
                f.write(chunk)
        yield path, size, digest.hexdigest()


def _name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name:
        raise Invalid.field("name", "必須です / required")
    if len(name) > NAME_MAX:
        raise Invalid.field("name", f"{NAME_MAX} 文字以内で / at most {NAME_MAX} characters")
    return name


def _file_name(raw: str) -> str:
    name = raw.replace("\\", "/").rsplit("/", 1)[-1].strip() or "template.xlsx"
    name = "".join(c for c in name if c.isprintable())[:FILE_NAME_MAX]
    if not name.lower().endswith((".xlsx", ".xltx")):
        raise Invalid.field("file", "xlsx ファイルを選んでください / choose an .xlsx file")
    return name


def _owner(uow: SalesUnitOfWork, principal: Principal) -> UserId | None:
    """The uploader as a user of the tenant (None for an operator acting through the CLI)."""
    return principal.user_id if uow.users.get(principal.user_id) is not None else None


def _template(uow: SalesUnitOfWork, template_id: UUID) -> ReportTemplate:
    template = uow.report_templates.get(template_id)
    if template is None:
        raise NotFound("report template", template_id)
    return template


class UploadReportTemplate:
    """Check and keep a template; `Invalid` lists every problem by cell address (``Sheet1!B5``)."""

    def __init__(self, deps: SalesDeps, engine: ReportTemplateEngine, catalog: ReportCatalog | None = None) -> None:
        self._d = deps
        self._engine = engine
        self._catalog = catalog or ReportCatalog(deps)

    def __call__(self, principal: Principal, cmd: UploadReportTemplateCommand) -> ReportTemplate:
        d = self._d
        ensure_can_write(principal, d.audit, "report_template.upload")
        name, file_name = _name(cmd.name), _file_name(cmd.file_name)
        kind = (cmd.kind or "").strip() or None
        keys = [c.key for c in self._catalog.get(kind).columns(principal)] if kind else None
        with d.uow(principal.tenant_id) as uow:
            if uow.report_templates.get_by_name(name) is not None:
                raise Invalid.field("name", "同じ名前のテンプレートがあります / a template of this name exists")
        with _spooled(cmd.data, d.max_upload_bytes, file_name) as (path, size, sha256):
            self._scan(principal, path, file_name, sha256)
            scan = self._engine.check(path, keys)
            if not scan.ok:
                raise Invalid(problems_as_errors(scan.problems))
            key = new_storage_key()
            with path.open("rb") as f:
                d.files.put(principal.tenant_id, key, f, max_bytes=d.max_upload_bytes)
        try:
            with d.uow(principal.tenant_id) as uow:
                now = d.clock.now()
                template = ReportTemplate(
                    id=d.ids.new_id(), name=name, kind=kind, file_name=file_name, size_bytes=size, sha256=sha256,
                    storage_key=key, placeholders=scan.placeholders, owner_id=_owner(uow, principal),
                    created_at=now, updated_at=now)
                uow.report_templates.add(template)
                uow.commit()
        except BaseException:
            d.files.delete(principal.tenant_id, key)
            raise
        d.audit.master_change(entity="report_template", record_id=template.id, action="create",
                              actor=principal.login_id, before=None,
                              after={"name": name, "kind": kind, "file_name": file_name, "sha256": sha256})
        return template

    def _scan(self, principal: Principal, path: Path, file_name: str, sha256: str) -> None:
        scanner = self._d.scanner
        if scanner is None:
            return
        with path.open("rb") as f:
            signature = scanner.scan(f)
        if signature is not None:
            self._d.audit.security("upload.infected", user=principal.login_id, record_type="report_template",
                                   file_name=file_name, signature=signature, sha256=sha256)
            raise Invalid({"file": f"ウイルスが検出されました / a virus was found: {signature}"})


class ListReportTemplates:
    """The tenant's templates by name (everyone may use them; what a fill shows is their visibility)."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal) -> Sequence[ReportTemplate]:
        with self._d.uow(principal.tenant_id) as uow:
            return uow.report_templates.list()


class GetReportTemplate:
    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, template_id: UUID | None = None, *, name: str | None = None
                 ) -> ReportTemplate:
        with self._d.uow(principal.tenant_id) as uow:
            if template_id is not None:
                return _template(uow, template_id)
            found = uow.report_templates.get_by_name(" ".join((name or "").split()))
            if found is None:
                raise NotFound("report template", name)
            return found


class DownloadReportTemplate:
    """The original file as uploaded."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, template_id: UUID) -> TemplateDownload:
        with self._d.uow(principal.tenant_id) as uow:
            template = _template(uow, template_id)
        try:
            stream = self._d.files.open(principal.tenant_id, template.storage_key)
        except NotFound:
            self._d.audit.application("report_template.bytes_missing", template_id=str(template.id),
                                      storage_key=template.storage_key)
            raise NotFound("report template", template_id) from None
        return TemplateDownload(template, stream)


class DeleteReportTemplate:
    """Remove a template: its owner or an administrator, full users only; Conflict while a report
    definition names it. The row goes first, the bytes after the commit."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, template_id: UUID) -> None:
        d = self._d
        ensure_can_write(principal, d.audit, "report_template.delete")
        with d.uow(principal.tenant_id) as uow:
            template = _template(uow, template_id)
            if not principal.is_admin and template.owner_id != principal.user_id:
                d.audit.security("permission.denied", user=principal.login_id, action="report_template.delete",
                                 reason="not the owner")
                raise Forbidden("only its owner or an administrator may delete a template")
            if uow.report_templates.is_used(template_id):
                raise Conflict("レポート定義が使用中です / a report definition uses this template", field="template")
            uow.report_templates.delete(template_id)
            uow.commit()
        try:
            d.files.delete(principal.tenant_id, template.storage_key)
        except OSError as e:  # the row is gone; orphaned bytes are harmless and logged for clean-up
            d.audit.application("report_template.bytes_not_deleted", template_id=str(template.id), error=str(e))
        d.audit.master_change(entity="report_template", record_id=template.id, action="delete",
                              actor=principal.login_id, before={"name": template.name}, after=None)


class FillReportTemplate:
    """Run the kind with `params` as the principal, keep `columns` (all when empty), and fill the
    template into `out`. A template bound to a kind fills only that kind; a placeholder naming a
    column the table lacks is `Invalid` with its address."""

    def __init__(self, deps: SalesDeps, engine: ReportTemplateEngine, catalog: ReportCatalog | None = None) -> None:
        self._d = deps
        self._engine = engine
        self._catalog = catalog or ReportCatalog(deps)

    def __call__(self, principal: Principal, cmd: FillReportTemplateCommand, out: Path) -> FilledReport:
        d = self._d
        with d.uow(principal.tenant_id) as uow:
            template = _template(uow, cmd.template_id)
        kind_name = cmd.preset.name if cmd.preset is not None else (cmd.kind or "").strip() or template.kind
        if not kind_name:
            raise Invalid.field("kind", "レポートの種類を指定してください / choose a report kind")
        if template.kind and kind_name != template.kind:
            raise Invalid.field("kind", f"このテンプレートは {template.kind} 用 / this template is for {template.kind}")
        kind = cmd.preset if cmd.preset is not None else self._catalog.get(kind_name)
        table = kind.run(principal, cmd.params).select(cmd.columns)
        problems = unknown_columns(template.placeholders, {c.key for c in table.columns})
        if problems:
            raise Invalid(problems_as_errors(problems))
        generated_at = d.clock.now().astimezone(ZoneInfo(principal.time_zone)).replace(tzinfo=None)
        with tempfile.TemporaryDirectory(prefix="dps-fill-") as folder:
            source = Path(folder) / "template.xlsx"
            try:
                stream = d.files.open(principal.tenant_id, template.storage_key)
            except NotFound:
                raise NotFound("report template", template.id) from None
            with stream, source.open("wb") as f:
                shutil.copyfileobj(stream, f, CHUNK)
            self._engine.fill(source, table, out, generated_at=generated_at)
        return FilledReport(template, table, out)


def filled_file_name(template: ReportTemplate, generated_at: datetime | None = None) -> str:
    """The download's name: the template's with the date (``売上_20260401.xlsx``)."""
    stem = template.file_name.rsplit(".", 1)[0]
    return f"{stem}_{generated_at:%Y%m%d}.xlsx" if generated_at else f"{stem}.xlsx"
