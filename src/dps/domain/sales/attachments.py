"""添付ファイル Attachments on a sales record: the file name as users see it (sanitised), the content type
DPS vouches for (sniffed from the bytes, never taken on the uploader's word) and the fingerprint of the
bytes, which are kept elsewhere under a server-made key."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from uuid import UUID

from attrs import define, field

from dps.domain.sales.records import RecordType
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import UserId

ATTACHABLE: frozenset[RecordType] = frozenset({
    RecordType.ACCOUNT, RecordType.PERSON, RecordType.OPPORTUNITY, RecordType.ACTIVITY, RecordType.LEAD,
    RecordType.CAMPAIGN,
})
"""Record kinds that carry attachments."""

MAX_FILE_NAME_LENGTH = 200
"""Characters of a stored file name; longer names are cut, keeping the extension."""
MAX_EXTENSION_LENGTH = 16
SNIFF_BYTES = 8192
"""How much of the start of a file content sniffing looks at."""

OCTET_STREAM = "application/octet-stream"
PDF = "application/pdf"
ZIP = "application/zip"
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OOXML = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
"""Office Open XML files are zip archives; the extension tells which one."""
_OLE = {"xls": "application/vnd.ms-excel", "doc": "application/msword", "ppt": "application/vnd.ms-powerpoint"}
"""Legacy Office files share the OLE2 compound-file signature."""
_TEXT_CONTROLS = frozenset("\t\n\r\f\x1a\x1b")
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co"})
"""Control, format (bidi overrides, zero-width), surrogate and private-use characters."""
IDEOGRAPHIC_SPACE = "\u3000"
"""全角スペース: kept as typed (Japanese names use it); every other blank becomes one ASCII space."""
_RESERVED = str.maketrans({c: "_" for c in '<>:"|?*'})
_LEADING = re.compile(r"\A[\s.]+")
_TRAILING = re.compile(r"[\s.]+\Z")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def sanitize_filename(name: str) -> str:
    """The name a user's file is kept and offered under: the last path component only, NFC, no
    control or format characters, none of ``<>:"|?*``, single spaces (全角スペース kept), no dot or
    blank at either end, at most MAX_FILE_NAME_LENGTH characters (the extension kept). Japanese stays as it
    is. A name with nothing usable left ('', '.', '..', '///') is refused."""
    text = name.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(" " if ch.isspace() and ch != IDEOGRAPHIC_SPACE else ch for ch in text
                   if ch.isspace() or unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    text = unicodedata.normalize("NFC", text).translate(_RESERVED)
    text = _trim(re.sub(" {2,}", " ", text))
    if not text:
        raise DomainError("ファイル名がありません / the file has no usable name", field="file")
    return unicodedata.normalize("NFC", _shorten(text))


def _shorten(text: str) -> str:
    if len(text) <= MAX_FILE_NAME_LENGTH:
        return text
    stem, dot, extension = text.rpartition(".")
    suffix = f".{extension}" if dot and stem and 0 < len(extension) <= MAX_EXTENSION_LENGTH else ""
    if not suffix:
        stem = text
    return _trim(stem[: MAX_FILE_NAME_LENGTH - len(suffix)]) + suffix


def _trim(text: str) -> str:
    """Without blanks or dots at either end (no hidden '.name', no 'name. ' that Windows mangles)."""
    return _TRAILING.sub("", _LEADING.sub("", text))


def extension_of(file_name: str) -> str:
    """The lower-case extension without its dot ('' when none)."""
    stem, dot, extension = file_name.rpartition(".")
    return extension.lower() if dot and stem else ""


def sniff_content_type(head: bytes, declared: str | None, filename: str) -> str:
    """The content type to store and serve, judged from the first bytes of the file (`head`, at
    least SNIFF_BYTES when the file is that long): PDF, PNG, JPEG, GIF, zip (Office Open XML by
    extension or declared type), legacy Office, plain text (UTF-8 or Shift_JIS; CSV by extension).
    Everything else - and any markup, whatever was declared (text/html, SVG, XML) - is
    application/octet-stream, so a browser never renders an upload as a page."""
    extension = extension_of(filename)
    declared_type = (declared or "").split(";", 1)[0].strip().lower()
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    if head.startswith(_ZIP_MAGIC):
        if extension in _OOXML:
            return _OOXML[extension]
        return declared_type if declared_type in _OOXML.values() else ZIP
    if head.startswith(_OLE_MAGIC):
        return _OLE.get(extension, OCTET_STREAM)
    charset = _text_charset(head)
    if charset is None or _looks_like_markup(head):
        return OCTET_STREAM
    if extension == "csv" or declared_type == "text/csv":
        return f"text/csv; charset={charset}"
    return f"text/plain; charset={charset}"


def _text_charset(head: bytes) -> str | None:
    """'utf-8' or 'shift_jis' when `head` reads as text in it (a character cut at the end of the head
    is allowed), else None. Empty content is not text."""
    if not head or b"\0" in head:
        return None
    for charset, codec in (("utf-8", "utf-8"), ("shift_jis", "cp932")):
        text = _decode_prefix(head, codec)
        if text is not None and not any(
            unicodedata.category(ch) == "Cc" and ch not in _TEXT_CONTROLS for ch in text
        ):
            return charset
    return None


def _decode_prefix(head: bytes, codec: str) -> str | None:
    for cut in range(4):  # a multi-byte character may be cut at the end of the head
        if cut >= len(head):
            break
        try:
            return head[: len(head) - cut].decode(codec)
        except UnicodeDecodeError as e:
            if e.start < len(head) - 4:
                return None
    return None


def _looks_like_markup(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n\f")
    return start.startswith(b"<")


def check_attachable(record_type: RecordType) -> RecordType:
    if record_type not in ATTACHABLE:
        raise DomainError(f"a {record_type.value} cannot carry attachments", field="record_type")
    return record_type


def _check_size(_: object, __: object, value: int) -> None:
    if value < 0:
        raise DomainError("size cannot be negative", field="file")


def _check_sha256(_: object, __: object, value: str) -> None:
    if not _SHA256.fullmatch(value):
        raise DomainError("sha256 must be 64 lower-case hex digits", field="sha256")


@define(kw_only=True, eq=False)
class Attachment:
    """One uploaded file on one record. Its bytes are in the file store under `storage_key`; who may
    see or remove it is decided by the record it is attached to (R6)."""

    id: UUID
    record_type: RecordType = field(converter=check_attachable)
    record_id: UUID
    file_name: str = field(converter=sanitize_filename)
    content_type: str
    size_bytes: int = field(validator=_check_size)
    sha256: str = field(validator=_check_sha256)
    storage_key: str
    uploaded_by: UserId | None
    uploaded_at: datetime

    @classmethod
    def upload(
        cls, *, id: UUID, record_type: RecordType, record_id: UUID, file_name: str, head: bytes,
        declared_type: str | None, size_bytes: int, sha256: str, storage_key: str, by: UserId | None,
        at: datetime,
    ) -> Attachment:
        """A new attachment: its name sanitised and its content type sniffed from `head`."""
        name = sanitize_filename(file_name)
        return cls(
            id=id, record_type=record_type, record_id=record_id, file_name=name,
            content_type=sniff_content_type(head, declared_type, name), size_bytes=size_bytes, sha256=sha256,
            storage_key=storage_key, uploaded_by=by, uploaded_at=at,
        )

    def is_on(self, record_type: RecordType, record_id: UUID) -> bool:
        return self.record_type is record_type and self.record_id == record_id

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
