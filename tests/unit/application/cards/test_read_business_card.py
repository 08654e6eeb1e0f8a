"""`ReadBusinessCard` with a fake OCR engine: validation of the upload, empty results, engine failures."""

from __future__ import annotations

import pytest

from dps.application.cards.ports import OcrResult, OcrUnavailable, UnreadableImage, lines_of
from dps.application.cards.reading import OcrEngineUnavailable, ReadBusinessCard, image_format
from dps.application.shared.errors import Invalid

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


class FakeEngine:
    def __init__(self, lines: list[str] | None = None, error: Exception | None = None) -> None:
        self.lines = lines or []
        self.error = error
        self.calls = 0

    def read(self, image: bytes) -> OcrResult:
        self.calls += 1
        if self.error:
            raise self.error
        return OcrResult(lines_of(self.lines), engine="fake")


def test_reads_fields_and_keeps_the_raw_text() -> None:
    engine = FakeEngine(["株式会社サンプル商事", "山田 太郎", "TEL 03-1234-5678", "taro@example.co.jp"])
    reading = ReadBusinessCard(engine)(PNG)
    assert reading.fields.company == "株式会社サンプル商事"
    assert (reading.fields.family_name, reading.fields.given_name) == ("山田", "太郎")
    assert reading.fields.phone == "03-1234-5678"
    assert reading.raw_text.splitlines()[0] == "株式会社サンプル商事"
    assert reading.warnings == ()


def test_an_image_without_text_gives_empty_fields_and_a_warning() -> None:
    reading = ReadBusinessCard(FakeEngine([]))(JPEG)
    assert reading.fields.is_empty
    assert reading.warnings
    assert "no card fields" in reading.warnings[0]


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty"),
    (b"%PDF-1.7 not a picture", "not an image"),
    (b"hello, world", "not an image"),
])
def test_non_images_are_invalid_without_running_the_engine(data: bytes, reason: str) -> None:
    engine = FakeEngine(["x"])
    with pytest.raises(Invalid) as e:
        ReadBusinessCard(engine)(data)
    assert reason in e.value.errors["image"]
    assert engine.calls == 0


def test_the_size_limit_is_configurable() -> None:
    with pytest.raises(Invalid) as e:
        ReadBusinessCard(FakeEngine(), max_bytes=16)(PNG)
    assert "too large" in e.value.errors["image"]
    assert ReadBusinessCard(FakeEngine(["x"]), max_bytes=len(PNG))(PNG).fields.is_empty


def test_a_corrupt_image_is_invalid_with_the_engine_reason() -> None:
    engine = FakeEngine(error=UnreadableImage("画像が壊れています / corrupt image: truncated"))
    with pytest.raises(Invalid) as e:
        ReadBusinessCard(engine)(JPEG)
    assert "corrupt" in e.value.errors["image"]


def test_an_engine_failure_is_not_the_users_fault() -> None:
    with pytest.raises(OcrEngineUnavailable):
        ReadBusinessCard(FakeEngine(error=OcrUnavailable("timed out")))(PNG)


def test_image_format_by_magic_bytes() -> None:
    assert image_format(PNG) == "PNG"
    assert image_format(JPEG) == "JPEG"
    assert image_format(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "WebP"
    assert image_format(b"II*\x00rest") == "TIFF"
    assert image_format(b"<html>") is None
