"""The Cloud OCR adapter against its (placeholder) contract, through httpx's mock transport."""

from __future__ import annotations

import httpx
import pytest

from dps.adapters.ocr.cloud import CloudOcr
from dps.application.cards.ports import OcrUnavailable, UnreadableImage


def engine(handler: object) -> CloudOcr:
    return CloudOcr("https://ocr.example.test/", "k3y", transport=httpx.MockTransport(handler))  # type: ignore[arg-type]


def test_lines_come_back_with_height_and_confidence() -> None:
    seen: dict[str, str] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["url"] = str(request.url)
        seen["auth"] = request.headers["Authorization"]
        return httpx.Response(200, json={"lines": [{"text": "山田 太郎", "height": 60, "confidence": 98},
                                                   {"text": "TEL 03-1234-567?"}]})

    result = engine(handler).read(b"\xff\xd8\xff")
    assert seen == {"url": "https://ocr.example.test/v1/ocr/card", "auth": "Bearer k3y"}
    assert [line.text for line in result.lines] == ["山田 太郎", "TEL 03-1234-567?"]
    assert result.lines[0].height == 60.0
    assert result.warnings
    assert "unreadable" in result.warnings[0]


@pytest.mark.parametrize(("status", "error"), [(415, UnreadableImage), (422, UnreadableImage), (401, OcrUnavailable),
                                               (503, OcrUnavailable)])
def test_refusals_and_failures_are_typed(status: int, error: type[Exception]) -> None:
    with pytest.raises(error):
        engine(lambda _r: httpx.Response(status, json={"error": "nope"})).read(b"x")


def test_unreachable_and_malformed_responses_are_unavailable() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(OcrUnavailable):
        engine(down).read(b"x")
    with pytest.raises(OcrUnavailable):
        engine(lambda _r: httpx.Response(200, text="<html>")).read(b"x")
