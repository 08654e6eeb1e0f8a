"""登記記録の閉鎖等の事由 (closeCause): the NTA's codes for why a corporation's register was closed.

The NTA Web-API and its download files give the code (`01`, `11`, `21`, `31`); gBizINFO v1 gave the
text (`登記官による閉鎖`). An account keeps the code when the text is one of the NTA's, else the text."""

from __future__ import annotations

from collections.abc import Mapping

CLOSE_CAUSES: Mapping[str, tuple[str, str]] = {
    "01": ("清算の結了等", "liquidation completed"),
    "11": ("合併による解散等", "dissolved by merger"),
    "21": ("登記官による閉鎖", "closed by the registrar"),
    "31": ("その他の清算の結了等", "other liquidation"),
}
"""Code -> (Japanese, English) label, as the NTA publishes them (reference §1.6)."""

_BY_TEXT = {text: code for code, labels in CLOSE_CAUSES.items() for text in labels} | {
    "精算の結了等": "01", "その他の精算の結了等": "31",  # go-corp's typo for 清算
}


def close_cause_code(value: str) -> str:
    """The code of a closing cause given as a code or as the NTA's text (Japanese or English, or
    'ja / en'); any other text is kept as it is (stripped)."""
    text = value.strip()
    if text in CLOSE_CAUSES:
        return text
    if text.isdigit() and len(text) == 1 and f"0{text}" in CLOSE_CAUSES:
        return f"0{text}"  # a spreadsheet dropped the leading zero
    head = text.split(" / ")[0].strip()
    return _BY_TEXT.get(text) or _BY_TEXT.get(head) or text


def close_cause_label(code: str, *, english: bool | None = None) -> str:
    """The people's words for a closing cause code: 'ja / en' (or one language); unknown text as it is."""
    labels = CLOSE_CAUSES.get(code)
    if labels is None:
        return code
    if english is None:
        return f"{labels[0]} / {labels[1]}"
    return labels[1] if english else labels[0]
