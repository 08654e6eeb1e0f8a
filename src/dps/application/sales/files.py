"""Ports for attachment bytes: where they are kept and the optional antivirus scan."""

from __future__ import annotations

from abc import abstractmethod
from typing import BinaryIO, Protocol

from dps.domain.shared.ids import TenantId


class FileStore(Protocol):
    """Blob storage keyed by tenant and an opaque key (local directory by default, S3-compatible for
    several nodes)."""

    @abstractmethod
    def put(self, tenant_id: TenantId, key: str, data: BinaryIO, *, max_bytes: int) -> int:
        """Store the stream under `key`; returns the byte count. Raises `Invalid` past `max_bytes`
        (and stores nothing)."""

    @abstractmethod
    def open(self, tenant_id: TenantId, key: str) -> BinaryIO: ...

    @abstractmethod
    def delete(self, tenant_id: TenantId, key: str) -> None: ...


class VirusScanner(Protocol):
    @abstractmethod
    def scan(self, data: BinaryIO) -> str | None:
        """None when clean, else the signature name found. Raises ServiceUnavailable when the scanner
        cannot be reached."""
