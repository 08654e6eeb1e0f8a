"""Staging (StageCards): uploaded images, zips and PDFs become cards to read in the user's queue; file
intake checks each one (format sniffing, size / count / zip-bomb / PDF page limits, decoding, virus scan)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import PurePosixPath
from uuid import UUID

from attrs import frozen

from dps.application.cards.import_deps import MB, CardImportDeps
from dps.application.cards.import_ports import UnreadableDocument
from dps.application.cards.ports import UnreadableImage
from dps.application.cards.reading import image_format
from dps.application.sales.access import ensure_visible, viewer_in
from dps.application.sales.files import new_storage_key
from dps.application.shared.errors import Invalid
from dps.application.shared.guards import ensure_can_write
from dps.domain.cards.staging import OPEN_STATUSES, StagedCard
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal

ACCEPTED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WebP": "image/webp", "TIFF": "image/tiff"}
"""Formats a card image may have (sniffed from the bytes, never from the name or declared type)."""
CONVERTED_FORMATS = frozenset({"HEIF"})
"""Formats accepted on upload but stored as JPEG (HEIC photos of iPhones: most browsers cannot show them)."""


@frozen
class Upload:
    file_name: str
    data: bytes


@frozen
class Rejection:
    """A file (or a zip entry / PDF page) that was not staged, and why (Japanese / English)."""

    file_name: str
    reason: str


@frozen
class StageReport:
    batch_id: UUID
    staged: tuple[StagedCard, ...]
    rejected: tuple[Rejection, ...]


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB"


def _refuse(file_name: str, reason: str) -> Rejection:
    return Rejection(file_name=file_name, reason=reason)


class StageCards:
    """Put uploaded files into the user's queue as cards to read (status `reading`): images as they are,
    the images inside a zip, the pages of a PDF. Each bad file is a `Rejection` with its reason; the
    good ones are staged anyway (nothing is lost). Bytes are sniffed, size-checked, decoded (corrupt
    images are refused), virus-scanned when a scanner is configured, and stored in the file store."""

    def __init__(self, deps: CardImportDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, uploads: Sequence[Upload], campaign_id: UUID | None = None
                 ) -> StageReport:
        ensure_can_write(principal, self._d.sales.audit, "card_import.stage")
        if not uploads:
            raise Invalid.field("files", "ファイルを選んでください / choose at least one file")
        sales = self._d.sales
        images: list[tuple[str, bytes]] = []
        rejected: list[Rejection] = []
        for upload in uploads:
            for item in self._expand(upload):
                (rejected if isinstance(item, Rejection) else images).append(item)  # type: ignore[arg-type]
        if len(images) > self._d.limits.max_files:
            raise Invalid.field("files", f"一度に登録できるのは {self._d.limits.max_files} 枚までです / at most "
                                         f"{self._d.limits.max_files} cards per upload ({len(images)} given)")
        batch_id = sales.ids.new_id()
        staged: list[StagedCard] = []
        stored: list[str] = []
        try:
            with sales.uow(principal.tenant_id) as uow:
                if campaign_id is not None:
                    viewer = viewer_in(uow, principal, sales.clock)
                    ensure_visible(viewer, uow.records.access_chain(RecordType.CAMPAIGN, campaign_id), "campaign",
                                   campaign_id)
                open_hashes = {c.sha256 for c in uow.card_imports.for_owner(principal.user_id, OPEN_STATUSES)}
                for name, data in images:
                    problem = self._check(name, data)
                    if problem is None and image_format(data) == "HEIF":
                        data, problem = self._as_jpeg(name, data)
                    digest = hashlib.sha256(data).hexdigest()
                    if problem is None and digest in open_hashes:
                        problem = _refuse(name, "同じ画像が既に取り込み待ちにあります / the same image is already in "
                                                "the review queue")
                    if problem is not None:
                        rejected.append(problem)
                        continue
                    open_hashes.add(digest)
                    key = new_storage_key()
                    sales.files.put(principal.tenant_id, key, io.BytesIO(data),
                                    max_bytes=self._d.limits.max_file_bytes)
                    stored.append(key)
                    now = sales.clock.now()
                    fmt = image_format(data) or "JPEG"
                    card = StagedCard(
                        id=sales.ids.new_id(), owner_id=principal.user_id, batch_id=batch_id,
                        file_name=name[-255:], content_type=ACCEPTED_FORMATS[fmt], size=len(data), sha256=digest,
                        image_key=key, created_at=now, updated_at=now, campaign_id=campaign_id,
                    )
                    uow.card_imports.add(card)
                    staged.append(card)
                uow.commit()
        except BaseException:
            for key in stored:
                sales.files.delete(principal.tenant_id, key)
            raise
        sales.audit.application("card_import.staged", user=principal.login_id, batch=str(batch_id),
                                staged=len(staged), rejected=len(rejected))
        return StageReport(batch_id=batch_id, staged=tuple(staged), rejected=tuple(rejected))

    def _expand(self, upload: Upload) -> Iterator[tuple[str, bytes] | Rejection]:
        data, name = upload.data, upload.file_name or "upload"
        if not data:
            yield _refuse(name, "空のファイルです / the file is empty")
        elif data[:4] == b"PK\x03\x04":
            yield from self._unzip(name, data)
        elif data[:5] == b"%PDF-":
            yield from self._pdf(name, data)
        else:
            yield (name, data)

    def _unzip(self, name: str, data: bytes) -> Iterator[tuple[str, bytes] | Rejection]:
        limits = self._d.limits
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            entries = [e for e in archive.infolist() if not e.is_dir() and not _hidden(e.filename)]
        except (zipfile.BadZipFile, OSError, ValueError) as e:
            yield _refuse(name, f"zip ファイルを開けません / the zip file cannot be opened ({e})")
            return
        if len(entries) > limits.max_files:
            yield _refuse(name, f"zip 内のファイルが多すぎます ({len(entries)}、上限 {limits.max_files}) / too many "
                                f"files in the zip ({len(entries)}, the limit is {limits.max_files})")
            return
        if sum(e.file_size for e in entries) > limits.max_archive_bytes:
            yield _refuse(name, f"zip の展開後のサイズが大きすぎます (上限 {_mb(limits.max_archive_bytes)}) / the zip "
                                f"expands beyond {_mb(limits.max_archive_bytes)}")
            return
        for entry in entries:
            label = f"{name}/{entry.filename}"
            if entry.file_size > limits.max_file_bytes:
                yield _too_large(label, entry.file_size, limits.max_file_bytes)
                continue
            try:
                with archive.open(entry) as f:
                    content = f.read(limits.max_file_bytes + 1)
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, ValueError) as e:
                yield _refuse(label, f"zip 内のファイルを読めません / cannot read the entry ({e})")
                continue
            if len(content) > limits.max_file_bytes:
                yield _too_large(label, len(content), limits.max_file_bytes)
            elif content[:4] == b"PK\x03\x04" or content[:5] == b"%PDF-":
                yield _refuse(label, "zip の中の zip や PDF は展開しません / a zip or PDF inside a zip is not opened")
            else:
                yield (label, content)

    def _pdf(self, name: str, data: bytes) -> Iterator[tuple[str, bytes] | Rejection]:
        if self._d.pdf is None:
            yield _refuse(name, "PDF は読み込めません (pdftoppm が未導入) / "
                                "PDFs cannot be read here (pdftoppm missing)")
            return
        if len(data) > self._d.limits.max_archive_bytes:
            yield _too_large(name, len(data), self._d.limits.max_archive_bytes)
            return
        try:
            pages = self._d.pdf.render(data, max_pages=self._d.limits.max_pdf_pages)
        except UnreadableDocument as e:
            yield _refuse(name, e.reason)
            return
        stem = PurePosixPath(name).stem
        for i, page in enumerate(pages, start=1):
            yield (f"{stem}-p{i}.png", page)

    def _check(self, name: str, data: bytes) -> Rejection | None:
        limit = self._d.limits.max_file_bytes
        if not data:
            return _refuse(name, "空のファイルです / the file is empty")
        if len(data) > limit:
            return _too_large(name, len(data), limit)
        fmt = image_format(data)
        if fmt not in ACCEPTED_FORMATS and fmt not in CONVERTED_FORMATS:
            return _refuse(name, "名刺画像ではありません (JPEG, PNG, HEIC, WebP, TIFF、または zip / PDF) / not a card "
                                 "image (JPEG, PNG, HEIC, WebP or TIFF expected, or a zip or PDF of them)")
        try:
            self._d.images.inspect(data)
        except UnreadableImage as e:
            return _refuse(name, f"画像が壊れているか読めません / the image is corrupt or unreadable: {e.reason}")
        scanner = self._d.sales.scanner
        if scanner is not None:
            found = scanner.scan(io.BytesIO(data))
            if found is not None:
                self._d.sales.audit.security("upload.infected", file=name, signature=found)
                return _refuse(name, f"ウイルスが検出されました ({found}) / a virus was found ({found})")
        return None


    def _as_jpeg(self, name: str, data: bytes) -> tuple[bytes, Rejection | None]:
        """A HEIC photo is stored as the JPEG browsers can show (and OCR reads), upright."""
        try:
            jpeg = self._d.images.to_jpeg(data)
        except UnreadableImage as e:
            return data, _refuse(name, f"画像が壊れているか読めません / the image is corrupt or unreadable: {e.reason}")
        if len(jpeg) > self._d.limits.max_file_bytes:
            return data, _too_large(name, len(jpeg), self._d.limits.max_file_bytes)
        return jpeg, None


def _hidden(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return any(p.startswith(".") or p == "__MACOSX" for p in parts)


def _too_large(name: str, size: int, limit: int) -> Rejection:
    return _refuse(name, f"ファイルが大きすぎます ({_mb(size)}、上限 {_mb(limit)}) / the file is too large "
                         f"({_mb(size)}, the limit is {_mb(limit)}); 解像度を下げて撮り直してください / "
                         "retake or resize the photo")
