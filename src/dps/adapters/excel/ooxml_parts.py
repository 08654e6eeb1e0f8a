"""The workbook's other parts rewritten when the block grows: workbook.xml (defined names, calcPr), charts,
drawings, tables, pivot sources, other sheets' formulas, and the dropped calculation chain."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from xml.sax.saxutils import escape, unescape

from dps.adapters.excel.ooxml_refs import Shift, rewrite_formula, rewrite_range_list
from dps.adapters.excel.template_check import Book, SheetPart, rels_of
from dps.adapters.excel.template_rows import FORMULA, _attr, _attrs

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
