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

import re
import shutil
import zipfile
from collections.abc import Collection, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape, unescape

from dps.adapters.excel.ooxml_parts import CALC_AFTER as CALC_AFTER
from dps.adapters.excel.ooxml_parts import _edit_for, _moved_parts
from dps.adapters.excel.ooxml_refs import CELL_NAME, rewrite_range_list
from dps.adapters.excel.ooxml_refs import REF_TOKEN as REF_TOKEN
from dps.adapters.excel.ooxml_refs import Formula as Formula
from dps.adapters.excel.ooxml_refs import Shift as Shift
from dps.adapters.excel.ooxml_refs import rewrite_formula as rewrite_formula
from dps.adapters.excel.ooxml_refs import translate as translate
from dps.adapters.excel.template_check import (
    Book,
    Scan,
    SheetPart,
    check_template,
    open_book,
    scan_zip,
)
from dps.adapters.excel.template_rows import ATTR as ATTR
from dps.adapters.excel.template_rows import CELL as CELL
from dps.adapters.excel.template_rows import FORMULA as FORMULA
from dps.adapters.excel.template_rows import ROW as ROW
from dps.adapters.excel.template_rows import TemplateCell as TemplateCell
from dps.adapters.excel.template_rows import TemplateRow as TemplateRow
from dps.adapters.excel.template_rows import _parse_rows
from dps.adapters.excel.template_values import ILLEGAL_XML as ILLEGAL_XML
from dps.adapters.excel.template_values import MAX_TEXT as MAX_TEXT
from dps.adapters.excel.template_values import CellWriter as CellWriter
from dps.adapters.excel.template_values import Values as Values
from dps.application.reports.tables import Cell, ReportTable
from dps.application.reports.templates.placeholders import problems_as_errors
from dps.application.reports.templates.ports import ReportTemplateEngine, TemplateScan
from dps.application.shared.errors import Invalid

CHUNK_CHARS = 256 * 1024
SHEET_DATA = re.compile(r"<(?P<p>\w+:)?sheetData\b[^>]*?(?:/>|>(?P<body>.*?)</(?P=p)?sheetData>)", re.DOTALL)


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
