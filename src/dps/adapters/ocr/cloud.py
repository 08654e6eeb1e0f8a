"""Cloud OCR API adapter (MediaDrive's Cloud OCR API, for tenants who subscribe to it).

**PLACEHOLDER WIRE CONTRACT.** The vendor's request/response specification is not available yet
(shared/reference/external-apis.md §3.1: endpoint, authentication, request format, field names, error
codes and limits are all unknown). Until it is, this client speaks a contract of our own, documented
here and in docs/adr/0016-card-ocr.md, so the port, the settings and the tests exist and only this
module changes when the real document arrives:

    POST {base_url}/v1/ocr/card
    Authorization: Bearer {api_key}
    Content-Type: multipart/form-data; field "image" = the image bytes
    200 -> {"lines": [{"text": "...", "height": 31.0, "confidence": 97.5}, ...]}
    400, 413, 415, 422 -> {"error": "..."}: the image was refused (not an image, too large, unreadable)
    401, 403 -> bad key; 429, 5xx -> try later

What the vendor publishes about its card service suggests unreadable characters come back as a
half-width `?`; such lines are kept (the parser treats them as ordinary text) and flagged in a warning.
"""

from __future__ import annotations

from typing import Any

import httpx

from dps.application.cards.ports import OcrResult, OcrUnavailable, UnreadableImage
from dps.domain.cards import CardLine


class CloudOcr:
    """`OcrEngine` over the (placeholder) Cloud OCR API contract above."""

    def __init__(self, base_url: str, api_key: str, *, timeout: float = 30.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.transport = transport

    def read(self, image: bytes) -> OcrResult:
        try:
            with httpx.Client(timeout=self.timeout, transport=self.transport) as client:
                response = client.post(f"{self.base_url}/v1/ocr/card",
                                       headers={"Authorization": f"Bearer {self.api_key}"},
                                       files={"image": ("card", image, "application/octet-stream")})
        except httpx.HTTPError as e:
            raise OcrUnavailable(f"Cloud OCR に接続できません / Cloud OCR unreachable: {e}") from e
        if response.status_code in (400, 413, 415, 422):
            raise UnreadableImage(f"Cloud OCR が画像を受け付けませんでした / Cloud OCR refused the image: "
                                  f"{_error(response)}")
        if response.status_code != 200:
            raise OcrUnavailable(f"Cloud OCR エラー / Cloud OCR failed: HTTP {response.status_code} {_error(response)}")
        try:
            body = response.json()
            lines = tuple(_line(item) for item in body.get("lines", []))
        except (ValueError, AttributeError, TypeError, KeyError) as e:
            raise OcrUnavailable(f"Cloud OCR の応答を解釈できません / unexpected Cloud OCR response: {e}") from e
        warnings = ("判読できない文字があります (?) / some characters were unreadable (?)",) \
            if any("?" in line.text for line in lines) else ()
        if not lines:
            warnings = ("文字が見つかりません / no text found on the image",)
        return OcrResult(lines, engine="cloud-ocr (placeholder contract)", warnings=warnings)


def _line(item: Any) -> CardLine:
    return CardLine(str(item["text"]), height=float(item.get("height", 0.0)),
                    confidence=float(item.get("confidence", -1.0)))


def _error(response: httpx.Response) -> str:
    try:
        return str(response.json().get("error", ""))
    except (ValueError, AttributeError):
        return response.text[:200]
