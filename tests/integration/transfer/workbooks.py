"""Small schemas and hand-built files for the codec tests (not the real kinds: the codecs must not
depend on them)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from dps.application.transfer.schema import Column, ColumnType, SheetSchema

WIDGETS = SheetSchema(
    kind="widgets",
    sheet_title="部品",
    columns=(
        Column("id", "ID", "ID", ColumnType.ID),
        Column("code", "部品コード", "Code", required=True),
        Column("name", "部品名", "Name", required=True),
        Column("price", "単価", "Unit price", ColumnType.DECIMAL),
        Column("released", "発売日", "Released", ColumnType.DATE),
        Column("status", "状態", "Status", ColumnType.CODE, code_list="status"),
        Column("memo", "メモ", "Memo"),
    ),
    natural_key=("code",),
)

ACCOUNTS = SheetSchema(
    kind="accounts",
    sheet_title="取引先",
    columns=(
        Column("id", "ID", "ID", ColumnType.ID),
        Column("corporate_number", "法人番号", "Corporate number"),
        Column("account_name", "取引先名", "Account name", required=True),
        Column("phone", "電話番号", "Phone"),
        Column("address", "住所", "Address"),
    ),
)


def rewrite_member(path: Path, member: str, change: Callable[[str], str]) -> None:
    """Rewrite one part of a zip (an xlsx) in place, the others copied as they are."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[member] = change(parts[member].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def set_dimension(path: Path, ref: str) -> None:
    rewrite_member(path, "xl/worksheets/sheet1.xml",
                   lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', xml))


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def minimal_xlsx(path: Path, sheet_data: str, shared_strings: list[str] | None = None,
                 dimension: str | None = None) -> None:
    """An xlsx written by hand: one sheet whose <sheetData> is `sheet_data`, and optionally a shared
    string table (what Excel itself writes, and openpyxl does not)."""
    strings = shared_strings or []
    overrides = (f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
                 f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>')
    wb_rels = (f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>')
    if strings:
        overrides += f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
        wb_rels += f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?>'
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>' + overrides + "</Types>")
        z.writestr("_rels/.rels", f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
                   f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
                   '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{PKG_REL}">{wb_rels}</Relationships>')
        z.writestr("xl/worksheets/sheet1.xml",
                   f'<worksheet xmlns="{MAIN}">{dim}<sheetData>{sheet_data}</sheetData></worksheet>')
        if strings:
            items = "".join(f"<si><t>{s}</t></si>" for s in strings)
            z.writestr("xl/sharedStrings.xml",
                       f'<sst xmlns="{MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>')


def cfb_file(path: Path, stream_names: list[str]) -> None:
    """An OLE compound file whose first directory sector names `stream_names` (after the root):
    what a password-protected xlsx or an old .xls looks like to a sniffer."""
    header = bytearray(512)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    header[0x1A:0x1C] = (0x3E).to_bytes(2, "little")
    header[0x1C:0x1E] = (0xFFFE).to_bytes(2, "little")
    header[0x1E:0x20] = (9).to_bytes(2, "little")
    header[0x30:0x34] = (0).to_bytes(4, "little")
    sector = bytearray(512)
    for i, name in enumerate(["Root Entry", *stream_names][:4]):
        raw = (name + "\0").encode("utf-16-le")
        sector[i * 128:i * 128 + len(raw)] = raw
        sector[i * 128 + 0x40:i * 128 + 0x42] = len(raw).to_bytes(2, "little")
    path.write_bytes(bytes(header) + bytes(sector) + b"\0" * 1024)
