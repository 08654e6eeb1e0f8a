"""SQL store of attachment metadata."""

from __future__ import annotations

from dps.adapters.db.repositories.base import TenantScoped
from dps.application.sales.collaboration.ports import AttachmentRepository


class SqlAttachmentRepository(TenantScoped, AttachmentRepository):
    """Filled in by the attachments work."""
