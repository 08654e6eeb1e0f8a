"""添付ファイル: upload, list, download and delete the files of a sales record (R6: judged on the record).

Upload: only those who may edit the record (never light users). The body is copied once into a
spool while it is measured (size limit), hashed (sha256) and its head kept for content sniffing;
then scanned (when a scanner is configured: an infected file is refused and logged), stored under a
fresh server-made key, and only then recorded - if recording fails the stored bytes are removed.
The database transaction is never held open while bytes move.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Sequence
from typing import BinaryIO
from uuid import UUID

from attrs import frozen

from dps.application.sales.access import ensure_editable, ensure_visible, update_rule, viewer_in
from dps.application.sales.deps import SalesDeps
from dps.application.sales.files import ByteSource, new_storage_key
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.audit import log_master_change
from dps.application.shared.errors import Invalid, NotFound, domain_rules
from dps.application.shared.guards import ensure_can_write
from dps.application.shared.snapshots import snapshot
from dps.domain.sales.attachments import SNIFF_BYTES, Attachment, check_attachable, sanitize_filename
from dps.domain.sales.records import RecordType
from dps.domain.shared.ids import UserId
from dps.domain.shared.principal import Principal
from dps.domain.visibility.records import RecordAccess

CHUNK = 64 * 1024
SPOOL_IN_MEMORY = 1024 * 1024
"""Uploads up to this size are spooled in memory, larger ones in a temporary file."""


@frozen
class UploadAttachmentCommand:
    record_type: RecordType
    record_id: UUID
    file_name: str
    data: ByteSource
    declared_type: str | None = None
    """The content type the client claimed; a hint at most, never trusted."""


@frozen
class AttachmentDownload:
    """The attachment and its bytes; the caller closes `stream`."""

    attachment: Attachment
    stream: BinaryIO


class UploadAttachment:
    """Attach a file to a record the principal may edit; returns the stored attachment."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: UploadAttachmentCommand) -> Attachment:
        d = self._d
        ensure_can_write(principal, d.audit, "attachment.upload")
        with domain_rules():
            check_attachable(cmd.record_type)
            sanitize_filename(cmd.file_name)
        with d.uow(principal.tenant_id) as uow:  # refuse early: nothing is read for a record one may not edit
            _ensure_record_editable(uow, principal, d, cmd.record_type, cmd.record_id, "attachment.upload")
        with _Spool(cmd.data, d.max_upload_bytes) as spool:
            self._scan(principal, cmd, spool)
            key = new_storage_key()
            d.files.put(principal.tenant_id, key, spool.reader(), max_bytes=d.max_upload_bytes)
        try:
            attachment = self._record(principal, cmd, spool, key)
        except BaseException:
            d.files.delete(principal.tenant_id, key)
            raise
        log_master_change(d.audit, principal, "attachment", "create", attachment)
        return attachment

    def _scan(self, principal: Principal, cmd: UploadAttachmentCommand, spool: _Spool) -> None:
        scanner = self._d.scanner
        if scanner is None:
            return
        signature = scanner.scan(spool.reader())
        if signature is not None:
            self._d.audit.security(
                "upload.infected", user=principal.login_id, record_type=cmd.record_type.value,
                record_id=str(cmd.record_id), file_name=cmd.file_name, signature=signature, sha256=spool.sha256,
            )
            raise Invalid({"file": f"ウイルスが検出されました / a virus was found: {signature}"})

    def _record(self, principal: Principal, cmd: UploadAttachmentCommand, spool: _Spool, key: str) -> Attachment:
        d = self._d
        with d.uow(principal.tenant_id) as uow:
            _ensure_record_editable(uow, principal, d, cmd.record_type, cmd.record_id, "attachment.upload")
            with domain_rules():
                attachment = Attachment.upload(
                    id=d.ids.new_id(), record_type=cmd.record_type, record_id=cmd.record_id,
                    file_name=cmd.file_name, head=spool.head, declared_type=cmd.declared_type,
                    size_bytes=spool.size, sha256=spool.sha256, storage_key=key, by=_actor_id(uow, principal),
                    at=d.clock.now(),
                )
            uow.attachments.add(attachment)
            uow.commit()
        return attachment


