"""Ports for attachment bytes: where they are kept and the optional antivirus scan.

Storage keys are made by the server (`new_storage_key`), never from a user's file name, so no
upload can choose where its bytes land; stores refuse any key not of that shape.
"""

from __future__ import annotations

import re
import secrets
from abc import abstractmethod
from typing import BinaryIO, Protocol

from dps.domain.shared.ids import TenantId

STORAGE_KEY = re.compile(r"[0-9a-f]{32}")
"""The only shape a storage key may have: 32 lowercase hex digits (128 random bits)."""


def new_storage_key() -> str:
    """A fresh, unguessable key for one attachment's bytes."""
    return secrets.token_hex(16)


def is_storage_key(key: str) -> bool:
    return STORAGE_KEY.fullmatch(key) is not None


class ByteSource(Protocol):
    """Anything bytes can be read from in pieces: an open file, an upload's spooled body."""

    def read(self, size: int = -1, /) -> bytes: ...


class FileStore(Protocol):
    """Blob storage keyed by tenant and an opaque key (local directory by default, S3-compatible for
    several nodes)."""

    @abstractmethod
    def put(self, tenant_id: TenantId, key: str, data: ByteSource, *, max_bytes: int) -> int:
        """Store the stream under `key` (a `new_storage_key()`); returns the byte count. Raises
        `Invalid({"file": ...})` as soon as more than `max_bytes` arrive, and then stores nothing.
        Raises ValueError for a key of the wrong shape."""

    @abstractmethod
    def open(self, tenant_id: TenantId, key: str) -> BinaryIO:
        """The stored bytes, to be closed by the caller. Raises `NotFound` when nothing is stored
        under `key`."""

    @abstractmethod
    def delete(self, tenant_id: TenantId, key: str) -> None:
        """Forget the bytes; nothing happens when none are stored."""


class VirusScanner(Protocol):
    @abstractmethod
    def scan(self, data: ByteSource) -> str | None:
        """None when clean, else the signature name found. Raises ServiceUnavailable when the scanner
        cannot be reached or fails, and `Invalid({"file": ...})` when it refuses the file as too
        large to scan (an unscanned file is never accepted)."""
