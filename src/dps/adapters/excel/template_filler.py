"""Filling a user's .xlsx template with a report at the OOXML level (`XlsxTemplateEngine`).

openpyxl would drop the template's charts and images, so the workbook is never loaded as objects:
every zip part is copied unchanged except
- the sheets holding placeholders: their XML is rewritten piece by piece (the template's own text is
  kept, namespaces and extensions included), the repeated rows written out as they are made, so a
  50,000-row report keeps memory flat;
- the parts whose references move when the block grows: the block sheet's merged cells, conditional
  formats, validations, dimension, auto-filter; formulas (this sheet's and other sheets' references
  to it), defined names, chart series (`c:f`), tables, drawing anchors below the block;
- xl/workbook.xml (recalculate on open) and the calculation chain (dropped: Excel rebuilds it).

Rows below the block move down by (n - 1) x the block's height. A reference to a row below moves
with it; a range that reaches into the block grows to cover every filled row (``SUM(C5:C5)``,
``SUM(C4:C6)`` around a block on row 5). Inside the block a relative reference to a block row
follows its copy (``=C5*D5`` becomes ``=C6*D6`` on the next copy). Values are written as inline
strings or numbers with the template cell's style; dates as serial numbers. An empty report fills
the block once with blanks."""

from __future__ import annotations

import math
import re
import shutil
import zipfile
from collections.abc import Callable, Collection, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape, unescape

from attrs import frozen

from dps.adapters.excel.template_check import (
    Book,
    Scan,
    SheetPart,
    check_template,
    open_book,
    rels_of,
    scan_zip,
)
from dps.application.reports.tables import Cell, ReportTable
from dps.application.reports.templates.placeholders import (
    CellText,
    Placeholder,
    Scope,
    column_index,
    column_letters,
    parse_cell_text,
    problems_as_errors,
)
from dps.application.reports.templates.ports import ReportTemplateEngine, TemplateScan
from dps.application.shared.errors import Invalid

CHUNK_CHARS = 256 * 1024
MAX_TEXT = 32767
"""Excel's limit of characters in a cell."""
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
ATTR = re.compile(r"""([\w:.-]+)\s*=\s*("[^"]*"|'[^']*')""")
ROW = re.compile(r"<(?P<p>\w+:)?row\b(?P<a>[^>]*?)(?:/>|>(?P<body>.*?)</(?P=p)?row>)", re.DOTALL)
CELL = re.compile(r"<(?P<p>\w+:)?c\b(?P<a>[^>]*?)(?:/>|>(?P<body>.*?)</(?P=p)?c>)", re.DOTALL)
FORMULA = re.compile(r"<(?P<p>\w+:)?f\b(?P<a>[^>]*?)(?:/>|>(?P<body>.*?)</(?P=p)?f>)", re.DOTALL)
SHEET_DATA = re.compile(r"<(?P<p>\w+:)?sheetData\b[^>]*?(?:/>|>(?P<body>.*?)</(?P=p)?sheetData>)", re.DOTALL)
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


# -- values -------------------------------------------------------------------------------------------

def _text(value: str) -> str:
    return escape(ILLEGAL_XML.sub("", value[:MAX_TEXT]))


def _shown(value: object) -> str:
    """A value inside text (``期間: {{param.period}}``)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


class Values:
    """Every placeholder's value for the row being written."""

    def __init__(self, table: ReportTable, generated_at: datetime) -> None:
        self.table = table
        self.index = {c.key: i for i, c in enumerate(table.columns)}
        self.params = {key: shown for key, _label, shown in table.params}
        self.report: dict[str, object] = {"title": table.title, "generated_at": generated_at,
                                          "notes": "\n".join(table.notes), "left_out": table.left_out}

    def get(self, p: Placeholder, row: Sequence[Cell] | None) -> object:
        if p.scope is Scope.REPORT:
            return self.report.get(p.key)
        if p.scope is Scope.PARAM:
            return self.params.get(p.key)
        i = self.index.get(p.key)
        if i is None:
            return None
        if p.scope is Scope.TOTAL:
            return self.table.totals[i]
        return row[i] if row is not None else None


