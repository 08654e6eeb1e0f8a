"""Attachment bytes in a local directory, one sub-directory per tenant."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from dps.application.sales.files import FileStore
from dps.domain.shared.ids import TenantId


class LocalFileStore(FileStore):
    """Filled in by the attachments work."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def put(self, tenant_id: TenantId, key: str, data: BinaryIO, *, max_bytes: int) -> int:
        raise NotImplementedError

    def open(self, tenant_id: TenantId, key: str) -> BinaryIO:
        raise NotImplementedError

    def delete(self, tenant_id: TenantId, key: str) -> None:
        raise NotImplementedError
