"""The postal code and the address lines of a card (Japanese or English), and the repair of one misread
glyph in a prefecture, designated city or Tokyo ward (tables in `places.py`)."""

from __future__ import annotations

import re

from dps.domain.cards.companies import _DEPT_SUFFIX, _is_company
from dps.domain.cards.lines import _HIRA, _KANJI, _KATA, _has_cjk, _Line, squash
from dps.domain.cards.places import CITY_PREFECTURE, DESIGNATED_CITIES, PREFECTURES, TOKYO_WARDS

# -- postal code and address -------------------------------------------------------------------
_POSTAL_MARKED = re.compile(
    r"[〒T干F7₸了亍〶]\s?(\d{3})\s?[-.・,]{1,2}\s?(\d{4})(?!\d)|(?<!\d)(\d{3})-(\d{4})(?!\d)")
_PREFECTURE = re.compile(
    r"(北海道|東京都|京都府|大阪府|(?:青森|岩手|宮城|秋田|山形|福島|茨城|栃木|群馬|埼玉|千葉|神奈川|新潟|富山|石川|福井"
    r"|山梨|長野|岐阜|静岡|愛知|三重|滋賀|兵庫|奈良|和歌山|鳥取|島根|岡山|広島|山口|徳島|香川|愛媛|高知|福岡|佐賀"
    r"|長崎|熊本|大分|宮崎|鹿児島|沖縄)県)"
)
_CITY = re.compile(rf"[{_KANJI}{_HIRA}{_KATA}]{{1,6}}[市区町村郡]")
_BUILDING = re.compile(r"ビル|タワー|階|\d+\s?F\b|\dF$|号室|館|Bldg|Building|Tower|Floor|\d+F", re.IGNORECASE)
_EN_ADDRESS = re.compile(
    r"\b(?:[A-Z][a-z]+-(?:ku|shi|cho|machi|gun)|Japan|Tokyo|Osaka|Kyoto|Nagoya|Yokohama|Sapporo|Fukuoka"
    r"|Sendai|Hiroshima|Saitama|Chiba|Kobe)\b"
)


# -- postal code, address -----------------------------------------------------------------------

def _take_postal_and_address(items: list[_Line], out: dict[str, str]) -> None:
    postal_at: int | None = None
    for n, it in enumerate(items):
        if it.used:
            continue
        m = _POSTAL_MARKED.search(it.rest)
        if not m:
            continue
        english = not _has_cjk(it.rest)
        marked = m.group(1) is not None
        if not marked and not english and not _PREFECTURE.search(it.rest) and not (
                n + 1 < len(items) and _PREFECTURE.search(items[n + 1].rest)):
            continue
        code = f"{m.group(1)}-{m.group(2)}" if marked else f"{m.group(3)}-{m.group(4)}"
        out["postal_code"] = code
        it.rest = re.sub(r"\s+", " ", it.rest[: m.start()] + " " + it.rest[m.end():]).strip(" ,、")
        it.used = not it.rest
        postal_at = n
        break
    # the address line: after the postal code on its line, or the next line, or a line with a prefecture
    start: int | None = None
    if postal_at is not None and items[postal_at].rest and _looks_like_address(items[postal_at].rest):
        start = postal_at
    elif postal_at is not None and postal_at + 1 < len(items) and _looks_like_address(items[postal_at + 1].rest):
        start = postal_at + 1
    else:
        for n, it in enumerate(items):
            if not it.used and (_PREFECTURE.match(_repair_prefecture(squash(it.rest)))
                                or _is_english_address(it.rest)):
                start = n
                break
    if start is None:
        return
    parts = [items[start].rest]
    english = not _has_cjk(items[start].rest)
    items[start].used = True
    items[start].rest = ""
    # a building line right after (Japanese) or right before (English) the street line; a stray glyph or two
    # read between them is skipped
    after = start + 1
    while after < len(items) - 1 and len(items[after].rest.strip()) <= 2 and not items[after].used:
        after += 1
    for n in (after, start - 1):
        if 0 <= n < len(items) and not items[n].used and _BUILDING.search(items[n].rest) \
                and not _is_company(items[n].rest) and not _DEPT_SUFFIX.search(squash(items[n].rest)):
            parts = [*parts, items[n].rest] if n > start else [items[n].rest, *parts]
            items[n].used = True
            items[n].rest = ""
            break
    if english:
        text = ", ".join(p.strip(" ,") for p in parts)
        text = re.sub(r"\s+,", ",", text)
        text = re.sub(r",\s*,", ",", text)
        out["address"] = re.sub(r"\s+", " ", text).strip(" ,")
    else:
        address = _trim_junk(" ".join(squash(p) for p in parts))
        address = re.sub(r"(?<=\d)\s*[.・]\s*(?=\d)", "-", address)  # `1.9-1`
        out["address"] = repair_address(address)


