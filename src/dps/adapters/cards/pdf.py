"""`PdfPages` on poppler's `pdftoppm` (Debian poppler-utils): each page of a PDF of scanned cards as a PNG."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from dps.application.cards.import_ports import PdfPages, UnreadableDocument

_PAGES = re.compile(r"^Pages:\s+(\d+)", re.MULTILINE)


def pdftoppm_available() -> bool:
    return shutil.which("pdftoppm") is not None and shutil.which("pdfinfo") is not None


class PdftoppmPages(PdfPages):
    """Renders at `dpi` (300 suits card scans for OCR), with a timeout per document."""

    def __init__(self, *, dpi: int = 300, timeout: float = 120.0, binary_dir: str | None = None) -> None:
        self.dpi = dpi
        self.timeout = timeout
        self._dir = binary_dir

    def _tool(self, name: str) -> str:
        path = shutil.which(name, path=self._dir)
        if path is None:
            raise UnreadableDocument(f"PDF を読み込めません ({name} が未導入) / "
                                     f"PDFs cannot be read here ({name} missing)")
        return path

    def render(self, data: bytes, *, max_pages: int) -> Sequence[bytes]:
        with tempfile.TemporaryDirectory(prefix="dps-pdf-") as tmp:
            src = Path(tmp) / "in.pdf"
            src.write_bytes(data)
            pages = self._count(src)
            if pages > max_pages:
                raise UnreadableDocument(f"PDF のページが多すぎます ({pages}、上限 {max_pages}) / too many pages "
                                         f"({pages}, the limit is {max_pages})")
            try:
                done = subprocess.run(  # noqa: S603 - fixed binary, our own arguments
                    [self._tool("pdftoppm"), "-r", str(self.dpi), "-png", "-l", str(max_pages), str(src),
                     str(Path(tmp) / "page")],
                    capture_output=True, timeout=self.timeout, check=False)
            except subprocess.TimeoutExpired as e:
                raise UnreadableDocument("PDF の変換に時間がかかりすぎました / rendering the PDF timed out") from e
            if done.returncode != 0:
                raise UnreadableDocument("PDF を読めません (壊れている可能性) / the PDF cannot be read (corrupt?)")
            return [p.read_bytes() for p in sorted(Path(tmp).glob("page-*.png"), key=_page_number)]

    def _count(self, src: Path) -> int:
        try:
            info = subprocess.run([self._tool("pdfinfo"), str(src)],  # noqa: S603
                                  capture_output=True, timeout=30, check=False, text=True)
        except subprocess.TimeoutExpired as e:
            raise UnreadableDocument("PDF の確認に時間がかかりすぎました / inspecting the PDF timed out") from e
        match = _PAGES.search(info.stdout or "")
        if info.returncode != 0 or match is None:
            raise UnreadableDocument("PDF を読めません (壊れている可能性) / the PDF cannot be read (corrupt?)")
        return int(match.group(1))


def _page_number(path: Path) -> int:
    return int(path.stem.rsplit("-", 1)[1])
