"""Turn the text lines an OCR engine read from a business card into `CardFields`.

Pure and deterministic. The rules (see docs/adr/0016-card-ocr.md):

1. Normalise every line: NFKC (full-width digits and letters, ＠, ㈱ -> (株)), dash variants between
   digits -> '-', spaces next to '.', '@', '/', ':' inside Latin tokens removed (OCR reads
   `taro. yamada@example. co. jp`), runs of spaces collapsed.
2. Take out, line by line, what regexes recognise reliably: email, URL, phone numbers (the label
   before a number says TEL / FAX / 携帯; an unlabelled 070/080/090 number is a mobile), then the
   postal code (〒 also read as T, F, 7 or 干).
3. The address is the text after the postal code, or the line that starts with a prefecture (or
   looks like an English street address), plus a following building line.
4. The company is the line with a legal form (株式会社, (株), 有限会社, 合同会社, Co., Ltd., Inc., ...),
   in front or behind.
5. Title (a keyword list) and department (a unit suffix: 部, 課, 室, 本部, センター, Division, ...)
   come from the remaining lines; a line may hold both (`営業部 部長`).
6. The name is the remaining line of 2-6 kanji (the tallest when heights are known); a kana line
   (hiragana, katakana) or a romaji line next to it is its reading. An English card's name is
   two capitalised words.
"""

from __future__ import annotations

from collections.abc import Iterable

from dps.domain.cards.addresses import _take_postal_and_address
from dps.domain.cards.companies import _take_company, _take_department_and_title
from dps.domain.cards.contacts import _agree_domains, _take_email, _take_phones, _take_url
from dps.domain.cards.fields import CardFields, CardLine
from dps.domain.cards.lines import _Line, normalise_line
from dps.domain.cards.names import _take_name


def parse_card(lines: Iterable[str | CardLine]) -> CardFields:
    """The fields of a card from its OCR lines (strings, or `CardLine`s with glyph heights)."""
    items: list[_Line] = []
    for n, line in enumerate(lines):
        raw, height = (line.text, line.height) if isinstance(line, CardLine) else (line, 0.0)
        text = normalise_line(raw)
        if text:
            items.append(_Line(n, raw, text, height, rest=text))
    out: dict[str, str] = {}
    _take_email(items, out)
    _take_url(items, out)
    _agree_domains(out)
    _take_phones(items, out)
    _take_postal_and_address(items, out)
    _take_company(items, out)
    _take_department_and_title(items, out)
    _take_name(items, out)
    return CardFields(**out)