class CellWriter:
    """Writes one placeholder cell: typed when alone, else text; the template's style kept."""

    def __init__(self, epoch: date) -> None:
        self.epoch = epoch

    def serial(self, value: date) -> str:
        if isinstance(value, datetime):
            base = datetime(self.epoch.year, self.epoch.month, self.epoch.day, tzinfo=value.tzinfo)
            span = value - base
            return repr(span.days + span.seconds / 86400 + span.microseconds / 86_400_000_000)
        return str((value - self.epoch).days)

    def typed(self, ref: str, style: str, value: object) -> str:
        if value is None or value == "":
            return f'<c r="{ref}"{style}/>'
        if type(value) is str:
            return self.text(ref, style, value)
        if type(value) is Decimal:
            return f'<c r="{ref}"{style}><v>{value:f}</v></c>' if value.is_finite() else f'<c r="{ref}"{style}/>'
        if isinstance(value, bool):
            return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int):
            return f'<c r="{ref}"{style}><v>{value}</v></c>'
        if isinstance(value, Decimal):
            return f'<c r="{ref}"{style}><v>{format(value, "f")}</v></c>' if value.is_finite() else \
                f'<c r="{ref}"{style}/>'
        if isinstance(value, float):
            return f'<c r="{ref}"{style}><v>{value!r}</v></c>' if math.isfinite(value) else f'<c r="{ref}"{style}/>'
        if isinstance(value, date):
            return f'<c r="{ref}"{style}><v>{self.serial(value)}</v></c>'
        return self.text(ref, style, str(value))

    @staticmethod
    def text(ref: str, style: str, value: str) -> str:
        if not value:
            return f'<c r="{ref}"{style}/>'
        return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'


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


# -- the sheet ----------------------------------------------------------------------------------------

class _Out:
    """Buffered UTF-8 writing into a zip entry."""

    def __init__(self, sink: IO[bytes]) -> None:
        self.sink = sink
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        if self.size >= CHUNK_CHARS:
            self.flush()

    def flush(self) -> None:
        self.sink.write("".join(self.parts).encode("utf-8"))
        self.parts.clear()
        self.size = 0


def _fix_head(head: str, shift: Shift | None) -> str:
    if shift is None:
        return head
    return re.sub(r'(<(?:\w+:)?dimension\b[^>]*?\bref=")([^"]*)(")',
                  lambda m: m.group(1) + rewrite_range_list(m.group(2), shift) + m.group(3), head)


def _fix_tail(tail: str, shift: Shift | None, sheet: str) -> str:
    if shift is None:
        return tail
    s = shift

    def merges(m: re.Match[str]) -> str:
        refs: list[str] = []
        for ref in re.findall(r'<(?:\w+:)?mergeCell\b[^>]*?\bref="([^"]*)"', m.group(0)):
            a, _, b = ref.partition(":")
            ma, mb = CELL_NAME.fullmatch(a), CELL_NAME.fullmatch(b or a)
            if ma and mb and s.first <= int(ma.group(2)) and int(mb.group(2)) <= s.last:
                top, bottom = int(ma.group(2)), int(mb.group(2))
                refs += [f"{ma.group(1)}{top + k * s.height}:{mb.group(1)}{bottom + k * s.height}"
                         for k in range(s.copies)]
            else:
                refs.append(rewrite_range_list(ref, s))
        p = m.group("p") or ""
        return (f'<{p}mergeCells count="{len(refs)}">' + "".join(f'<{p}mergeCell ref="{r}"/>' for r in refs)
                + f"</{p}mergeCells>")

    def generic(part: str) -> str:
        part = re.sub(r'(\s(?:ref|sqref)=")([^"]*)(")',
                      lambda m: m.group(1) + rewrite_range_list(m.group(2), s) + m.group(3), part)
        part = re.sub(r"(<(\w+:|)sqref>)([^<]*)(</\2sqref>)",
                      lambda m: m.group(1) + rewrite_range_list(m.group(3), s) + m.group(4), part)
        return re.sub(r"(<(\w+:|)(?:formula\d?|f)>)([^<]*)(</\2(?:formula\d?|f)>)",
                      lambda m: m.group(1) + escape(rewrite_formula(unescape(m.group(3), {"&quot;": '"'}), s, sheet))
                      + m.group(4), part)

    kept: list[str] = []

    def hold(m: re.Match[str]) -> str:
        kept.append(merges(m))
        return "\x00"

    tail = re.sub(r"<(?P<p>\w+:)?mergeCells\b.*?</(?P=p)?mergeCells>", hold, tail, flags=re.DOTALL)
    tail = generic(tail)
    for block in kept:
        tail = tail.replace("\x00", block, 1)
    return tail


