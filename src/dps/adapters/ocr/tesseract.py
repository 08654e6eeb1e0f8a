"""The local OCR engine: Debian's Tesseract 5 (jpn, jpn_vert, eng, osd data), called through worker processes
that keep its models loaded (`tesseract_calls`; the `tesseract` command where tesserocr is missing).

How a card is read (docs/adr/0016-card-ocr.md):

1. `preprocess.decode` + `preprocess.prepare`: EXIF orientation, grayscale, find the card in a photo and
   undo its perspective, flatten the lighting, deskew, contrast, resize to ~1,600 px.
2. A landscape card is read with `-l jpn --psm 3`; the text-like ink no line covers (short lines page
   layout analysis skipped) is read in one `--psm 6` call on a strip of its crops; a solid logo before the
   company name is blanked and that line read again (`--psm 7`); the mostly-Latin lines (email, URL,
   phones, English) are read again with `-l eng --psm 6` in one call on a strip of their crops, and the
   biggest Japanese line (the name) again alone with `--psm 7`, at its size and scaled to ~48 px; the most
   confident reading of each wins.
3. A portrait card is read as vertical text: its columns are cut out and set again on a clean page (the
   name scaled to the others' size), `-l jpn_vert --psm 5` reads that page, and the lines printed across
   the bottom (email, URL) are cut out and read with `-l eng --psm 6`; the lines that supply fields the
   vertical read lacks are appended.
4. When a read is poor (fewer than `good_enough` fields), the card is turned by what `--psm 0` (osd)
   says, or by 180° when osd sees nothing, and read again; an upright landscape card that stays poor
   is also read as sparse text (`--psm 11`). The best read (fields recognised, then confidence) wins.

Lines come from Tesseract's TSV output, so each carries its glyph height (the name is the biggest
print) and mean confidence. Every call has a timeout; a missing binary or language pack is
`OcrUnavailable`, bytes that are no image are `UnreadableImage`.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import statistics
from collections.abc import Sequence

from attrs import frozen
from PIL import Image

from dps.adapters.ocr.preprocess import PrepareOptions, decode, prepare
from dps.adapters.ocr.tesseract_calls import DEFAULT_WORKERS, TesseractCalls, shared_calls
from dps.adapters.ocr.text_regions import (
    bottom_lines,
    erase_leading_mark,
    shrink_big_columns,
    stack_columns,
    unread_regions,
)
from dps.application.cards.ports import OcrResult
from dps.domain.cards import CardFields, CardLine, parse_card

_ASCII = re.compile(r"[\x21-\x7e]")
_COMPANY_HINT = re.compile(r"会社|会杜|\([株有同]\)|Co\.|Ltd|Inc\b|Corp|K\.\s?K|法人", re.IGNORECASE)


@frozen
class _Word:
    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float


@frozen
class _Read:
    lines: tuple[CardLine, ...]
    how: str

    @property
    def fields(self) -> CardFields:
        return parse_card(self.lines)

    @property
    def confidence(self) -> float:
        confs = [line.confidence for line in self.lines if line.confidence >= 0]
        return statistics.fmean(confs) if confs else 0.0

    def score(self) -> float:
        return self.fields.filled() + self.confidence / 100


class TesseractOcr:
    """`OcrEngine` on the `tesseract` command line."""

    def __init__(self, *, binary: str = "tesseract", timeout: float = 30.0, language: str = "jpn",
                 latin_language: str = "eng",
                 vertical_language: str = "jpn_vert", threads: int | None = 1,
                 options: PrepareOptions | None = None, good_enough: int = 7,
                 workers: int = DEFAULT_WORKERS, calls: TesseractCalls | None = None) -> None:
        self.calls = calls or shared_calls(binary=binary, threads=threads, workers=workers)
        """Worker processes with the models loaded (the command line where the library is missing)."""
        self.timeout = timeout
        self.language = language
        self.latin_language = latin_language
        self.vertical_language = vertical_language
        self.options = options or PrepareOptions()
        self.good_enough = good_enough
        self.name_height = 48
        """The name line is also read scaled to this height (px): big bold print is read better smaller."""
        """A read with at least this many fields is kept without asking for the orientation."""

    # -- the port
    def read(self, image: bytes) -> OcrResult:
        prepared = prepare(decode(image), self.options)
        best = self._read_upright(prepared)
        if best.fields.filled() < self.good_enough:
            # osd knows sideways cards; on an upside-down card (osd often says 0 there) try the half turn
            rotate = self.orientation(prepared) or 180
            turned = prepared.rotate(-rotate, expand=True, fillcolor=255)
            again = self._read_upright(turned)
            if again.score() > best.score():
                best = _Read(again.lines, f"{again.how}, turned {rotate}°")
            elif prepared.width >= prepared.height and best.fields.filled() < self.good_enough:
                # upright but poor: the page layout analysis may have skipped a block; read sparse text
                sparse = _Read(self._lines(prepared, self.language, 11), f"{self.language} psm 11")
                if sparse.score() > best.score():
                    best = sparse
        warnings = () if best.lines else ("文字が見つかりません / no text found on the image",)
        return OcrResult(best.lines, engine=f"tesseract {best.how}", warnings=warnings)

    def _read_upright(self, img: Image.Image) -> _Read:
        if img.height > img.width * 1.15:
            stacked = stack_columns(img)
            columns = stacked if stacked is not None else shrink_big_columns(img)
            vertical = _Read(self._lines(columns, self.vertical_language, 5, vertical=True),
                             f"{self.vertical_language} psm 5")
            # vertical cards print email and URL horizontally, usually along the bottom
            bottom = bottom_lines(img)
            if bottom is None:
                return vertical
            # mostly email and URL: the Latin model first, the Japanese one when that reads poorly
            horizontal = _Read(self._lines(bottom, self.latin_language or self.language, 6),
                               f"{self.latin_language or self.language} psm 6 (bottom lines)")
            if self.latin_language and horizontal.confidence < 70:
                boxed = self._reread_latin(bottom, _boxed_lines(self._tsv(bottom, self.language, 6), vertical=False))
                japanese = _Read(tuple(line for line, _ in boxed), f"{self.language} psm 6 (bottom lines)")
                if japanese.score() > horizontal.score():
                    horizontal = japanese
            return _merge(vertical, horizontal)
        tsv = self._tsv(img, self.language, 3, interword=True)
        boxed = _boxed_lines(tsv, vertical=False)
        boxed = self._read_missed(img, boxed)
        boxed = self._reread_company(img, boxed)
        if self.latin_language:
            boxed = self._reread_latin(img, boxed)
        boxed = self._reread_biggest(img, boxed)
        how = f"{self.language} psm 3 (+ {self.latin_language} for Latin lines, psm 7 for the name)"
        return _Read(tuple(line for line, _ in boxed), how)

    def _reread_biggest(self, img: Image.Image, boxed: list[tuple[CardLine, Box]]) -> list[tuple[CardLine, Box]]:
        """Read the biggest Japanese line (the name) again on its own (`--psm 7`): in the page it often
        loses or swaps its first glyph. The better-confidence reading wins."""
        japanese = [n for n, (line, _) in enumerate(boxed) if not _mostly_latin(line.text) and line.height > 0]
        if not japanese:
            return boxed
        n = max(japanese, key=lambda i: boxed[i][0].height)
        old, (left, top, right, bottom) = boxed[n]
        pad = (bottom - top) // 3
        crop = img.crop((max(0, left - 4 * pad), max(0, top - pad), min(img.width, right + 4 * pad),
                         min(img.height, bottom + pad)))
        best = old
        scale = self.name_height / max(1, bottom - top)
        crops = [crop] if scale > 0.8 else [crop, crop.resize((max(1, int(crop.width * scale)),
                                                              max(1, int(crop.height * scale))),
                                                             Image.Resampling.LANCZOS)]
        for candidate in crops:
            again = _lines_from_tsv(self._tsv(candidate, self.language, 7), vertical=False)
            if len(again) == 1 and again[0].confidence > best.confidence:
                best = CardLine(again[0].text, height=old.height, confidence=again[0].confidence)
        if best is old:
            return boxed
        out = list(boxed)
        out[n] = (best, boxed[n][1])
        return out

    def _reread_company(self, img: Image.Image, boxed: list[tuple[CardLine, Box]]) -> list[tuple[CardLine, Box]]:
        """A logo printed just before the company name is read as a glyph or two, and often swallows the
        name's first glyph: when the company line starts with a solid mark, the mark is blanked and the
        line read again alone (`--psm 7`)."""
        out = list(boxed)
        for n, (line, (left, top, right, bottom)) in enumerate(boxed):
            if not _COMPANY_HINT.search(line.text):
                continue
            height = bottom - top
            crop = img.crop((max(0, left - 2 * height), max(0, top - height // 2), min(img.width, right + height // 2),
                             min(img.height, bottom + height // 2)))
            cleaned = erase_leading_mark(crop, int(line.height) or height)
            if cleaned is None:
                continue
            again = _lines_from_tsv(self._tsv(cleaned, self.language, 7), vertical=False)
            if len(again) == 1 and again[0].confidence >= line.confidence - 10 \
                    and _COMPANY_HINT.search(again[0].text):
                out[n] = (CardLine(again[0].text, height=line.height, confidence=again[0].confidence), out[n][1])
            break
        return out

    def _read_missed(self, img: Image.Image, boxed: list[tuple[CardLine, Box]]) -> list[tuple[CardLine, Box]]:
        """Read the text-like ink no line covers (a short title line, a kana reading: page layout analysis
        skips small isolated lines), stacked into one strip, in one `--psm 6` call; each line read goes
        into the reading order by its position on the card."""
        regions = unread_regions(img, [box for _, box in boxed])
        if not regions:
            return boxed
        strip, slots = _strip(img, regions)
        found: list[tuple[CardLine, Box]] = []
        for line, (_, top, _, bottom) in _boxed_lines(
                self._tsv(strip, self.language, 6), vertical=False):
            middle = (top + bottom) / 2
            visible = re.sub(r"\s", "", line.text)
            if line.confidence < 60 or len(visible) < 2:
                continue
            for n, slot_top, slot_bottom in slots:
                if slot_top <= middle <= slot_bottom:
                    found.append((line, regions[n]))
                    break
        if not found:
            return boxed
        out = list(boxed)
        for line, box in found:
            at = next((k for k, (_, other) in enumerate(out) if other[1] > box[1]), len(out))
            out.insert(at, (line, box))
        return out

    def _reread_latin(self, img: Image.Image, boxed: list[tuple[CardLine, Box]]) -> list[tuple[CardLine, Box]]:
        """Read the mostly-Latin lines (email, URL, phones, English) again with the English model, in one call:
        the line images are stacked into one strip. The Japanese model drops dots and misreads letters."""
        picked = [n for n, (line, _) in enumerate(boxed) if _mostly_latin(line.text)]
        if not picked:
            return boxed
        strip, stacked = _strip(img, [boxed[n][1] for n in picked])
        slots = [(picked[i], top, bottom) for i, top, bottom in stacked]  # (line index, top, bottom) in the strip
        tsv = self._tsv(strip, self.latin_language, 6)
        out = list(boxed)
        done: set[int] = set()
        for line, (_, top, _, bottom) in _boxed_lines(tsv, vertical=False):
            middle = (top + bottom) / 2
            for n, slot_top, slot_bottom in slots:
                old, box = out[n]
                similar = 0.6 <= len(line.text) / max(1, len(old.text)) <= 1.6
                if slot_top <= middle <= slot_bottom and n not in done and similar and line.confidence >= 60:
                    out[n] = (CardLine(line.text, height=old.height, confidence=line.confidence), box)
                    done.add(n)
        return out

    # -- tesseract calls
    def orientation(self, img: Image.Image) -> int:
        """Degrees (0, 90, 180, 270) the image is turned clockwise from upright, per Tesseract's osd."""
        small = img.copy()
        small.thumbnail((1200, 1200))
        out = self.calls.osd(small, timeout=self.timeout)
        m = re.search(r"Rotate:\s*(\d+)", out)
        conf = re.search(r"Orientation confidence:\s*([\d.]+)", out)
        if not m or (conf and float(conf.group(1)) < 1.0):
            return 0
        return int(m.group(1)) % 360

    def _lines(self, img: Image.Image, language: str, psm: int, *, vertical: bool = False) -> tuple[CardLine, ...]:
        return tuple(_lines_from_tsv(self._tsv(img, language, psm, interword=True), vertical=vertical))

    def _tsv(self, img: Image.Image, language: str, psm: int, *, interword: bool = False) -> str:
        return self.calls.tsv(img, language, psm, interword=interword, timeout=self.timeout)


