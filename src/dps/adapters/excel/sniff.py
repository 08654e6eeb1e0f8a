"""Tell what a file that should be an xlsx workbook actually is, from its first bytes, so the operator
hears "password-protected" or "old .xls" rather than "not a zip file".

An xlsx is a zip (`PK\\x03\\x04`). A password-protected xlsx is instead an OLE compound file (CFB,
signature D0 CF 11 E0 A1 B1 1A E1) holding `EncryptionInfo` and `EncryptedPackage` streams; an Excel
97-2003 .xls is a CFB holding a `Workbook` (or `Book`) stream. The stream names are read from the
first directory sector named by the CFB header, which is where every writer puts them.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

CFB_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")

NOT_XLSX = "Excel ブック（.xlsx）ではありません / this is not an Excel workbook (.xlsx)"
ENCRYPTED = ("パスワードで保護されたブックは読み込めません。保護を解除して保存し直してください / "
             "the workbook is password-protected: remove the password and save it again")
OLD_XLS = ("旧形式の Excel ブック（.xls）は読み込めません。.xlsx で保存し直してください / "
           "an Excel 97-2003 workbook (.xls) cannot be read: save it as .xlsx")
PROTECTED_OR_XLS = ("パスワードで保護されたブックか旧形式（.xls）のブックです。保護を解除し .xlsx で保存し直して"
                    "ください / a password-protected or Excel 97-2003 workbook: remove the password, save it as .xlsx")
CORRUPT = "ブックが壊れています / the workbook is corrupt"


def cfb_stream_names(head: bytes, source: BinaryIO) -> list[str]:
    """The entry names of the first directory sector of a CFB file (empty when the header is odd)."""
    if len(head) < 0x34:
        return []
    sector_shift = struct.unpack_from("<H", head, 0x1E)[0]
    first_dir = struct.unpack_from("<I", head, 0x30)[0]
    if not 7 <= sector_shift <= 16 or first_dir >= 0xFFFFFFFA:
        return []
    size = 1 << sector_shift
    source.seek((first_dir + 1) * size)
    sector = source.read(size)
    names = []
    for offset in range(0, len(sector) - 127, 128):
        length = struct.unpack_from("<H", sector, offset + 0x40)[0]
        if 2 <= length <= 64:
            names.append(sector[offset:offset + length - 2].decode("utf-16-le", "replace"))
    return names


def why_not_xlsx(source: BinaryIO) -> str | None:
    """None for something that starts like a zip; else the reason it is no xlsx workbook."""
    source.seek(0)
    head = source.read(512)
    if head.startswith(ZIP_SIGNATURES):
        return None
    if head.startswith(CFB_SIGNATURE):
        names = cfb_stream_names(head, source)
        if any(n in ("EncryptionInfo", "EncryptedPackage") for n in names):
            return ENCRYPTED
        if any(n in ("Workbook", "Book") for n in names):
            return OLD_XLS
        return PROTECTED_OR_XLS
    return NOT_XLSX