def write_sheet(xml: str, sink: IO[bytes], *, sheet: str, shift: Shift | None, book: Book, values: Values) -> None:
    """The sheet with its placeholders filled and, on the block sheet, the block repeated per row; on
    another sheet only references into the block sheet move."""
    m = SHEET_DATA.search(xml)
    if m is None:
        raise Invalid({sheet: "sheetData がありません / the sheet has no cell data"})
    block = shift if shift is not None and shift.sheet == sheet else None
    out = _Out(sink)
    writer = CellWriter(date(1904, 1, 1) if book.date1904 else date(1899, 12, 30))
    rows = _parse_rows(m.group("body") or "", shift, sheet, book.shared)
    p = m.group("p") or ""
    open_tag = re.match(r"<[^>]*?(?=/?>)", m.group(0))
    out.write(_fix_head(xml[:m.start()], block))
    out.write(f"{open_tag.group(0) if open_tag else '<' + p + 'sheetData'}>")
    for r in rows:
        if block is None or r.number < block.first:
            out.write(r.render(r.number, None, values, None, writer))
        elif r.number == block.first:
            repeated = [b for b in rows if block.first <= b.number <= block.last]
            data_rows: Sequence[Sequence[Cell] | None] = values.table.rows or (None,)
            for k, data in enumerate(data_rows):
                for b in repeated:
                    out.write(b.render(b.number + k * block.height, k, values, data, writer))
        elif r.number > block.last:
            out.write(r.render(block.row_outside(r.number), None, values, None, writer))
    out.write(f"</{p}sheetData>")
    out.write(_fix_tail(xml[m.end():], block, sheet))
    out.flush()


# -- the workbook -------------------------------------------------------------------------------------

CALC_AFTER = ("oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing",
              "fileRecoveryPr", "webPublishObjects", "extLst")


def _workbook_xml(xml: str, shift: Shift | None) -> str:
    """Defined names moved with the block; recalculate every formula on open."""
    if shift is not None:
        xml = re.sub(r"(<(?:\w+:)?definedName\b[^>]*>)([^<]*)(</(?:\w+:)?definedName>)",
                     lambda m: m.group(1) + escape(rewrite_formula(unescape(m.group(2), {"&quot;": '"'}), shift, None))
                     + m.group(3), xml)
    calc = re.search(r"<(\w+:)?calcPr\b([^>]*?)(/?)>", xml)
    if calc:
        attrs = _attrs(calc.group(2), "fullCalcOnLoad")
        return xml[:calc.start()] + f"<{calc.group(1) or ''}calcPr{attrs} fullCalcOnLoad=\"1\"{calc.group(3)}>" + \
            xml[calc.end():]
    root = re.search(r"<(\w+:)?workbook\b", xml)
    prefix = (root.group(1) or "") if root else ""
    where = min((xml.find(f"<{prefix}{tag}") for tag in CALC_AFTER if f"<{prefix}{tag}" in xml),
                default=xml.rfind(f"</{prefix}workbook>"))
    return xml[:where] + f'<{prefix}calcPr fullCalcOnLoad="1"/>' + xml[where:]


def _charts(xml: str, shift: Shift) -> str:
    """Chart series (`c:f`) on the block sheet grow with the block, a single block cell too."""
    return re.sub(r"(<(\w+:|)f>)([^<]*)(</\2f>)",
                  lambda m: m.group(1) + escape(rewrite_formula(unescape(m.group(3), {"&quot;": '"'}), shift, None,
                                                                grow=True)) + m.group(4), xml)


def _other_sheet(xml: str, shift: Shift, sheet: str) -> str:
    """Another sheet's formulas that point into the block sheet."""

    def sub(m: re.Match[str]) -> str:
        text = unescape(m.group("body") or "", {"&quot;": '"', "&apos;": "'"})
        new = rewrite_formula(text, shift, sheet)
        if new == text:
            return m.group(0)
        p = m.group("p") or ""
        return f"<{p}f{m.group('a')}>{escape(new)}</{p}f>"

    return FORMULA.sub(sub, xml)


def _anchors(xml: str, shift: Shift) -> str:
    """Drawing anchors (0-based rows) below the block move down with their rows."""
    return re.sub(r"(<(\w+:|)row>)(\d+)(</\2row>)",
                  lambda m: f"{m.group(1)}{shift.row_outside(int(m.group(3)) + 1) - 1}{m.group(4)}", xml)


def _table_part(xml: str, shift: Shift) -> str:
    return re.sub(r'(\sref=")([^"]*)(")', lambda m: m.group(1) + rewrite_range_list(m.group(2), shift) + m.group(3),
                  xml)


def _pivot_source(xml: str, shift: Shift) -> str:
    def sub(m: re.Match[str]) -> str:
        tag = m.group(0)
        if _attr(tag, "sheet") != shift.sheet:
            return tag
        return re.sub(r'(\sref=")([^"]*)(")', lambda r: r.group(1) + rewrite_range_list(r.group(2), shift) + r.group(3),
                      tag)

    return re.sub(r"<(?:\w+:)?worksheetSource\b[^>]*>", sub, xml)


