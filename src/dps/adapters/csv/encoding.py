"""Which encoding a CSV file is in: UTF-8 (with or without BOM) or Shift_JIS as Windows writes it
(cp932), detected or given; anything else is refused with the encodings tried.

Detection: a UTF-8 BOM means utf-8-sig; a UTF-16/32 BOM or NUL bytes mean a file this reader does not
take (UTF-16 without a BOM is mostly NULs for ASCII text, and NUL is valid UTF-8, so it must be caught
before decoding). Otherwise the first non-ASCII stretch of the file is decoded strictly as UTF-8, else as
cp932 (a file whose first megabytes are ASCII is scanned on at C speed until it shows a non-ASCII byte,
so a Shift_JIS file with a long ASCII head is not taken for UTF-8).
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import NoReturn

from dps.application.transfer.ports import UnreadableFile

SAMPLE = 64 * 1024
CHUNK = 1 << 20
UTF8 = "utf-8-sig"
"""UTF-8 is always read as utf-8-sig: a BOM is dropped, its absence is fine."""
CP932 = "cp932"
SJIS_NAMES = frozenset({"shift_jis", "cp932", "shift_jis_2004", "shift_jisx0213"})

UNKNOWN = ("文字コードを判別できません。UTF-8 か Shift_JIS（cp932）で保存してください / the file is neither UTF-8 "
           "nor Shift_JIS (cp932), tried utf-8 and cp932: save it in one of them or give the encoding")
UTF16 = ("UTF-16/UTF-32 の CSV は読み込めません。UTF-8 か Shift_JIS で保存してください / a UTF-16 or UTF-32 file "
         "cannot be read: save it as UTF-8 or Shift_JIS (cp932)")
BINARY = ("テキストの CSV ではありません（NUL 文字を含みます。UTF-16 の可能性があります）/ this is not a text CSV: "
          "it contains NUL bytes (UTF-16 without a BOM, or a binary file); tried utf-8 and cp932")


NOT_SJIS_TEXT = frozenset("\x80\uf8f0\uf8f1\uf8f2\uf8f3") | frozenset(map(chr, range(0x20))) - set("\t\n\r")
"""What cp932 decodes a stray 0x80, 0xA0, 0xFD-0xFF or a control byte to: never in a real Shift_JIS CSV."""


def resolve(name: str) -> str:
    """The codec to read a file said to be in `name` (sjis, Shift_JIS, MS932 -> cp932; utf8 -> utf-8-sig)."""
    try:
        canonical = codecs.lookup(name.strip()).name
    except LookupError as e:
        raise UnreadableFile(f"不明な文字コードです / unknown encoding: {name}") from e
    if canonical in ("utf-8", "utf-8-sig"):
        return UTF8
    if canonical in SJIS_NAMES or name.strip().lower().replace("-", "").replace("_", "") in ("sjis", "ms932"):
        return CP932
    if canonical.startswith(("utf-16", "utf-32")):
        raise UnreadableFile(UTF16)
    return canonical


def detect(path: Path) -> str:
    with path.open("rb") as source:
        head = source.read(SAMPLE)
        if head.startswith(codecs.BOM_UTF8):
            return UTF8
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)):
            raise UnreadableFile(UTF16)
        sample = head
        if head.isascii():
            source.seek(0)
            while chunk := source.read(CHUNK):
                if not chunk.isascii():
                    sample = chunk
                    break
            else:
                return UTF8 if b"\0" not in head else _binary()
        if b"\0" in sample or b"\0" in head:
            _binary()
    for codec in (UTF8, CP932):
        if _decodes(sample, codec):
            return codec
    raise UnreadableFile(UNKNOWN)


def _binary() -> NoReturn:
    raise UnreadableFile(BINARY)


def _decodes(sample: bytes, codec: str) -> bool:
    decoder = codecs.getincrementaldecoder(codec)("strict")
    try:
        text = decoder.decode(sample, final=False)  # the sample may end inside a character
    except UnicodeDecodeError:
        return False
    return codec != CP932 or NOT_SJIS_TEXT.isdisjoint(text)
