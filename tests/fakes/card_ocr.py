"""In-memory OCR for the card import tests: each image (by its exact bytes) reads as the lines given, so
tests control what a card 'says' without depending on Tesseract's speed or accuracy."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Sequence

from attrs import define, field
from PIL import Image

from dps.application.cards.ports import OcrResult, OcrUnavailable, lines_of


@define
class FakeOcr:
    texts: dict[bytes, Sequence[str]] = field(factory=dict)
    broken: bool = False
    explode: set[bytes] = field(factory=set)
    """Images on which the engine crashes with an unexpected error (a bug in an adapter)."""
    calls: int = 0
    delay: float = 0.0
    """Seconds each read takes (to see reads overlap)."""
    busy: int = 0
    most_at_once: int = 0
    _lock: threading.Lock = field(factory=threading.Lock)

    def read(self, image: bytes) -> OcrResult:
        with self._lock:
            self.calls += 1
            self.busy += 1
            self.most_at_once = max(self.most_at_once, self.busy)
        try:
            time.sleep(self.delay)
            return self._read(image)
        finally:
            with self._lock:
                self.busy -= 1

    def _read(self, image: bytes) -> OcrResult:
        if self.broken:
            raise OcrUnavailable("tesseract is not installed")
        if image in self.explode:
            raise RuntimeError("engine bug")
        return OcrResult(lines=lines_of(self.texts.get(image, ())), engine="fake")


def card_image(seed: int, *, size: tuple[int, int] = (91 * 4, 55 * 4), fmt: str = "PNG") -> bytes:
    """A small, valid image whose bytes differ by `seed` (colour), like a photo of a card."""
    img = Image.new("RGB", size, (seed * 37 % 256, seed * 91 % 256, 200))
    out = io.BytesIO()
    img.save(out, format=fmt)
    return out.getvalue()
