"""Search normalisation: full-width/half-width and katakana/hiragana fold to one form, as users
type 'ｶﾌﾞｼｷ', 'カブシキ' or 'かぶしき' for the same name."""

from __future__ import annotations

import unicodedata

_KATAKANA_TO_HIRAGANA = {cp: cp - 0x60 for cp in range(0x30A1, 0x30F7)}
_HIRAGANA_TO_KATAKANA = {hira: kata for kata, hira in _KATAKANA_TO_HIRAGANA.items()}


def to_katakana(text: str) -> str:
    """Hiragana turned into katakana (ぁ..ゖ → ァ..ヶ), the inverse of the search fold's kana step."""
    return text.translate(_HIRAGANA_TO_KATAKANA)


def normalize_for_search(*parts: str | None) -> str:
    """NFKC, lower case, katakana to hiragana, whitespace collapsed; parts joined by one space."""
    text = " ".join(p for p in parts if p)
    text = unicodedata.normalize("NFKC", text).lower().translate(_KATAKANA_TO_HIRAGANA)
    return " ".join(text.split())