def _trim_junk(text: str) -> str:
    """Drop stray one- or two-glyph tokens OCR leaves at the ends or between parts of an address."""
    tokens = text.split()
    kept = [t for n, t in enumerate(tokens) if n == 0 or len(t) > 2 or re.search(r"\d-|階|\dF", t)]
    while len(kept) > 1 and len(kept[-1]) <= 2:
        kept.pop()
    joined = " ".join(kept).strip()
    return re.sub(r"(?<=[階F])[ぁ-ゖ]{1,2}$|(?<=\d)[@a-z]{1,2}$", "", joined)


def _one_off(read: str, name: str) -> bool:
    """`read` is `name` with at most one glyph wrong (same length), and the last glyph (県, 市, 区) right."""
    return len(read) == len(name) and read[-1] == name[-1] and sum(a != b for a, b in zip(read, name,
                                                                                         strict=True)) <= 1


def _repair_prefecture(text: str) -> str:
    """`海玉県さいたま市` -> `埼玉県さいたま市`: a prefecture with one glyph misread, at the start of an address."""
    if _PREFECTURE.match(text):
        return text
    for city, prefecture in CITY_PREFECTURE.items():  # a designated city tells its prefecture
        k = text.find(city, 0, 6)
        if 2 <= k <= 5 and text[k - 1] in "県都府道":
            return prefecture + text[k:]
    for name in PREFECTURES:
        if len(name) >= 3 and _one_off(text[: len(name)], name):
            return name + text[len(name):]
    return text


_CITY_AFTER = re.compile(rf"^((?:(?![市区])[{_KANJI}{_HIRA}]){{1,4}}[市区])")


def repair_address(address: str) -> str:
    """One misread glyph in the prefecture, in a designated city or Tokyo ward right after it, or in a city
    named like its prefecture (`広島県度島市` -> `広島県広島市`); `ピル` in a building name is `ビル`."""
    s = _repair_prefecture(address)
    m = _PREFECTURE.match(s)
    if m:
        rest = s[m.end():]
        c = _CITY_AFTER.match(rest)
        if c:
            read = c.group(1)
            names = [*DESIGNATED_CITIES, *(TOKYO_WARDS if m.group(1) == "東京都" else ()),
                     m.group(1)[:-1] + "市"]
            if read not in names:
                fixed = next((name for name in names if len(name) >= 3 and _one_off(read, name)), None)
                if fixed:
                    rest = fixed + rest[len(read):]
        s = m.group(1) + rest
    return re.sub(r"ピル(?=\s*\d|$|\s)", "ビル", s)


def _looks_like_address(text: str) -> bool:
    s = _repair_prefecture(squash(text))
    return bool(_PREFECTURE.match(s) or _CITY.match(s) or _is_english_address(text))


def _is_english_address(text: str) -> bool:
    return not _has_cjk(text) and bool(_EN_ADDRESS.search(text)) and bool(re.search(r"\d", text)) \
        and "@" not in text
