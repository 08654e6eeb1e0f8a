"""Printing: plain tables that line up with Japanese (full-width) text, and small notes."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

import click


def width(text: str) -> int:
    """Terminal columns of `text`: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, columns: int) -> str:
    return text + " " * (columns - width(text))


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Left-aligned columns separated by two spaces; the header underlined with dashes."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [width(h) for h in headers]
    for row in cells:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], width(cell))

    def line(row: Sequence[str]) -> str:
        return "  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out.extend(line(row) for row in cells)
    return "\n".join(out)


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def note(message: str) -> None:
    """A remark for the operator, on stderr so stdout stays clean for scripts."""
    click.echo(message, err=True)
