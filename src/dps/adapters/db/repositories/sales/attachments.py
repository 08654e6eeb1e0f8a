"""SQL store of attachment metadata (the `attachments` table); the bytes are in the file store."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast
from uuid import UUID

import sqlalchemy as sa

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.tables.collaboration import attachments
from dps.application.sales.collaboration.ports import AttachmentRepository
from dps.domain.sales.attachments import Attachment
from dps.domain.sales.records import RecordType
from dps.domain.shared.ids import UserId


class SqlAttachmentRepository(TenantScoped, AttachmentRepository):
    def get(self, attachment_id: UUID) -> Attachment | None:
        row = self._conn.execute(self._select(attachments, attachments.c.id == attachment_id)).first()
        return None if row is None else _attachment(row)

    def add(self, attachment: Attachment) -> None:
        self._insert(attachments, {
            "id": attachment.id, "record_type": attachment.record_type.value, "record_id": attachment.record_id,
            "file_name": attachment.file_name, "content_type": attachment.content_type,
            "size_bytes": attachment.size_bytes, "sha256": attachment.sha256, "storage_key": attachment.storage_key,
            "uploaded_by": attachment.uploaded_by, "uploaded_at": attachment.uploaded_at,
        }, what="attachment")

    def list_for(self, record_type: RecordType, record_id: UUID) -> Sequence[Attachment]:
        a = attachments
        query = self._select(a, a.c.record_type == record_type.value, a.c.record_id == record_id).order_by(
            a.c.uploaded_at, a.c.id)
        return [_attachment(row) for row in self._conn.execute(query)]

    def delete(self, attachment_id: UUID) -> bool:
        result = self._conn.execute(
            attachments.delete().where(attachments.c.tenant_id == self._tenant, attachments.c.id == attachment_id)
        )
        return bool(result.rowcount)


def _attachment(row: sa.Row[Any]) -> Attachment:
    return Attachment(
        id=row.id, record_type=RecordType(row.record_type), record_id=row.record_id, file_name=row.file_name,
        content_type=row.content_type, size_bytes=row.size_bytes, sha256=row.sha256, storage_key=row.storage_key,
        uploaded_by=cast(UserId | None, row.uploaded_by), uploaded_at=row.uploaded_at,
    )
