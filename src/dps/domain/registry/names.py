"""Search key of a corporation's name: what users type (full/half width, katakana or hiragana, with or
without 株式会社 or "Co., Ltd.") folds to the same key as the name the registry publishes.

Unlike the CRM's own search (`normalize_for_search`, kana folded to hiragana) the key folds kana to
katakana: corporate names are written in katakana far more often than in hiragana, so the PostgreSQL
loader's `translate()` (per character, linear in its table) runs on few names (ADR 0018)."""

from __future__ import annotations

import re

from dps.domain.shared.text import normalize_for_search, to_katakana

# The constants below are public so that the PostgreSQL loader can build the same key in SQL
# (`dps.adapters.registry.pg_load`): one list, two implementations that cannot drift apart.
# Japanese corporate forms (法人格), longest first so 医療法人社団 wins over 医療法人; matched after
# NFKC + lower + hiragana→katakana, so ㈱ and （株） arrive here as "(株)", かぶしきがいしゃ as カブシキガイシャ.
JAPANESE_FORMS: tuple[str, ...] = tuple(sorted((
    "株式会社", "有限会社", "合同会社", "合名会社", "合資会社", "相互会社",
    "一般社団法人", "一般財団法人", "公益社団法人", "公益財団法人", "特定非営利活動法人", "npo法人",
    "医療法人社団", "医療法人財団", "医療法人", "社会医療法人", "社会福祉法人", "学校法人", "宗教法人",
    "独立行政法人", "地方独立行政法人", "国立大学法人", "弁護士法人", "税理士法人", "監査法人",
    "司法書士法人", "行政書士法人", "社会保険労務士法人", "特許業務法人", "有限責任事業組合",
    "有限責任監査法人", "事業協同組合", "協同組合",
    "カブシキガイシャ", "カブシキカイシャ", "ユウゲンガイシャ", "ユウゲンカイシャ", "ゴウドウガイシャ",
    "ゴウドウカイシャ", "ゴウメイガイシャ", "ゴウシガイシャ",
    "(株)", "(有)", "(同)", "(名)", "(資)", "(合)", "(一社)", "(一財)", "(公社)", "(公財)", "(特非)",
    "(医)", "(福)", "(学)", "(宗)", "(独)",
), key=len, reverse=True))
_JAPANESE_FORMS = JAPANESE_FORMS

# English forms, only at the end and only after a word boundary ("Zinc" keeps its "inc").
ENGLISH_SUFFIXES = (
    r"co\.?\s*,?\s*ltd\.?|company\s+limited|limited|ltd\.?|inc\.?|incorporated|"
    r"corporation|corp\.?|k\.\s*k\.?|kk|g\.\s*k\.?|llc\.?|l\.l\.c\.?|co\.?"
)
"""The English forms (a regular expression, alternatives only); `\\s` is Python's whitespace."""
ENGLISH_BOUNDARY = r"(?:^|(?<=[^0-9a-z]))"
"""What must precede an English form: the start of the text or a character that is not [0-9a-z]."""
_ENGLISH_SUFFIX = re.compile(f"{ENGLISH_BOUNDARY}(?:{ENGLISH_SUFFIXES})$")
EDGE_NOISE = " ,.・、"
"""Stripped from both ends of the folded name and after each corporate form removed."""
_EDGE_NOISE = EDGE_NOISE
_SPACES = re.compile(r"\s+")


def fold_name(name: str) -> str:
    """`normalize_for_search` with kana folded to katakana: the characters the key is made of."""
    return to_katakana(normalize_for_search(name))


_FORM_SET = frozenset(_JAPANESE_FORMS)
_FORM_LENGTHS = tuple(sorted({len(f) for f in _JAPANESE_FORMS}, reverse=True))


def _strip_forms(text: str) -> str:
    """Remove corporate-form words at either end, one at a time (longest first), never down to nothing."""
    while True:
        candidate = text
        if candidate.startswith(_JAPANESE_FORMS):
            n = next(n for n in _FORM_LENGTHS if candidate[:n] in _FORM_SET)
            candidate = candidate[n:]
        elif candidate.endswith(_JAPANESE_FORMS):
            n = next(n for n in _FORM_LENGTHS if candidate[-n:] in _FORM_SET)
            candidate = candidate[:-n]
        elif candidate[-1:].isascii():
            candidate = _ENGLISH_SUFFIX.sub("", candidate)
        candidate = candidate.strip(_EDGE_NOISE)
        if candidate == text or not candidate:
            return text
        text = candidate


def _once(name: str) -> str:
    folded = fold_name(name)
    return _SPACES.sub("", _strip_forms(folded.strip(_EDGE_NOISE) or folded))


def corporate_name_key(name: str) -> str:
    """The normalised search key of a corporation's name: NFKC, lower case, hiragana→katakana,
    corporate-form words (株式会社, (株), 合同会社, 一般社団法人, Co., Ltd., Inc., ...) removed in front or
    behind, spaces removed. A name that is only a corporate form keeps it (the key is never empty for a
    name with visible characters). Idempotent: the key of a key is the key."""
    key = _once(name)
    for _ in range(8):  # NFKC and lower() can, rarely, need a second pass to settle
        again = _once(key)
        if again == key:
            return key
        key = again
    return key
