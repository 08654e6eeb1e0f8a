"""`ReadBusinessCard`: one card image in, its fields and raw text out. Used by `dps cards read` and, later,
by the upload and bulk-registration flows (the same reader everywhere)."""

from __future__ import annotations

import attrs
from attrs import frozen

from dps.application.cards.ports import OcrEngine, OcrUnavailable, PostalDirectory, UnreadableImage
from dps.application.shared.errors import Invalid, ServiceUnavailable
from dps.domain.cards import CardFields, parse_card
from dps.domain.cards.postal_places import repair_by_postal

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\xff\xd8\xff", 0, "JPEG"),
    (b"\x89PNG\r\n\x1a\n", 0, "PNG"),
    (b"GIF87a", 0, "GIF"),
    (b"GIF89a", 0, "GIF"),
    (b"BM", 0, "BMP"),
    (b"II*\x00", 0, "TIFF"),
    (b"MM\x00*", 0, "TIFF"),
    (b"WEBP", 8, "WebP"),
)
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})
"""Major brands of an ISO-BMFF `ftyp` box that mark a HEIF still image (iPhone photos are `heic`)."""


class OcrEngineUnavailable(ServiceUnavailable):
    """The OCR engine could not run (not installed, timed out); the image may be fine."""


@frozen
class CardReading:
    fields: CardFields
    raw_text: str
    """What the engine read, line by line, before parsing: shown beside the fields for correction."""
    warnings: tuple[str, ...] = ()
    engine: str = ""


def image_format(data: bytes) -> str | None:
    """The image format by its magic bytes (JPEG, PNG, GIF, BMP, TIFF, WebP, HEIF), or None."""
    for magic, offset, name in _SIGNATURES:
        if data[offset:offset + len(magic)] == magic:
            return name
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "HEIF"
    return None


class ReadBusinessCard:
    """Validate the upload, OCR it, parse the fields.

    Raises `Invalid` (field `image`) for an empty, oversized, non-image or corrupt file and
    `OcrEngineUnavailable` when the engine fails; an image without text is not an error: it gives
    empty fields and a warning.
    """

    def __init__(self, engine: OcrEngine, *, max_bytes: int = DEFAULT_MAX_BYTES,
                 postal: PostalDirectory | None = None) -> None:
        self.engine = engine
        self.max_bytes = max_bytes
        self.postal = postal
        """Puts the start of the address right by the postal code read beside it (None: as read)."""

    def __call__(self, image: bytes) -> CardReading:
        if not image:
            raise Invalid({"image": "空のファイルです / the file is empty"})
        if len(image) > self.max_bytes:
            raise Invalid({"image": f"ファイルが大きすぎます ({_mb(len(image))}、上限 {_mb(self.max_bytes)}) / "
                                    f"file too large: {_mb(len(image))}, the limit is {_mb(self.max_bytes)}"})
        if image_format(image) is None:
            raise Invalid({"image": "画像ではありません (JPEG, PNG, HEIC, TIFF, BMP, GIF, WebP) / "
                                    "not an image (JPEG, PNG, HEIC, TIFF, BMP, GIF or WebP expected)"})
        try:
            result = self.engine.read(image)
        except UnreadableImage as e:
            raise Invalid({"image": e.reason}) from e
        except OcrUnavailable as e:
            raise OcrEngineUnavailable(str(e)) from e
        fields = self._by_postal_code(parse_card(result.lines))
        warnings = list(result.warnings)
        if fields.is_empty and not warnings:
            warnings.append("名刺の項目を読み取れませんでした / no card fields recognised")
        return CardReading(fields, result.text, tuple(warnings), result.engine)


    def _by_postal_code(self, fields: CardFields) -> CardFields:
        if self.postal is None or not fields.postal_code or not fields.address:
            return fields
        address = repair_by_postal(fields.address, self.postal.places(fields.postal_code))
        return fields if address == fields.address else attrs.evolve(fields, address=address)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
