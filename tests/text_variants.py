"""How people and files write the same Japanese text differently: half-width katakana, full-width ASCII,
hiragana for katakana. For tests and benchmarks that check a fold meets every variant."""

from __future__ import annotations

import unicodedata

_HALF = {unicodedata.normalize("NFKC", chr(c)): chr(c) for c in range(0xFF66, 0xFF9E)}


def half_width(text: str) -> str:
    """Half-width katakana (a voiced or semi-voiced kana as two characters); other characters as given."""
    out = []
    for c in text:
        if c in _HALF:
            out.append(_HALF[c])
            continue
        base = unicodedata.normalize("NFD", c)
        if len(base) == 2 and base[0] in _HALF and base[1] in ("\u3099", "\u309a"):
            out.append(_HALF[base[0]] + ("\uff9e" if base[1] == "\u3099" else "\uff9f"))
        else:
            out.append(c)
    return "".join(out)


def full_width(text: str, *, spaces: bool = False) -> str:
    """Full-width ASCII letters, digits and signs (and, with `spaces`, the ideographic space for a space)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if spaces and c == " " else c)
                   for c in text)


def hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)
