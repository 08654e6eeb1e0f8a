"""The text of a cell: `normalize_text` folds widths and whitespace so that what an operator typed in Excel
or a cp932 CSV matches what is stored; `text_of` is a non-text cell (a number, a date) as the text Excel
shows for it. Pure Python, like the rest of the cell rules (see `values`).

Decisions worth knowing (tests/unit/application/transfer/test_values.py pins each one):

- **Text normalisation** (`normalize_text`): trimmed; the Halfwidth and Fullwidth Forms block is folded
  the way NFKC folds it (ＡＢＣ１２３ → ABC123, ｶﾞﾅ → ガナ, ＠ → @, ￥ → ¥, the full-width space → a space),
  except ～ (U+FF5E, the cp932 wave dash of "10時～12時", Japanese punctuation rather than a tilde) and
  ￣ (whose NFKC form is a space plus a combining mark). Full NFKC is *not* applied: it would rewrite
  ㈱ → (株), ① → 1, ㍻ → 平成 and the compatibility ideographs of personal names (神 U+FA19 → 神), changing
  what the operator typed. Kanji and kana are never changed, except that a kana followed by a separate
  voicing mark (half-width ﾞﾟ, or macOS-style decomposed text) is composed (カ+゙ → ガ). Control
  characters that a workbook cannot hold are dropped, zero-width spaces and BOMs removed.
- **Whitespace**: single-line values (every type but TEXT) have every run of whitespace, line breaks
  included, collapsed to one space. TEXT columns may be multi-line (notes, addresses): line breaks are
  kept (CRLF/CR become LF), each line is trimmed and its inner runs of spaces/tabs collapse to one
  space, and leading/trailing blank lines go. Indentation inside a memo is therefore not preserved.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time
from decimal import Decimal

from dps.application.transfer.dates import MIDNIGHT as _MIDNIGHT
from dps.application.transfer.errors import NOT_A_NUMBER, CellError

__all__ = ["decimal_of_float", "normalize_text", "text_of"]


def _fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for cp in [*range(0x00, 0x09), 0x0E, 0x0F, *range(0x10, 0x20), 0x7F, 0x200B, 0xFEFF]:
        table[cp] = None  # characters a workbook cannot hold, or invisible ones that break key matching
    for cp in (0x0B, 0x0C, 0x85, 0x2028, 0x2029):
        table[cp] = "\n"  # vertical tab (Word's manual line break), form feed, Unicode line separators
    table[0x3000] = " "
    for cp in range(0xFF01, 0xFF5E):  # full-width ASCII, except ～ (U+FF5E, see the module docstring)
        table[cp] = chr(cp - 0xFEE0)
    for cp in [*range(0xFF5F, 0xFFA0), 0xFFE0, 0xFFE1, 0xFFE2, 0xFFE4, 0xFFE5, 0xFFE6, *range(0xFFE8, 0xFFEF)]:
        table[cp] = unicodedata.normalize("NFKC", chr(cp))  # half-width kana and punctuation, ￥ and co.
    return table


_FOLD = _fold_table()
_NEEDS_FOLD = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_FOLD)) + "\u3099\u309a]")
"""Any character the fold changes, or a separate voicing mark: most Japanese text has none, and a
search is much cheaper than translating it."""
_VOICED = re.compile("[\u3041-\u3096\u309d\u30a1-\u30fa\u30fd][\u3099\u309a]")


def normalize_text(raw: object, *, multiline: bool = False) -> str:
    """The cell as trimmed, width-folded text ("" for None); see the module docstring for the rules.
    `multiline` keeps line breaks (TEXT columns); otherwise all whitespace collapses to single spaces.
    Idempotent."""
    if raw is None:
        return ""
    text = raw if isinstance(raw, str) else text_of(raw)
    if not (text.isascii() and text.isprintable()):
        if _NEEDS_FOLD.search(text):
            text = text.translate(_FOLD)
            if "\u3099" in text or "\u309a" in text:
                text = _VOICED.sub(lambda m: unicodedata.normalize("NFC", m.group()), text)
        if multiline and ("\n" in text or "\r" in text):
            lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            return "\n".join(" ".join(line.split()) for line in lines).strip("\n")
    return " ".join(text.split())


def text_of(raw: object) -> str:
    """A non-text cell as text: a code or number typed into Excel arrives as int/float; a date as datetime."""
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float | Decimal):
        number = decimal_of_float(raw) if isinstance(raw, float) else raw
        return format(number, "f") if number.is_finite() else str(number)
    if isinstance(raw, datetime):
        if raw.time() == _MIDNIGHT and raw.tzinfo is None:
            return raw.date().isoformat()
        return raw.isoformat(sep=" ", timespec="seconds" if raw.second or raw.microsecond else "minutes")
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, time):
        return raw.isoformat(timespec="seconds" if raw.second or raw.microsecond else "minutes")
    return str(raw)


def decimal_of_float(value: float) -> Decimal:
    """A float from a workbook as the number Excel shows: 15 significant digits."""
    if not math.isfinite(value):
        raise CellError(NOT_A_NUMBER)
    return Decimal(format(value, ".15g"))
