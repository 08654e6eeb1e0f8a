"""Reading a user's .xlsx template at the OOXML level (zip parts and their XML, never openpyxl, which
drops charts and images): the sheets, the shared strings, every placeholder with its cell address,
and what makes a template unusable - not an xlsx, a malformed placeholder, a placeholder in a merged
cell, row placeholders on two sheets or in rows that are not contiguous, unknown column keys, a file
too large to read. Sheets are read with `iterparse`, so a large template costs little memory."""

from __future__ import annotations

import itertools
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from collections import defaultdict
from collections.abc import Collection, Iterator
from pathlib import Path

from attrs import frozen

from dps.application.reports.templates.placeholders import (
    PlaceholderAt,
    Problem,
    column_index,
    has_placeholder,
    parse_cell_text,
    unknown_columns,
)
from dps.application.reports.templates.ports import TemplateScan

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
WORKBOOK = "xl/workbook.xml"
WORKBOOK_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
}
MACRO_TYPES = {"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
               "application/vnd.ms-excel.template.macroEnabled.main+xml"}
MAX_PARTS = 5000
MAX_PART_BYTES = 128 * 1024 * 1024
"""Uncompressed size a single part may have (zip bombs are refused before anything is read)."""
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_PLACEHOLDERS = 5000
MAX_FILLED_SHEET_BYTES = 32 * 1024 * 1024
"""A sheet holding placeholders is rewritten from memory: its XML may be this large at most."""
FILE = "file"
CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


class TemplateError(Exception):
    """The file cannot be read as a template at all (the problem says why)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.reason)
        self.problem = problem


@frozen
class SheetPart:
    name: str
    path: str
    """The part's name in the zip (xl/worksheets/sheet1.xml)."""
    index: int


@frozen
class Book:
    """The parts of an opened template DPS needs to read."""

    sheets: tuple[SheetPart, ...]
    shared: tuple[str, ...]
    date1904: bool


def sheet_address(sheet: str, ref: str) -> str:
    """``Sheet1!B5``; quoted like Excel when the name has blanks or signs (``'My data'!B5``)."""
    plain = re.fullmatch(r"[^\W\d]\w*", sheet) is not None
    name = sheet if plain else "'" + sheet.replace("'", "''") + "'"
    return f"{name}!{ref}"


def _xml(zf: zipfile.ZipFile, part: str) -> ET.Element:
    return ET.fromstring(_checked(zf, part))  # noqa: S314 - no DTD (refused above); expat caps entity growth


def _checked(zf: zipfile.ZipFile, part: str) -> bytes:
    """The part's bytes; a part with a DTD (never in OOXML: entity tricks) is refused."""
    data = zf.read(part)
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:4096]:
        raise TemplateError(Problem(FILE, f"{part}: DTD は使えません / a DTD is not allowed"))
    return data


def _iterparse(zf: zipfile.ZipFile, part: str) -> Iterator[tuple[str, ET.Element]]:
    with zf.open(part) as f:
        head = f.read(4096)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise TemplateError(Problem(FILE, f"{part}: DTD は使えません / a DTD is not allowed"))
    with zf.open(part) as f:
        yield from ET.iterparse(f)  # noqa: S314 - no DTD (refused above)


def rels_of(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: id -> (type, target part name)."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels not in zf.namelist():
        return {}
    out: dict[str, tuple[str, str]] = {}
    for rel in _xml(zf, rels).iter(f"{{{PKG_REL}}}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id", "")] = (rel.get("Type", ""), path)
    return out


