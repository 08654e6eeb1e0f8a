"""The OCR line as the parser works on it: character classes, normalisation (NFKC, dashes, OCR spacing)
and the `_Line` record each recogniser consumes."""

from __future__ import annotations

import re
import unicodedata

from attrs import define, field

# -- character classes -------------------------------------------------------------------------
_KANJI = "一-龥々〆ヶ"
_HIRA = "ぁ-ゖ"
_KATA = "ァ-ヺー"
_CJK = f"{_KANJI}{_HIRA}{_KATA}・"
_DASHES = "‐‑‒–—―−ーｰ－-"

_CJK_SPACE = re.compile(rf"(?<=[{_CJK}（）()])\s+(?=[{_CJK}（）()])")
_DIGIT_DASH = re.compile(
    rf"(?<=\d)[\s_.・、,]*[{_DASHES}][\s_.・、,{_DASHES}]*(?=\d)|(?<=[A-Za-z0-9])[{_DASHES}](?=[A-Za-z0-9])"
)
_LATIN_JOIN = re.compile(r"(?<=[A-Za-z0-9])\s*([@/_])\s*(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])\s*(\.)\s*(?=[a-z])")
_LEADING_JUNK = re.compile(r"^[|｜『「【」』\]\[,.、。'\"_=~*]+\s*")
_SCHEME_JOIN = re.compile(r"(https?)\s*:\s*/\s*/\s*", re.IGNORECASE)


@define
class _Line:
    index: int
    raw: str
    text: str
    height: float
    used: bool = False
    rest: str = field(default="")


def normalise_line(text: str) -> str:
    """NFKC, dashes between digits -> '-', OCR's spaces inside Latin tokens removed, spaces collapsed."""
    s = unicodedata.normalize("NFKC", text).replace("\u3000", " ")
    s = _LEADING_JUNK.sub("", s)
    s = _join_single_glyphs(re.sub(r"\s+", " ", s).strip())
    s = _DIGIT_DASH.sub("-", s)
    s = _SCHEME_JOIN.sub(lambda m: m.group(1).lower() + "://", s)
    s = _LATIN_JOIN.sub(lambda m: m.group(1) or m.group(2), s)
    s = re.sub(r"(?<=[\d-])@(?=\d)", "", s)  # `1-6-@6`
    return re.sub(r"\s+", " ", s).strip()


def _join_single_glyphs(text: str) -> str:
    """`2 6 1 - 0 0 2 3` -> `261-0023`: a run of three or more one-glyph tokens is one word read spaced out."""
    tokens = text.split(" ")
    out: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1:
            run.append(token)
            continue
        if len(run) >= 3:
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if token:
            out.append(token)
    return " ".join(out)


def squash(text: str) -> str:
    """Remove the spaces OCR leaves between Japanese characters (`株 式 会 社` -> `株式会社`)."""
    return _CJK_SPACE.sub("", text).strip()


def _has_cjk(text: str) -> bool:
    return re.search(f"[{_CJK}]", text) is not None
