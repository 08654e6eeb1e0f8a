"""File downloads: the headers every download carries (a safe `Content-Disposition`, nosniff, no
caching) and files written into a temporary folder and streamed, the folder removed once sent (also
when the client goes away, or when writing fails)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, TypeVar
from urllib.parse import quote

from litestar.response import Stream

CHUNK = 64 * 1024
T = TypeVar("T")


def content_disposition(file_name: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact name as RFC 5987 ``filename*``."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in file_name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def stream_chunks(stream: BinaryIO) -> Iterator[bytes]:
    """An open binary stream (a stored file) in chunks, closed at the end or when the client goes away."""
    try:
        while chunk := stream.read(CHUNK):
            yield chunk
    finally:
        stream.close()


def download_headers(file_name: str, *, sandbox: bool = False) -> dict[str, str]:
    """Headers of a download; `sandbox` adds a CSP that keeps a browser from running anything in it."""
    headers = {"content-disposition": content_disposition(file_name), "x-content-type-options": "nosniff",
               "cache-control": "private, no-store"}
    if sandbox:
        headers["content-security-policy"] = "default-src 'none'; sandbox"
    return headers


def safe_file_stem(text: str, fallback: str) -> str:
    """`text` without the characters file systems refuse (a report's title as a file name)."""
    return "".join("_" if c in '/\\:*?"<>|' else c for c in text).strip() or fallback


def written(write: Callable[[Path], T], file_name: str, prefix: str = "dps-download-") -> tuple[T, Path]:
    """`write(path)` into a fresh temporary folder; (its result, the path). The folder goes if writing fails;
    otherwise `file_stream(..., remove_dir=True)` removes it once sent."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    path = folder / file_name
    try:
        return write(path), path
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def file_stream(path: Path, download_name: str, media_type: str, *, remove_dir: bool = True,
                sandbox: bool = False) -> Stream:
    """The file in chunks with the download headers; with `remove_dir` its folder is removed once sent."""
    size = path.stat().st_size

    def chunks() -> Iterator[bytes]:
        try:
            with path.open("rb") as f:
                while chunk := f.read(CHUNK):
                    yield chunk
        finally:
            if remove_dir:
                shutil.rmtree(path.parent, ignore_errors=True)

    headers = download_headers(download_name, sandbox=sandbox) | {"content-length": str(size)}
    return Stream(chunks(), media_type=media_type, headers=headers)
