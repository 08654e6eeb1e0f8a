"""JSON API: sub-resources every sales record kind shares - attachments (添付ファイル), staff (自社担当者),
relations (関係者) and the 非公開 restriction.

Per record kind (accounts, persons, opportunities, activities, leads, campaigns):
``GET/POST /{kind}/{record_id}/attachments`` (multipart upload, field ``file``),
``GET/PUT /{kind}/{record_id}/staff``, ``.../relations``, ``.../restriction`` (a PUT carries the
``expected_version`` read; 409 with ``current_version`` when stale). Per attachment:
``GET /attachments/{id}`` (download: always as an attachment, the sniffed content type, nosniff)
and ``DELETE /attachments/{id}``. A record the caller cannot see is 404, never 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import delete, get, post, put
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Stream
from litestar.types import ControllerRouterHandler

from dps.application.sales.collaboration.attachments import (
    DeleteAttachment,
    DownloadAttachment,
    ListAttachments,
    UploadAttachment,
    UploadAttachmentCommand,
)
from dps.application.sales.deps import SalesDeps
from dps.application.sales.record_people import (
    GetRelations,
    GetRestriction,
    GetStaff,
    RelationsView,
    ReplaceRelations,
    ReplaceRelationsCommand,
    ReplaceRestriction,
    ReplaceRestrictionCommand,
    ReplaceStaff,
    ReplaceStaffCommand,
    RestrictionView,
    StaffView,
)
from dps.domain.sales.attachments import Attachment
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.api.sales_common import (
    RelationIn,
    RelationOut,
    RestrictionIn,
    RestrictionOut,
    StaffIn,
    StaffOut,
    relations_of,
    relations_out,
    restriction_of,
    restriction_out,
    staff_of,
    staff_out,
)
from dps.entrypoints.http.downloads import content_disposition, stream_chunks

RESOURCES: dict[str, RecordType] = {
    "accounts": RecordType.ACCOUNT,
    "persons": RecordType.PERSON,
    "opportunities": RecordType.OPPORTUNITY,
    "activities": RecordType.ACTIVITY,
    "leads": RecordType.LEAD,
    "campaigns": RecordType.CAMPAIGN,
}
"""URL resource name -> record kind, for the kinds with attachments, staff, relations and restriction."""

UPLOAD_REQUEST_CEILING = 128 * 1024 * 1024
"""The largest upload request litestar accepts at all (413 above). The configured
DPS_MAX_UPLOAD_BYTES (default 20 MiB) is enforced below it by the use case (422)."""


@dataclass
class FileUploadIn:
    """multipart/form-data with one part ``file``."""

    file: UploadFile


class AttachmentOut(msgspec.Struct):
    id: UUID
    record_type: str
    record_id: UUID
    file_name: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_by: UUID | None
    uploaded_at: datetime
    download_url: str


class AttachmentListOut(msgspec.Struct):
    items: list[AttachmentOut]


class StaffSetOut(msgspec.Struct):
    version: int
    staff: list[StaffOut]


class StaffReplaceIn(msgspec.Struct):
    expected_version: int
    staff: list[StaffIn]


class RelationSetOut(msgspec.Struct):
    version: int
    relations: list[RelationOut]


class RelationsReplaceIn(msgspec.Struct):
    expected_version: int
    relations: list[RelationIn]


class RestrictionStateOut(msgspec.Struct):
    version: int
    restricted: bool
    restriction: RestrictionOut | None
    """The allow-list (公開先) when restricted; owner, creator and staff always see the record."""


class RestrictionReplaceIn(msgspec.Struct):
    expected_version: int
    restriction: RestrictionIn | None
    """null makes the record public again."""


def attachment_out(a: Attachment) -> AttachmentOut:
    return AttachmentOut(
        id=a.id, record_type=a.record_type.value, record_id=a.record_id, file_name=a.file_name,
        content_type=a.content_type, size_bytes=a.size_bytes, sha256=a.sha256, uploaded_by=a.uploaded_by,
        uploaded_at=a.uploaded_at, download_url=f"/api/v1/attachments/{a.id}",
    )


def staff_set_out(v: StaffView) -> StaffSetOut:
    return StaffSetOut(version=v.version, staff=staff_out(v.staff))


def relation_set_out(v: RelationsView) -> RelationSetOut:
    return RelationSetOut(version=v.version, relations=relations_out(v.relations))


def restriction_state_out(v: RestrictionView) -> RestrictionStateOut:
    return RestrictionStateOut(version=v.version, restricted=v.restriction is not None,
                               restriction=restriction_out(v.restriction))



def record_routes(resource: str, record_type: RecordType) -> list[ControllerRouterHandler]:
    """The handlers of one record kind (litestar matches static segments first and never backtracks,
    so each kind gets its own paths rather than one `/{kind}/...` pattern)."""
    base = f"/{resource}/{{record_id:uuid}}"
    kind = record_type.value
    tags = ["record people"]

    @get(f"{base}/attachments", summary=f"Attachments of a {kind}, oldest first",
         operation_id=f"list_{kind}_attachments", tags=["attachments"], sync_to_thread=True)
    def list_attachments(principal: Principal, sales_deps: SalesDeps, record_id: UUID) -> AttachmentListOut:
        items = ListAttachments(sales_deps)(principal, record_type, record_id)
        return AttachmentListOut(items=[attachment_out(a) for a in items])

    @post(f"{base}/attachments", summary=f"Attach a file to a {kind} (multipart, field 'file'; size-limited, "
          "virus-scanned when configured)", operation_id=f"upload_{kind}_attachment", tags=["attachments"],
          status_code=201, request_max_body_size=UPLOAD_REQUEST_CEILING, sync_to_thread=True)
    def upload_attachment(
        principal: Principal, sales_deps: SalesDeps, record_id: UUID,
        data: Annotated[FileUploadIn, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> AttachmentOut:
        upload = data.file
        try:
            cmd = UploadAttachmentCommand(
                record_type=record_type, record_id=record_id, file_name=upload.filename,
                data=upload.file, declared_type=upload.content_type,
            )
            return attachment_out(UploadAttachment(sales_deps)(principal, cmd))
        finally:
            upload.file.close()

    @get(f"{base}/staff", summary=f"Staff (自社担当者) of a {kind}, the main one first",
         operation_id=f"get_{kind}_staff", tags=tags, sync_to_thread=True)
    def get_staff(principal: Principal, sales_deps: SalesDeps, record_id: UUID) -> StaffSetOut:
        return staff_set_out(GetStaff(sales_deps)(principal, record_type, record_id))

    @put(f"{base}/staff", summary=f"Replace the staff of a {kind} (at most one main; 409 if the version is stale)",
         operation_id=f"replace_{kind}_staff", tags=tags, sync_to_thread=True)
    def replace_staff(
        principal: Principal, sales_deps: SalesDeps, record_id: UUID, data: StaffReplaceIn
    ) -> StaffSetOut:
        cmd = ReplaceStaffCommand(record_type=record_type, record_id=record_id, staff=staff_of(data.staff),
                                  expected_version=data.expected_version)
        return staff_set_out(ReplaceStaff(sales_deps)(principal, cmd))

    @get(f"{base}/relations", summary=f"Relations (関係者) of a {kind}: persons and their role",
         operation_id=f"get_{kind}_relations", tags=tags, sync_to_thread=True)
    def get_relations(principal: Principal, sales_deps: SalesDeps, record_id: UUID) -> RelationSetOut:
        return relation_set_out(GetRelations(sales_deps)(principal, record_type, record_id))

    @put(f"{base}/relations", summary=f"Replace the relations of a {kind} (409 if the version is stale)",
         operation_id=f"replace_{kind}_relations", tags=tags, sync_to_thread=True)
    def replace_relations(
        principal: Principal, sales_deps: SalesDeps, record_id: UUID, data: RelationsReplaceIn
    ) -> RelationSetOut:
        cmd = ReplaceRelationsCommand(record_type=record_type, record_id=record_id,
                                      relations=relations_of(data.relations), expected_version=data.expected_version)
        return relation_set_out(ReplaceRelations(sales_deps)(principal, cmd))

    @get(f"{base}/restriction", summary=f"非公開 restriction of a {kind} and its allow-list",
         operation_id=f"get_{kind}_restriction", tags=tags, sync_to_thread=True)
    def get_restriction(principal: Principal, sales_deps: SalesDeps, record_id: UUID) -> RestrictionStateOut:
        return restriction_state_out(GetRestriction(sales_deps)(principal, record_type, record_id))

    @put(f"{base}/restriction", summary=f"Make a {kind} 非公開 with an allow-list, or public (null)",
         operation_id=f"replace_{kind}_restriction", tags=tags, sync_to_thread=True)
    def replace_restriction(
        principal: Principal, sales_deps: SalesDeps, record_id: UUID, data: RestrictionReplaceIn
    ) -> RestrictionStateOut:
        cmd = ReplaceRestrictionCommand(record_type=record_type, record_id=record_id,
                                        restriction=restriction_of(data.restriction),
                                        expected_version=data.expected_version)
        return restriction_state_out(ReplaceRestriction(sales_deps)(principal, cmd))

    return [list_attachments, upload_attachment, get_staff, replace_staff, get_relations, replace_relations,
            get_restriction, replace_restriction]


@get("/attachments/{attachment_id:uuid}", summary="Download an attachment (always as a file, never rendered)",
     tags=["attachments"], sync_to_thread=True,
     response_description="The file's bytes with its sniffed content type")
def download_attachment_handler(principal: Principal, sales_deps: SalesDeps, attachment_id: UUID) -> Stream:
    download = DownloadAttachment(sales_deps)(principal, attachment_id)
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


@delete("/attachments/{attachment_id:uuid}", summary="Delete an attachment (those who may edit its record)",
        tags=["attachments"], status_code=204, sync_to_thread=True)
def delete_attachment_handler(principal: Principal, sales_deps: SalesDeps, attachment_id: UUID) -> None:
    DeleteAttachment(sales_deps)(principal, attachment_id)


ROUTES: list[ControllerRouterHandler] = [
    *(handler for resource, record_type in RESOURCES.items() for handler in record_routes(resource, record_type)),
    download_attachment_handler, delete_attachment_handler,
]
"""The handlers of this module, to be mounted under /api/v1 by the app factory (SALES_API)."""
