"""The person's name (kanji, or romaji on an English card) and its reading (kana or romaji), with the
OCR noise around a name: spaced-out glyphs, specks read as letters or kana."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from dps.domain.cards.companies import _DEPT_SUFFIX, _EN_TITLE
from dps.domain.cards.lines import _HIRA, _KANJI, _KATA, _has_cjk, _Line

_KANJI_NAME = re.compile(rf"^([{_KANJI}]{{1,4}})\s?([{_KANJI}]{{1,4}})$")
_KANA_LINE = re.compile(rf"^[{_HIRA}{_KATA}・]+(?:\s[{_HIRA}{_KATA}・]+)?$")
_ROMAJI_NAME = re.compile(r"^([A-Z][A-Za-z'\-]+)\s+([A-Z][A-Za-z'\-]+)$")


# -- name and reading ---------------------------------------------------------------------------

THREE_KANJI_FAMILY_NAMES = frozenset({
    "長谷川", "佐々木", "五十嵐", "久保田", "小野寺", "大久保", "小笠原", "宇佐美", "佐久間", "長谷部",
    "阿久津", "日比野", "加賀谷", "波多野", "小野田", "大和田", "三田村", "伊集院", "東海林", "西園寺",
    "小山内", "喜多村", "曽我部", "仲宗根", "大河内", "宇都宮", "小田切", "八木沢",
})
"""Common family names of three kanji: a name printed without its gap (`長谷川大輔`) is cut after them,
not after two kanji as most family names are."""


def _split_kanji_name(text: str) -> tuple[str, str] | None:
    s = text.strip()
    m = _KANJI_NAME.match(s)
    if m and " " in s:
        return m.group(1), m.group(2)
    s = s.replace(" ", "")
    if re.fullmatch(f"[{_KANJI}]{{3,6}}", re.sub(f"[{_HIRA}]", "", s)) and len(re.findall(f"[{_HIRA}]", s)) == 1:
        s = re.sub(f"[{_HIRA}]", "", s)  # `拓ぜ也`: a speck read as a kana inside the name
    if not re.fullmatch(f"[{_KANJI}]{{2,6}}", s):
        return None
    cut = 3 if len(s) >= 4 and s[:3] in THREE_KANJI_FAMILY_NAMES else {2: 1, 3: 2, 4: 2, 5: 2, 6: 3}[len(s)]
    return s[:cut], s[cut:]


def _romaji(text: str) -> tuple[str, str] | None:
    """(family, given) of `Taro Yamada` / `YAMADA Taro` / `Yamada, Taro`."""
    s = re.sub(r"\s+", " ", text.replace(",", " ")).strip()
    m = _ROMAJI_NAME.match(s)
    if not m:
        return None
    a, b = m.group(1), m.group(2)
    if "," in text or (a.isupper() and len(a) > 1 and not b.isupper()):
        return a, b
    return b, a


def _without_latin_noise(text: str) -> str:
    """`mw 井上 半太` -> `井上 半太`: short Latin tokens on a Japanese line are specks read as letters."""
    if not _has_cjk(text):
        return text
    return " ".join(t for t in text.split() if not (t.isascii() and len(t) <= 3))


def _take_name(items: list[_Line], out: dict[str, str]) -> None:
    left = [it for it in items if not it.used and it.rest]
    for it in left:
        cleaned = _without_latin_noise(it.rest)
        if cleaned != it.rest:
            it.rest, it.raw = cleaned, _without_latin_noise(unicodedata.normalize("NFKC", it.raw))
    kanji = [(it, parts) for it in left
             if (parts := _split_kanji_name(squash_keep_gap(it.rest, it.raw))) is not None]
    if kanji:
        heights = [it.height for it, _ in kanji]
        best_it, (family, given) = (max(kanji, key=lambda x: x[0].height) if max(heights) > 0 else kanji[0])
        out["family_name"], out["given_name"] = family, given
        best_it.used = True
        _take_reading(left, best_it, out)
        return
    # an English card: two capitalised words (the tallest when heights are known)
    latin = [(it, parts) for it in left if (parts := _romaji(it.rest)) is not None and not _EN_TITLE.search(it.rest)
             and not _DEPT_SUFFIX.search(it.rest.strip())]
    if latin:
        it, (family, given) = max(latin, key=lambda x: x[0].height) if any(x[0].height for x in latin) else latin[0]
        out["family_name"], out["given_name"] = family, given
        it.used = True


_GAP_JUNK = frozenset({"人", "一", "|", "丨", "・", "、", "。", "ー", "_", "-"})


def squash_keep_gap(text: str, raw: str = "") -> str:
    """Spaces between single glyphs are OCR noise (`山 田 太 郎`); a wider gap in the raw line, or a space
    between longer runs, is the gap between family and given name."""
    tokens = (unicodedata.normalize("NFKC", raw).split() if raw else []) or text.split()
    if "".join(tokens) != "".join(text.split()):
        tokens = text.split()
    if len(tokens) > 2:  # a glyph OCR saw in the wide gap between family and given name
        tokens = [t for t in tokens if t not in _GAP_JUNK] or tokens
    gaps = [g for g in re.split(r"\s{2,}|\u3000", unicodedata.normalize("NFKC", raw).strip()) if g.strip()]
    if len(gaps) == 2 and all(len(g.split()) > 1 or len(g) == 1 for g in gaps):
        family, given = ("".join(g.split()) for g in gaps)
        if family + given == "".join(tokens) or family + given == "".join(text.split()):
            return f"{family} {given}"
    if len(tokens) > 2 and all(len(t) == 1 for t in tokens):
        return "".join(tokens)
    if len(tokens) > 2:
        return "".join(tokens[:-1]) + " " + tokens[-1]
    return " ".join(tokens)


def _take_reading(left: Sequence[_Line], name: _Line, out: dict[str, str]) -> None:
    candidates: list[tuple[int, _Line, tuple[str, str]]] = []
    for it in left:
        if it is name or it.used:
            continue
        text = squash_keep_gap(it.rest.strip(), it.raw)
        text = " ".join(t for t in text.split() if t not in _GAP_JUNK) or text
        distance = abs(it.index - name.index)
        if _KANA_LINE.match(text):
            parts = text.split(" ")
            if len(parts) == 1 and len(text) < 3:
                continue  # a lone short kana word is a logo or a slogan, not a full reading
            pair = (parts[0], parts[1]) if len(parts) == 2 else (text, "")
            candidates.append((distance, it, pair))
        else:
            romaji = _romaji(text)
            if romaji is not None:
                candidates.append((distance, it, romaji))
    if not candidates:
        return
    _, it, (family, given) = min(candidates, key=lambda c: (not c[2][1], c[0]))
    out["family_kana"], out["given_kana"] = family, given
    it.used = True