def open_book(zf: zipfile.ZipFile) -> Book:
    """The sheets (in workbook order), shared strings and date system; TemplateError when the zip is no
    xlsx workbook or too large to read."""
    infos = zf.infolist()
    if len(infos) > MAX_PARTS or sum(i.file_size for i in infos) > MAX_TOTAL_BYTES or any(
            i.file_size > MAX_PART_BYTES for i in infos):
        raise TemplateError(Problem(FILE, "展開後のサイズが大きすぎます / too large once unpacked"))
    names = set(zf.namelist())
    if WORKBOOK not in names or "[Content_Types].xml" not in names:
        raise TemplateError(Problem(FILE, "ブック (xl/workbook.xml) がありません / no workbook part: not an xlsx"))
    try:
        types = _xml(zf, "[Content_Types].xml")
        workbook_type = next((o.get("ContentType", "") for o in types.iter(f"{{{CONTENT_TYPES}}}Override")
                              if o.get("PartName") == "/" + WORKBOOK), "")
        if workbook_type in MACRO_TYPES:
            raise TemplateError(Problem(FILE, "マクロ有効ブックは不可 / macro-enabled workbooks are not accepted"))
        if workbook_type not in WORKBOOK_TYPES:
            raise TemplateError(Problem(FILE, "xlsx ブックではありません / not an xlsx workbook"))
        workbook = _xml(zf, WORKBOOK)
        rels = rels_of(zf, WORKBOOK)
        sheets = []
        for index, s in enumerate(workbook.iter(f"{{{MAIN}}}sheet")):
            _type, path = rels.get(s.get(f"{{{DOC_REL}}}id", ""), ("", ""))
            if path in names and _type.endswith("/worksheet"):
                sheets.append(SheetPart(s.get("name", ""), path, index))
        pr = workbook.find(f"{{{MAIN}}}workbookPr")
        date1904 = pr is not None and pr.get("date1904", "0") in ("1", "true")
        shared_path = next((p for t, p in rels.values() if t.endswith("/sharedStrings")), None)
        shared = tuple(_shared_strings(zf, shared_path)) if shared_path in names and shared_path else ()
    except ET.ParseError as e:
        raise TemplateError(Problem(FILE, f"ブックの XML が壊れています / broken workbook XML: {e}")) from None
    return Book(tuple(sheets), shared, date1904)


def _shared_strings(zf: zipfile.ZipFile, path: str) -> Iterator[str]:
    for _event, el in _iterparse(zf, path):
        if el.tag == f"{{{MAIN}}}si":
            yield _text_of(el)
            el.clear()


def _text_of(el: ET.Element) -> str:
    """The visible text of an `si` or `is`: its `t` pieces, phonetic runs (`rPh`) left out."""
    out: list[str] = []

    def walk(node: ET.Element) -> None:
        for child in node:
            if child.tag == f"{{{MAIN}}}t":
                out.append(child.text or "")
            elif child.tag == f"{{{MAIN}}}r":
                walk(child)

    walk(el)
    return "".join(out)


@frozen
class TextCell:
    sheet: SheetPart
    ref: str
    row: int
    col: int
    text: str

    @property
    def address(self) -> str:
        return sheet_address(self.sheet.name, self.ref)


@frozen
class SheetFacts:
    cells: tuple[TextCell, ...]
    """Text cells holding '{{'."""
    merges: tuple[tuple[int, int, int, int], ...]
    """(first row, first col, last row, last col)."""


def read_sheet(zf: zipfile.ZipFile, book: Book, sheet: SheetPart) -> SheetFacts:
    """The sheet's text cells that hold '{{' and its merged ranges, streamed."""
    cells: list[TextCell] = []
    merges: list[tuple[int, int, int, int]] = []
    c_tag, v_tag, is_tag, row_tag = (f"{{{MAIN}}}{t}" for t in ("c", "v", "is", "row"))
    for _event, el in _iterparse(zf, sheet.path):
        if el.tag == c_tag:
            t = el.get("t", "n")
            text: str | None = None
            if t == "s":
                v = el.find(v_tag)
                try:
                    text = book.shared[int((v.text or "") if v is not None else "")]
                except (ValueError, IndexError):
                    text = None
            elif t == "inlineStr":
                inline = el.find(is_tag)
                text = _text_of(inline) if inline is not None else None
            ref = el.get("r", "")
            m = CELL_REF.fullmatch(ref)
            if text is not None and has_placeholder(text) and m:
                cells.append(TextCell(sheet, ref.replace("$", ""), int(m.group(2)), column_index(m.group(1)),
                                      text))
        elif el.tag == row_tag:
            el.clear()
        elif el.tag == f"{{{MAIN}}}mergeCell":
            merges.extend(_range(el.get("ref", "")))
    return SheetFacts(tuple(cells), tuple(merges))


def _range(ref: str) -> list[tuple[int, int, int, int]]:
    first, _, last = ref.partition(":")
    a, b = CELL_REF.fullmatch(first), CELL_REF.fullmatch(last or first)
    if not a or not b:
        return []
    return [(int(a.group(2)), column_index(a.group(1)), int(b.group(2)), column_index(b.group(1)))]


