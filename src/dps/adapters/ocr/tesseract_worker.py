"""The Tesseract worker process: Tesseract's library (tesserocr) with its models loaded once, serving calls.

Run by `tesseract_calls.WorkerCalls` as `python -m dps.adapters.ocr.tesseract_worker TESSDATA`. Loading a
model costs 0.12-0.16 s, about as much as reading a name line, and a card takes three or four calls: the
command line loads the model on each. The worker gives the same TSV and osd text as the `tesseract` command
(same library, same variables), so the reader cannot tell them apart (docs/adr/0024-tesseract-worker.md).

Frames on stdin/stdout: a 4-byte big-endian length and a JSON header, then a 4-byte length and the payload
(request: the image's raw pixels; answer: the text, UTF-8). The first answer, sent unasked, says whether the
worker is ready. The worker ends when its stdin closes, so it never outlives the process that started it.
"""

from __future__ import annotations

import json
import os
import struct
import sys
from collections.abc import Callable, Iterator
from typing import IO, Any

LENGTH = struct.Struct(">I")
TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
"""The command line's TSV starts with this header; the library's `GetTSVText` has none."""


def write_frame(out: IO[bytes], header: dict[str, Any], payload: bytes = b"") -> None:
    """One message: JSON header and payload, each behind its length."""
    head = json.dumps(header).encode()
    out.write(LENGTH.pack(len(head)) + head + LENGTH.pack(len(payload)) + payload)
    out.flush()


def take_frame(buffer: bytearray) -> tuple[dict[str, Any], bytes] | None:
    """Take one whole message off the front of `buffer`, or None while it is incomplete."""
    size = LENGTH.size
    if len(buffer) < size:
        return None
    head_end = size + LENGTH.unpack_from(buffer)[0]
    if len(buffer) < head_end + size:
        return None
    end = head_end + size + LENGTH.unpack_from(buffer, head_end)[0]
    if len(buffer) < end:
        return None
    header: dict[str, Any] = json.loads(bytes(buffer[size:head_end]))
    payload = bytes(buffer[head_end + size:end])
    del buffer[:end]
    return header, payload


def read_frames(read: Callable[[int], bytes]) -> Iterator[tuple[dict[str, Any], bytes]]:
    """The messages of a stream, read in chunks by `read` (b"" at its end), until it ends."""
    buffer = bytearray()
    while True:
        while (frame := take_frame(buffer)) is not None:
            yield frame
        chunk = read(1 << 16)
        if not chunk:
            return
        buffer += chunk


def osd_text(orient_deg: int, orient_conf: float, script: str, script_conf: float) -> str:
    """What `tesseract IMAGE stdout --psm 0` prints (TessBaseAPI::GetOsdText): Rotate is the clockwise turn
    that makes the page upright."""
    rotate = (360 - orient_deg) % 360
    return (f"Page number: 0\nOrientation in degrees: {orient_deg}\nRotate: {rotate}\n"
            f"Orientation confidence: {orient_conf:.2f}\nScript: {script}\nScript confidence: {script_conf:.2f}\n")


class _Engines:
    """One `PyTessBaseAPI` per language, each initialised on first use and kept."""

    def __init__(self, tessdata: str) -> None:
        import tesserocr  # only the worker process needs the library

        self._tesserocr = tesserocr
        self._tessdata = tessdata
        self._apis: dict[str, tesserocr.PyTessBaseAPI] = {}

    def _api(self, language: str) -> Any:
        api = self._apis.get(language)
        if api is None:
            try:
                api = self._tesserocr.PyTessBaseAPI(path=self._tessdata, lang=language)
            except RuntimeError as e:
                raise LookupError(f"Failed loading language '{language}' ({self._tessdata})") from e
            api.SetVariable("user_defined_dpi", "300")  # as `tesseract --dpi 300`
            self._apis[language] = api
        return api

    def _set_image(self, api: Any, request: dict[str, Any], pixels: bytes) -> None:
        # the pixels as they are, as the command line decodes them (a PIL image would go through a BMP with a
        # palette, which gives osd slightly different confidences)
        width, height = request["size"]
        depth = 3 if request["mode"] == "RGB" else 1
        api.SetImageBytes(pixels, width, height, depth, width * depth)

    def call(self, request: dict[str, Any], pixels: bytes) -> str:
        if request.get("osd"):
            api = self._api("osd")
            api.SetPageSegMode(self._tesserocr.PSM.OSD_ONLY)
            self._set_image(api, request, pixels)
            found = api.DetectOrientationScript()
            if not found:
                return "Too few characters. Skipping this page\n"
            return osd_text(int(found["orient_deg"]), float(found["orient_conf"]), str(found["script_name"]),
                            float(found["script_conf"]))
        api = self._api(request["language"])
        api.SetPageSegMode(int(request["psm"]))
        api.SetVariable("preserve_interword_spaces", "1" if request.get("interword") else "0")
        self._set_image(api, request, pixels)
        api.Recognize()
        return TSV_HEADER + (api.GetTSVText(0) or "")


def main(argv: list[str]) -> int:
    stdin = sys.stdin.fileno()
    # frames go to a copy of stdout; the library's own prints (to fd 1) go to stderr instead of into a frame
    stdout = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    try:
        engines = _Engines(argv[0])
    except ImportError as e:  # no tesserocr here: the caller falls back to the command line
        write_frame(stdout, {"ok": False, "kind": "missing", "error": str(e)})
        return 0
    write_frame(stdout, {"ok": True, "ready": True})
    for request, pixels in read_frames(lambda n: os.read(stdin, n)):
        try:
            text = engines.call(request, pixels)
        except LookupError as e:
            write_frame(stdout, {"ok": False, "kind": "language", "error": str(e)})
        except Exception as e:  # every failure goes back to the caller as an answer
            write_frame(stdout, {"ok": False, "kind": "engine", "error": f"{type(e).__name__}: {e}"})
        else:
            write_frame(stdout, {"ok": True}, text.encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
