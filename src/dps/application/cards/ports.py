"""Ports of the card reader: the OCR engine and its typed failures, and the postal directory.

Image preparation (orientation, crop, contrast, size) is part of each engine adapter, not a port of its
own: what helps Tesseract (a 1,600 px grey card) is not what a cloud service wants (the original photo).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from attrs import field, frozen

from dps.domain.cards import CardLine
from dps.domain.cards.postal_places import PostalPlace


class UnreadableImage(Exception):
    """The bytes are not an image the preparer can decode (not an image, truncated, unsupported)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class OcrUnavailable(Exception):
    """The OCR engine cannot run (not installed, timed out, the service refused); not the user's fault."""


@frozen
class OcrResult:
    """What an engine read: lines in reading order (with glyph height and confidence when known)."""

    lines: tuple[CardLine, ...]
    engine: str = ""
    """A short description of how it was read (`tesseract jpn psm 3`, `tesseract jpn_vert psm 3 + eng`)."""
    warnings: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


class OcrEngine(Protocol):
    """Reads the text of a card image. Raises `UnreadableImage` for bytes it cannot decode and
    `OcrUnavailable` when the engine itself fails."""

    def read(self, image: bytes) -> OcrResult: ...


class PostalDirectory(Protocol):
    """The places (prefecture, city, town) of a postal code such as `150-0002`; empty when unknown."""

    def places(self, postal_code: str) -> Sequence[PostalPlace]: ...


def lines_of(texts: Sequence[str]) -> tuple[CardLine, ...]:
    """Plain strings as `CardLine`s (engines without geometry, fakes in tests)."""
    return tuple(CardLine(t) for t in texts)
