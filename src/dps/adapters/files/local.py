"""Attachment bytes in a local directory, one sub-directory per tenant.

Layout: `<root>/<tenant uuid>/<key[:2]>/<key>` (at most 256 shard directories per tenant, kept
once made). A file is written to a hidden temporary name in
its final directory and renamed into place only once complete, so a reader never sees half a
file and a refused upload leaves nothing behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO
from uuid import UUID

from dps.application.sales.files import ByteSource, FileStore, is_storage_key
from dps.application.shared.errors import Invalid, NotFound
from dps.domain.shared.ids import TenantId

CHUNK = 64 * 1024
TEMP_PREFIX = ".upload-"


class LocalFileStore(FileStore):
    def __init__(self, root: Path) -> None:
        self._root = Path(root)

    def path_of(self, tenant_id: TenantId, key: str) -> Path:
        """Where `key` lives; a key of any other shape than `new_storage_key()` is refused, so no
        path can leave the tenant's directory."""
        if not is_storage_key(key):
            raise ValueError(f"not a storage key: {key!r}")
        tenant = UUID(str(tenant_id))  # a UUID prints as hex and dashes only
        return self._root / str(tenant) / key[:2] / key

    def put(self, tenant_id: TenantId, key: str, data: ByteSource, *, max_bytes: int) -> int:
        target = self.path_of(tenant_id, key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".part", dir=target.parent)
        temp = Path(temp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                size = _copy_limited(data, out, max_bytes)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, target)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return size

    def open(self, tenant_id: TenantId, key: str) -> BinaryIO:
        try:
            return self.path_of(tenant_id, key).open("rb")
        except FileNotFoundError as e:
            raise NotFound("file", key) from e

    def delete(self, tenant_id: TenantId, key: str) -> None:
        self.path_of(tenant_id, key).unlink(missing_ok=True)


def _copy_limited(data: ByteSource, out: BinaryIO, max_bytes: int) -> int:
    """Copy in chunks; stop at the first byte past `max_bytes`."""
    size = 0
    while chunk := data.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise Invalid({"file": f"larger than {max_bytes} bytes"})
        out.write(chunk)
    return size
