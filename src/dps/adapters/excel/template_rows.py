"""The template sheet's rows and cells parsed once (`TemplateRow`, `TemplateCell`), rendered per block copy."""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.sax.saxutils import escape, unescape

from attrs import frozen

from dps.adapters.excel.ooxml_refs import CELL_NAME, Formula, Shift, translate
from dps.adapters.excel.template_values import CellWriter, Values, _shown
from dps.application.reports.tables import Cell
from dps.application.reports.templates.placeholders import CellText, column_index, column_letters, parse_cell_text

ATTR = re.compile(r"""([\w:.-]+)\s*=\s*("[^"]*"|'[^']*')""")
ROW = re.compile(r"<(?P<p>\w+:)?row\b(?P<a>[^>]*?)(?:/>|>(?P<body>.*?)</(?P=p)?row>)", re.DOTALL)
CELL = re.compile(r"<(?P<p>\w+:)?c\b(?P<a>[^>]*?)(?:/>|>(?P<body>.*?)</(?P=p)?c>)", re.DOTALL)
FORMULA = re.compile(r"<(?P<p>\w+:)?f\b(?P<a>[^>]*?)(?:/>|>(?P<body>.*?)</(?P=p)?f>)", re.DOTALL)


# -- the template's rows ------------------------------------------------------------------------------

def _attrs(raw: str, *drop: str) -> str:
    """The attributes of a start tag without `drop` (kept as written)."""
    return "".join(f" {k}={v}" for k, v in ATTR.findall(raw) if k not in drop)


def _attr(raw: str, name: str) -> str | None:
    for k, v in ATTR.findall(raw):
        if k == name:
            return unescape(v[1:-1])
    return None


class TemplateCell:
    """One `<c>` of the template: static (copied), a formula (its references moved) or placeholders."""

    def __init__(self, col: str, attrs: str, body: str, *, text: CellText | None, formula: Formula | None,
                 formula_attrs: str, keep_value: bool) -> None:
        self.col = col
        self.attrs = attrs
        self.style = _attrs(attrs, "r", "t", "cm", "vm", "ph")
        self.body = body
        self.text = text
        self.single = text.single if text is not None else None
        self.parts = text.parts if text is not None else ()
        self.formula = formula
        self.formula_attrs = formula_attrs
        self.keep_value = keep_value

    def render(self, row: int, k: int | None, values: Values, data: Sequence[Cell] | None, out: CellWriter) -> str:
        ref = f"{self.col}{row}"
        if self.single is not None:
            return out.typed(ref, self.style, values.get(self.single, data))
        if self.text is not None:
            return out.text(ref, self.style, "".join(
                p if isinstance(p, str) else _shown(values.get(p, data)) for p in self.parts))
        if self.formula is not None:
            f = escape(self.formula.render(k))
            return f'<c r="{ref}"{self.style}><f{self.formula_attrs}>{f}</f></c>'
        if self.keep_value:
            return f'<c r="{ref}"{self.attrs}>{self.body}</c>' if self.body else f'<c r="{ref}"{self.attrs}/>'
        return ""


@frozen
class TemplateRow:
    number: int
    attrs: str
    cells: tuple[TemplateCell, ...]

    def render(self, row: int, k: int | None, values: Values, data: Sequence[Cell] | None, out: CellWriter) -> str:
        body = "".join(c.render(row, k, values, data, out) for c in self.cells)
        return f'<row r="{row}"{self.attrs}>{body}</row>' if body else f'<row r="{row}"{self.attrs}/>'


def _parse_rows(body: str, shift: Shift | None, sheet: str, shared: Sequence[str]) -> list[TemplateRow]:
    """The sheet's rows; shared formulas become ordinary ones (each copy needs its own references)."""
    masters: dict[str, tuple[str, int, int]] = {}
    rows: list[TemplateRow] = []
    last_row = 0
    for rm in ROW.finditer(body):
        number_raw = _attr(rm.group("a"), "r")
        number = int(number_raw) if number_raw else last_row + 1
        last_row = number
        cells: list[TemplateCell] = []
        last_col = 0
        for cm in CELL.finditer(rm.group("body") or ""):
            attrs, cell_body = cm.group("a"), cm.group("body") or ""
            ref = _attr(attrs, "r")
            m = CELL_NAME.fullmatch(ref) if ref else None
            col = m.group(1).upper() if m else column_letters(last_col + 1)
            last_col = column_index(col)
            t = _attr(attrs, "t") or "n"
            text = _cell_text(t, cell_body, shared)
            if text is not None and "{{" in text:
                cells.append(TemplateCell(col, attrs, cell_body, text=parse_cell_text(text), formula=None,
                                          formula_attrs="", keep_value=False))
                continue
            fm = FORMULA.search(cell_body)
            if fm is None:
                cells.append(TemplateCell(col, _attrs(attrs, "r"), cell_body, text=None, formula=None,
                                          formula_attrs="", keep_value=True))
                continue
            formula_text = unescape(fm.group("body") or "", {"&quot;": '"', "&apos;": "'"})
            f_attrs = fm.group("a")
            if _attr(f_attrs, "t") == "shared":
                si = _attr(f_attrs, "si") or ""
                if formula_text:
                    masters[si] = (formula_text, number, last_col)
                elif si in masters:
                    text0, r0, c0 = masters[si]
                    formula_text = translate(text0, number - r0, last_col - c0)
                f_attrs = _attrs(f_attrs, "t", "ref", "si")
            else:
                f_attrs = _attrs(f_attrs, "ref") if _attr(f_attrs, "t") != "array" else \
                    _attrs(f_attrs, "ref") + f' ref="{col}{number}"'
            cells.append(TemplateCell(col, attrs, cell_body, text=None, formula=Formula(formula_text, shift, sheet),
                                      formula_attrs=f_attrs, keep_value=False))
        rows.append(TemplateRow(number, _attrs(rm.group("a"), "r"), tuple(cells)))
    return rows


def _cell_text(t: str, body: str, shared: Sequence[str]) -> str | None:
    if t == "s":
        v = re.search(r"<(?:\w+:)?v>([^<]*)</", body)
        try:
            return shared[int(v.group(1))] if v else None
        except (ValueError, IndexError):
            return None
    if t == "inlineStr":
        pieces = re.findall(r"<(?:\w+:)?t(?:\s[^>]*)?>([^<]*)</(?:\w+:)?t>",
                            re.sub(r"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", "", body, flags=re.DOTALL))
        return unescape("".join(pieces))
    return None
