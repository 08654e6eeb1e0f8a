"""ClamAV daemon client (clamd INSTREAM protocol) for scanning uploads."""

from __future__ import annotations

from typing import BinaryIO

from dps.application.sales.files import VirusScanner


class ClamdScanner(VirusScanner):
    """Filled in by the attachments work."""

    def __init__(self, address: str) -> None:
        self._address = address

    def scan(self, data: BinaryIO) -> str | None:
        raise NotImplementedError