class ListAttachments:
    """A record's attachments, oldest first, for anyone who sees the record (light users too)."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, record_type: RecordType, record_id: UUID) -> Sequence[Attachment]:
        with domain_rules():
            check_attachable(record_type)
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            ensure_visible(viewer, uow.records.access_chain(record_type, record_id), record_type.value, record_id)
            return uow.attachments.list_for(record_type, record_id)


class DownloadAttachment:
    """An attachment's metadata and bytes, for anyone who sees its record; 404 otherwise."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, attachment_id: UUID) -> AttachmentDownload:
        d = self._d
        with d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, d.clock)
            attachment = _attachment(uow, attachment_id)
            ensure_visible(viewer, _chain_of(uow, attachment), "attachment", attachment_id)
        try:
            stream = d.files.open(principal.tenant_id, attachment.storage_key)
        except NotFound:
            d.audit.application("attachment.bytes_missing", attachment_id=str(attachment.id),
                                storage_key=attachment.storage_key)
            raise NotFound("attachment", attachment_id) from None
        return AttachmentDownload(attachment=attachment, stream=stream)


class DeleteAttachment:
    """Remove an attachment of a record the principal may edit: the row, then (after commit) the bytes."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, attachment_id: UUID) -> None:
        d = self._d
        ensure_can_write(principal, d.audit, "attachment.delete")
        with d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, d.clock)
            attachment = _attachment(uow, attachment_id)
            ensure_editable(viewer, _chain_of(uow, attachment), update_rule(uow), d.audit, what="attachment",
                            key=attachment_id, action="attachment.delete")
            before = snapshot(attachment)
            uow.attachments.delete(attachment.id)
            uow.commit()
        try:
            d.files.delete(principal.tenant_id, attachment.storage_key)
        except OSError as e:  # the row is gone; orphaned bytes are harmless and logged for clean-up
            d.audit.application("attachment.bytes_not_deleted", attachment_id=str(attachment.id),
                                storage_key=attachment.storage_key, error=str(e))
        d.audit.master_change(entity="attachment", record_id=attachment.id, action="delete",
                              actor=principal.login_id, before=before, after=None)


def _attachment(uow: SalesUnitOfWork, attachment_id: UUID) -> Attachment:
    attachment = uow.attachments.get(attachment_id)
    if attachment is None:
        raise NotFound("attachment", attachment_id)
    return attachment


def _chain_of(uow: SalesUnitOfWork, attachment: Attachment) -> tuple[RecordAccess, ...] | None:
    """The access chain of the attachment's record (R6: an attachment is seen as its record is)."""
    return uow.records.access_chain(attachment.record_type, attachment.record_id)


def _ensure_record_editable(
    uow: SalesUnitOfWork, principal: Principal, deps: SalesDeps, record_type: RecordType, record_id: UUID,
    action: str,
) -> None:
    viewer = viewer_in(uow, principal, deps.clock)
    ensure_editable(viewer, uow.records.access_chain(record_type, record_id), update_rule(uow), deps.audit,
                    what=record_type.value, key=record_id, action=action)


def _actor_id(uow: SalesUnitOfWork, principal: Principal) -> UserId | None:
    """The uploader as a user of the tenant (None for an operator acting through the CLI)."""
    return principal.user_id if uow.users.get(principal.user_id) is not None else None


class _Spool:
    """The upload copied once into a spooled temporary file, measured, hashed and its head kept.
    More than `max_bytes` is refused (Invalid) as soon as it arrives."""

    def __init__(self, data: ByteSource, max_bytes: int) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 - closed in __exit__
        digest = hashlib.sha256()
        head = bytearray()
        size = 0
        try:
            while chunk := data.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise Invalid({"file": f"larger than {max_bytes} bytes"})
                digest.update(chunk)
                if len(head) < SNIFF_BYTES:
                    head += chunk[: SNIFF_BYTES - len(head)]
                self._file.write(chunk)
        except BaseException:
            self._file.close()
            raise
        self.size = size
        self.sha256 = digest.hexdigest()
        self.head = bytes(head)

    def reader(self) -> ByteSource:
        """The bytes from the start (each call rewinds)."""
        self._file.seek(0)
        return self._file

    def __enter__(self) -> _Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()