@frozen
class Scan:
    """A template read through: the scan (placeholders, problems) and where the row block is."""

    result: TemplateScan
    cells: tuple[TextCell, ...]
    block: tuple[SheetPart, int, int] | None
    """(sheet, first row, last row) of the repeated rows."""


def scan_zip(zf: zipfile.ZipFile, column_keys: Collection[str] | None = None) -> Scan:
    try:
        book = open_book(zf)
        facts = {s: read_sheet(zf, book, s) for s in book.sheets}
    except TemplateError as e:
        return Scan(TemplateScan((), (e.problem,)), (), None)
    except (ET.ParseError, zipfile.BadZipFile, KeyError, EOFError) as e:
        return Scan(TemplateScan((), (Problem(FILE, f"ファイルが壊れています / the file is broken: {e}"),)), (), None)
    problems: list[Problem] = []
    found: list[PlaceholderAt] = []
    cells: list[TextCell] = []
    rows_by_sheet: dict[SheetPart, dict[int, TextCell]] = defaultdict(dict)
    for sheet, f in facts.items():
        for cell in f.cells:
            try:
                parsed = parse_cell_text(cell.text)
            except ValueError as e:
                problems.append(Problem(cell.address, str(e)))
                continue
            cells.append(cell)
            found.extend(PlaceholderAt(cell.address, p) for p in parsed.placeholders)
            if any(r0 <= cell.row <= r1 and c0 <= cell.col <= c1 for r0, c0, r1, c1 in f.merges):
                problems.append(Problem(cell.address, "結合セルにはプレースホルダを置けません / a placeholder may "
                                                      "not be in a merged cell"))
            if any(p.is_row for p in parsed.placeholders):
                rows_by_sheet[sheet].setdefault(cell.row, cell)
    for sheet in {c.sheet for c in cells}:
        if zf.getinfo(sheet.path).file_size > MAX_FILLED_SHEET_BYTES:
            problems.append(Problem(sheet.name, f"プレースホルダのあるシートが大きすぎます / a sheet with placeholders "
                                                f"may hold at most {MAX_FILLED_SHEET_BYTES // 2**20} MB of XML"))
    if len(found) > MAX_PLACEHOLDERS:
        problems.append(Problem(FILE, f"プレースホルダが多すぎます / more than {MAX_PLACEHOLDERS} placeholders"))
    block = _block(rows_by_sheet, problems)
    if column_keys is not None:
        problems.extend(unknown_columns(found, column_keys))
    return Scan(TemplateScan(tuple(found), tuple(problems)), tuple(cells), block)


def _block(rows_by_sheet: dict[SheetPart, dict[int, TextCell]],
           problems: list[Problem]) -> tuple[SheetPart, int, int] | None:
    """The one repeated block: rows with `row.` placeholders, on one sheet, contiguous."""
    if not rows_by_sheet:
        return None
    sheets = sorted(rows_by_sheet, key=lambda s: s.index)
    first = sheets[0]
    for other in sheets[1:]:
        for cell in rows_by_sheet[other].values():
            problems.append(Problem(cell.address, f"行プレースホルダは1シートだけ (先: {first.name}) / "
                                                  f"row placeholders may be on one sheet only (first: {first.name})"))
    rows = sorted(rows_by_sheet[first])
    for prev, row in itertools.pairwise(rows):
        if row != prev + 1:
            problems.append(Problem(rows_by_sheet[first][row].address,
                                    f"繰り返し行は連続させてください ({prev} 行目の次) / the repeated rows must "
                                    f"be contiguous (a gap after row {prev})"))
    return first, rows[0], rows[-1]


def check_template(path: Path, column_keys: Collection[str] | None = None) -> TemplateScan:
    """The scan of the template at `path` (see the module's docstring); never raises for a bad file."""
    if not zipfile.is_zipfile(path):
        return TemplateScan((), (Problem(FILE, "xlsx (zip) ファイルではありません (.xls や暗号化されたブックは不可) / "
                                               "not an xlsx (zip) file (.xls and encrypted workbooks neither)"),))
    try:
        with zipfile.ZipFile(path) as zf:
            return scan_zip(zf, column_keys).result
    except zipfile.BadZipFile as e:
        return TemplateScan((), (Problem(FILE, f"ファイルが壊れています / the file is broken: {e}"),))