def _merge(vertical: _Read, horizontal: _Read) -> _Read:
    """Vertical lines first, then the horizontal lines that hold what the vertical read lacks (email, URL,
    a horizontal contact block): the parser takes the first match of each field."""
    vf, hf = vertical.fields, horizontal.fields
    if hf.filled() > vf.filled() + 3:
        return _Read(horizontal.lines + vertical.lines, f"{horizontal.how} + {vertical.how}")
    missing = [name for name, value in vf.as_dict().items() if not value and hf.as_dict()[name]]
    if not missing:
        return vertical
    wanted = {v for k, v in hf.as_dict().items() if k in missing}
    extra = tuple(line for line in horizontal.lines
                  if any(_key(v) and _key(v) in _key(line.text) for v in wanted))
    return _Read(vertical.lines + extra, f"{vertical.how} + {horizontal.how}")


def _strip(img: Image.Image, boxes: Sequence[Box]) -> tuple[Image.Image, list[tuple[int, int, int]]]:
    """The `boxes` of `img` cut out and stacked into one white strip, with the (index, top, bottom) of each."""
    slots: list[tuple[int, int, int]] = []
    crops = []
    y = 20
    for n, (left, top, right, bottom) in enumerate(boxes):
        pad = max(4, (bottom - top) // 3)
        crop = img.crop((max(0, left - pad), max(0, top - pad), min(img.width, right + pad),
                         min(img.height, bottom + pad)))
        crops.append((crop, y))
        slots.append((n, y, y + crop.height))
        y += crop.height + max(16, bottom - top)
    strip = Image.new("L", (max(c.width for c, _ in crops) + 40, y + 20), 255)
    for crop, top in crops:
        strip.paste(crop, (20, top))
    return strip, slots


def _key(text: str) -> str:
    return re.sub(r"[\s.\-:/]", "", text).lower()[:12]


Box = tuple[int, int, int, int]


def _lines_from_tsv(tsv: str, *, vertical: bool) -> list[CardLine]:
    return [line for line, _ in _boxed_lines(tsv, vertical=vertical)]


def _boxed_lines(tsv: str, *, vertical: bool) -> list[tuple[CardLine, Box]]:
    """Group TSV words into lines (with their bounding box); a space where the gap between boxes is a real gap."""
    groups: dict[tuple[str, str, str], list[_Word]] = {}
    reader = csv.reader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header is None:
        return []
    for row in reader:
        if len(row) < 12 or row[0] != "5" or not row[11].strip():
            continue
        try:
            word = _Word(row[11].strip(), int(row[6]), int(row[7]), int(row[8]), int(row[9]), float(row[10]))
        except ValueError:
            continue
        groups.setdefault((row[2], row[3], row[4]), []).append(word)
    lines: list[tuple[CardLine, Box]] = []
    for words in groups.values():
        size = statistics.median([w.width if vertical else w.height for w in words])
        parts = [words[0].text]
        for prev, word in itertools.pairwise(words):
            gap = (word.top - (prev.top + prev.height)) if vertical else (word.left - (prev.left + prev.width))
            latin = _ASCII.match(prev.text[-1]) and _ASCII.match(word.text[0])
            # Tesseract's Latin words are words: keep their space; Japanese comes a glyph at a time
            parts.append(" " if latin or gap > size * 0.6 else "")
            parts.append(word.text)
        text = "".join(parts).strip()
        if text:
            confs = [w.conf for w in words if w.conf >= 0]
            box = (min(w.left for w in words), min(w.top for w in words),
                   max(w.left + w.width for w in words), max(w.top + w.height for w in words))
            lines.append((CardLine(text, height=float(size), confidence=statistics.fmean(confs) if confs else -1.0),
                          box))
    return lines


def _mostly_latin(text: str) -> bool:
    visible = [c for c in text if not c.isspace()]
    return len(visible) >= 5 and sum(1 for c in visible if c.isascii()) >= 0.8 * len(visible)
