"""The formula-injection guard of exported text: writers pass every text cell through `neutralise_formula`
(a leading "'"); `values.parse_cell` takes that apostrophe off again (`unneutralise_formula`) for TEXT and
REFERENCE columns, so an export re-imports unchanged. Neutralising must leave neutralised text alone, so
the one text that cannot survive the trip is a value that itself starts with an apostrophe followed by
= + - @ (it comes back without the apostrophe)."""

from __future__ import annotations

__all__ = ["neutralise_formula", "unneutralise_formula"]

_FORMULA_START = frozenset("=+-@\t\r\n＝＋－＠")


def neutralise_formula(text: str) -> str:
    """`text` with a leading apostrophe when a spreadsheet would run it as a formula: it starts with
    = + - @ (or their full-width forms, which an IME may turn into formulas), a tab, CR or LF. A text
    that looks like a negative number ("-5") is neutralised as well: it is text in a TEXT column, and
    telling numbers from formulas ("-5+cmd|' /C calc'!A0") would mean re-implementing Excel's grammar,
    so the rule stays a one-character test that cannot be talked around. Idempotent: a neutralised text
    starts with an apostrophe and is left alone."""
    if text and text[0] in _FORMULA_START:
        return "'" + text
    return text


def unneutralise_formula(text: str) -> str:
    """The inverse of `neutralise_formula` on what it produces: "'=x" -> "=x"; other texts unchanged."""
    if len(text) > 1 and text[0] == "'" and text[1] in _FORMULA_START:
        return text[1:]
    return text
