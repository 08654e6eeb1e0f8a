"""Cell, range and row references in formulas and ``sqref`` lists, and how they move or grow when the
repeated block of a template fills (`Shift`, `rewrite_formula`, `translate`, `rewrite_range_list`)."""

from __future__ import annotations

import re

from attrs import frozen

from dps.application.reports.templates.placeholders import column_index, column_letters

CELL_NAME = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")
REF_TOKEN = re.compile(r"""
    (?P<str>"(?:[^"]|"")*")
  | (?<![\w.$!'\]])
    (?P<ref>
      (?:(?P<sheet>'(?:[^']|'')+'|[^\W\d][\w.]*)!)?
      (?:
        (?P<c1>\$?[A-Za-z]{1,3})(?P<r1>\$?\d+)(?::(?P<c2>\$?[A-Za-z]{1,3})(?P<r2>\$?\d+))?
      | (?P<w1>\$?\d+):(?P<w2>\$?\d+)
      )
    )(?![\w(!])
""", re.VERBOSE)
"""A string literal (skipped), or a cell, range or whole-row reference with its optional sheet."""


@frozen
class Shift:
    """The repeated block of one sheet: rows `first`..`last`, filled `copies` times."""

    sheet: str
    first: int
    last: int
    copies: int

    @property
    def height(self) -> int:
        return self.last - self.first + 1

    @property
    def delta(self) -> int:
        return (self.copies - 1) * self.height

    def row_outside(self, row: int) -> int:
        """Where a template row outside the block lands (a block row: its first copy)."""
        return row + self.delta if row > self.last else row

    def span(self, r1: int, r2: int) -> tuple[int, int]:
        """A range of rows seen from outside the block: it grows when it reaches into the block."""
        return (r1 + self.delta if r1 > self.last else r1), (r2 + self.delta if r2 >= self.first else r2)


class _Ref:
    """One reference in a formula, ready to be rendered for the block copy `k` (outside: k = None)."""

    def __init__(self, m: re.Match[str], shift: Shift | None, own_sheet: str | None, grow: bool = False) -> None:
        self.m = m
        self.grow = grow
        sheet = m.group("sheet")
        name = sheet[1:-1].replace("''", "'") if sheet and sheet.startswith("'") else sheet
        self.moves = shift is not None and (name or own_sheet) == shift.sheet
        self.shift = shift

    def render(self, k: int | None) -> str:
        m, s = self.m, self.shift
        if not self.moves or s is None:
            return m.group("ref")
        prefix = f"{m.group('sheet')}!" if m.group("sheet") else ""
        if m.group("w1"):
            a, b = _rows(m.group("w1"), m.group("w2"), s, k)
            return f"{prefix}{a}:{b}"
        if m.group("c2"):
            a, b = _rows(m.group("r1"), m.group("r2"), s, k)
            return f"{prefix}{m.group('c1')}{a}:{m.group('c2')}{b}"
        if self.grow and k is None and s.first <= _num(m.group("r1"))[1] <= s.last:
            a, b = _rows(m.group("r1"), m.group("r1"), s, None)
            return f"{prefix}{m.group('c1')}{a}:{m.group('c1')}{b}"
        return f"{prefix}{m.group('c1')}{_row(m.group('r1'), s, k)}"


def _num(raw: str) -> tuple[str, int]:
    return ("$", int(raw[1:])) if raw.startswith("$") else ("", int(raw))


def _row(raw: str, s: Shift, k: int | None) -> str:
    dollar, r = _num(raw)
    if k is not None and s.first <= r <= s.last and not dollar:
        return f"{r + k * s.height}"
    return f"{dollar}{s.row_outside(r)}"


def _rows(raw1: str, raw2: str, s: Shift, k: int | None) -> tuple[str, str]:
    (d1, r1), (d2, r2) = _num(raw1), _num(raw2)
    if k is not None and (s.first <= r1 <= s.last or s.first <= r2 <= s.last):
        return _row(raw1, s, k), _row(raw2, s, k)
    a, b = s.span(r1, r2)
    return f"{d1}{a}", f"{d2}{b}"


class Formula:
    """A formula split into text and references, rendered per block copy without parsing it again."""

    def __init__(self, text: str, shift: Shift | None, own_sheet: str | None, *, grow: bool = False) -> None:
        self.parts: list[str | _Ref] = []
        pos = 0
        for m in REF_TOKEN.finditer(text):
            if m.group("ref") is None:
                continue
            self.parts.append(text[pos:m.start()])
            self.parts.append(_Ref(m, shift, own_sheet, grow))
            pos = m.end()
        self.parts.append(text[pos:])
        self.moves = any(isinstance(p, _Ref) and p.moves for p in self.parts)

    def render(self, k: int | None = None) -> str:
        return "".join(p if isinstance(p, str) else p.render(k) for p in self.parts)


def rewrite_formula(text: str, shift: Shift | None, own_sheet: str | None, *, grow: bool = False) -> str:
    """`text` with its references into the block sheet moved or grown; `grow`: a single cell of the block
    becomes the column of all its copies (a chart series)."""
    return Formula(text, shift, own_sheet, grow=grow).render()


def translate(text: str, rows: int, cols: int) -> str:
    """A shared formula's text as seen from a cell `rows` down and `cols` right of its master."""

    def col(raw: str) -> str:
        return raw if raw.startswith("$") else column_letters(column_index(raw) + cols)

    def row(raw: str) -> str:
        return raw if raw.startswith("$") else str(int(raw) + rows)

    def sub(m: re.Match[str]) -> str:
        if m.group("ref") is None:
            return m.group(0)
        prefix = f"{m.group('sheet')}!" if m.group("sheet") else ""
        if m.group("w1"):
            return f"{prefix}{row(m.group('w1'))}:{row(m.group('w2'))}"
        out = f"{prefix}{col(m.group('c1'))}{row(m.group('r1'))}"
        if m.group("c2"):
            out += f":{col(m.group('c2'))}{row(m.group('r2'))}"
        return out

    return REF_TOKEN.sub(sub, text)


def rewrite_range_list(refs: str, shift: Shift) -> str:
    """A ``sqref``-like list of ranges (``A1 C5:D5``) of the block sheet, each grown or moved; a single
    cell of the block grows to its column over every copy (a conditional format on ``B5``)."""
    out = []
    for ref in refs.split():
        a, _, b = ref.partition(":")
        ma, mb = CELL_NAME.fullmatch(a), CELL_NAME.fullmatch(b or a)
        if not ma or not mb:
            out.append(ref)
            continue
        r1, r2 = shift.span(int(ma.group(2)), int(mb.group(2)))
        out.append(f"{ma.group(1)}{r1}:{mb.group(1)}{r2}" if b or r1 != r2 else f"{ma.group(1)}{r1}")
    return " ".join(out)