def _without_calc_chain(name: str, xml: str) -> str:
    if name == "[Content_Types].xml":
        return re.sub(r'<(?:\w+:)?Override\b[^>]*PartName="/xl/calcChain\.xml"[^>]*/>', "", xml)
    return re.sub(r'<(?:\w+:)?Relationship\b[^>]*Target="[^"]*calcChain\.xml"[^>]*/>', "", xml)


class XlsxTemplateEngine(ReportTemplateEngine):
    """Checks and fills .xlsx templates without loading them as workbooks (charts and images kept)."""

    def check(self, path: Path, column_keys: Collection[str] | None = None) -> TemplateScan:
        return check_template(path, column_keys)

    def fill(self, template: Path, table: ReportTable, out: Path, *, generated_at: datetime) -> None:
        if not zipfile.is_zipfile(template):
            raise Invalid(problems_as_errors(check_template(template).problems))
        try:
            with zipfile.ZipFile(template) as zin:
                found = scan_zip(zin, [c.key for c in table.columns])
                if not found.result.ok:
                    raise Invalid(problems_as_errors(found.result.problems))
                _fill(zin, found, table, out, generated_at)
        except (UnicodeDecodeError, zipfile.BadZipFile, EOFError) as e:
            out.unlink(missing_ok=True)
            raise Invalid({"file": f"ファイルが壊れています / the file is broken: {e}"}) from None
        except BaseException:
            out.unlink(missing_ok=True)
            raise


def _fill(zin: zipfile.ZipFile, found: Scan, table: ReportTable, out: Path, generated_at: datetime) -> None:
    book = open_book(zin)
    filled = {c.sheet.path: c.sheet for c in found.cells}
    shift = None
    if found.block is not None:
        sheet, first, last = found.block
        shift = Shift(sheet.name, first, last, max(len(table.rows), 1))
        filled[sheet.path] = sheet
    values = Values(table, generated_at)
    moved = _moved_parts(zin, found.block[0] if found.block else None)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=3) as zout:
        for info in zin.infolist():
            _copy_part(zin, zout, info, filled=filled, shift=shift, moved=moved, book=book, values=values)


def _moved_parts(zin: zipfile.ZipFile, block_sheet: SheetPart | None) -> dict[str, str]:
    """Parts of the block sheet whose rows move with it: part name -> what it is (drawing, table)."""
    if block_sheet is None:
        return {}
    out: dict[str, str] = {}
    for rel_type, path in rels_of(zin, block_sheet.path).values():
        if rel_type.endswith("/drawing"):
            out[path] = "drawing"
        elif rel_type.endswith("/table"):
            out[path] = "table"
    return out


def _copy_part(zin: zipfile.ZipFile, zout: zipfile.ZipFile, info: zipfile.ZipInfo, *, filled: dict[str, SheetPart],
               shift: Shift | None, moved: dict[str, str], book: Book, values: Values) -> None:
    name = info.filename
    if name == "xl/calcChain.xml":
        return
    target = zipfile.ZipInfo(name, info.date_time)
    target.compress_type = zipfile.ZIP_DEFLATED
    target.external_attr = info.external_attr
    sheet = filled.get(name)
    if sheet is not None:
        xml = zin.read(name).decode("utf-8")
        with zout.open(target, "w", force_zip64=True) as sink:
            write_sheet(xml, sink, sheet=sheet.name, shift=shift, book=book, values=values)
        return
    edit = _edit_for(name, shift, moved, book)
    if edit is None:
        with zin.open(info) as src, zout.open(target, "w", force_zip64=info.file_size > 1 << 30) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        return
    raw = zin.read(name)
    text = raw.decode("utf-8")
    new = edit(text)
    zout.writestr(target, raw if new == text else new.encode("utf-8"))


def _edit_for(name: str, shift: Shift | None, moved: dict[str, str], book: Book) -> Callable[[str], str] | None:
    if name == "xl/workbook.xml":
        return lambda xml: _workbook_xml(xml, shift)
    if name == "[Content_Types].xml" or name == "xl/_rels/workbook.xml.rels":
        return lambda xml: _without_calc_chain(name, xml)
    if shift is None:
        return None
    s = shift
    if moved.get(name) == "drawing":
        return lambda xml: _anchors(xml, s)
    if moved.get(name) == "table":
        return lambda xml: _table_part(xml, s)
    if name.startswith("xl/charts/chart") and name.endswith(".xml"):
        return lambda xml: _charts(xml, s)
    if name.startswith("xl/pivotCache/pivotCacheDefinition"):
        return lambda xml: _pivot_source(xml, s)
    other = next((sh for sh in book.sheets if sh.path == name), None)
    if other is not None:
        return lambda xml: _other_sheet(xml, s, other.name)
    return None
