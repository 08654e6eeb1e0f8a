"""添付ファイル on every record kind's detail page: upload (multipart, back to the detail), download
(always as a file: the stored content type, ``nosniff``, a safe name) and delete.

The use cases judge everything (size limit, sniffing, file-name sanitising, virus scan, who may edit
or see the record). A refused upload is never a 500: the user is sent back to the detail page with
``?attachment_error=<code>`` and the card shows what went wrong (codes only, never free text, so a
link cannot put words in the page). Light users see and download the files, but get no controls and
their posts are refused (403)."""

from __future__ import annotations

from uuid import UUID

from litestar import get, post
from litestar.datastructures import UploadFile
from litestar.handlers import HTTPRouteHandler
from litestar.response import Redirect, Stream

from dps.application.sales.collaboration.attachments import (
    DeleteAttachment,
    DownloadAttachment,
    UploadAttachment,
    UploadAttachmentCommand,
)
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Invalid
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.api.record_people import RESOURCES, UPLOAD_REQUEST_CEILING
from dps.entrypoints.http.downloads import content_disposition, stream_chunks
from dps.entrypoints.http.ui.forms import FormBody, MultipartBody
from dps.entrypoints.http.ui.query_form import FieldReader
from dps.entrypoints.http.ui.records import not_found_page, record_id

ERROR_PARAM = "attachment_error"
TOO_LARGE, NO_FILE, REFUSED = "too_large", "no_file", "refused"
ERROR_CODES = (TOO_LARGE, NO_FILE, REFUSED)
"""What the card can say about a failed upload (message keys ``collab.upload_error.<code>``)."""


def _back(kind: str, record: UUID, error: str | None = None) -> Redirect:
    query = f"?{ERROR_PARAM}={error}" if error else ""
    return Redirect(f"/{kind}/{record}{query}#attachments", status_code=303)


def _size_of(upload: UploadFile) -> int:
    stream = upload.file
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


def upload_route(kind: str) -> HTTPRouteHandler:
    """``POST /<kind>/<id>/attachments`` for one family (litestar wants one handler per path here)."""
    record_type = RESOURCES[kind]

    @post(f"/{kind}/{{raw_id:str}}/attachments", include_in_schema=False, sync_to_thread=True,
          request_max_body_size=UPLOAD_REQUEST_CEILING)
    def attachment_upload(principal: Principal, raw_id: str, data: MultipartBody, sales_deps: SalesDeps) -> Redirect:
        """Upload the form's ``file``; back to the detail (303), with an error code when refused."""
        with not_found_page():
            record = record_id(record_type.value, raw_id)
        upload = data.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return _back(kind, record, NO_FILE)
        try:
            with not_found_page():
                UploadAttachment(sales_deps)(principal, UploadAttachmentCommand(
                    record_type=record_type, record_id=record, file_name=upload.filename, data=upload.file,
                    declared_type=upload.content_type,
                ))
        except Invalid:  # the use case said no (after checking the record): say why as far as we can tell
            too_large = _size_of(upload) > sales_deps.max_upload_bytes
            return _back(kind, record, TOO_LARGE if too_large else REFUSED)
        finally:
            upload.file.close()
        return _back(kind, record)

    return attachment_upload


@get("/attachments/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def attachment_download(principal: Principal, raw_id: str, sales_deps: SalesDeps) -> Stream:
    """The file, always downloaded (never shown as a page); 404 unless its record is visible."""
    with not_found_page():
        download = DownloadAttachment(sales_deps)(principal, record_id("attachment", raw_id))
    a = download.attachment
    return Stream(
        stream_chunks(download.stream), media_type=a.content_type,
        headers={
            "content-disposition": content_disposition(a.file_name),
            "content-length": str(a.size_bytes),
            "x-content-type-options": "nosniff",
            "content-security-policy": "default-src 'none'; sandbox",
            "cache-control": "private, no-store",
        },
    )


@post("/attachments/{raw_id:str}/delete", include_in_schema=False, sync_to_thread=True)
def attachment_delete(principal: Principal, raw_id: str, data: FormBody, sales_deps: SalesDeps) -> Redirect:
    """Delete the file, then back to the record the form names (``kind``, ``record_id``; home otherwise)."""
    form = FieldReader(data)
    with not_found_page():
        DeleteAttachment(sales_deps)(principal, record_id("attachment", raw_id))
    kind, record = form.raw("kind"), form.uuid("record_id")
    if kind not in RESOURCES or record is None:
        return Redirect("/", status_code=303)
    return Redirect(f"/{kind}/{record}#attachments", status_code=303)


ROUTES = (*(upload_route(kind) for kind in RESOURCES), attachment_download, attachment_delete)
"""This module's pages, registered in the UI router."""
