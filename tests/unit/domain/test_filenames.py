"""Attachment file names (sanitised), content types (sniffed, never trusted) and the Attachment itself."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dps.domain.sales.attachments import (
    MAX_FILE_NAME_LENGTH,
    OCTET_STREAM,
    Attachment,
    sanitize_filename,
    sniff_content_type,
)
from dps.domain.sales.records import RecordType
from dps.domain.shared.errors import DomainError

NASTY = st.sampled_from(["/", "\\", "\0", ".", "..", " ", "\n", "\r", "\t", "\u202e", "\u200b", "\ufeff", "\x7f",
                         "\x1b", ":", '"', "<", ">", "|", "?", "*", "\u0301", "\ud800", "C:", "~", "\u3000"])
NAMES = st.lists(st.one_of(st.text(max_size=30), NASTY, st.sampled_from(["見積書", "ﾃｽﾄ", "が", "か\u3099", ".pdf"])),
                 max_size=12).map("".join)


def sanitized_or_refused(name: str) -> str | None:
    try:
        return sanitize_filename(name)
    except DomainError as e:
        if e.field != "file":
            raise
        return None


@given(NAMES)
@settings(max_examples=300)
def test_a_sanitised_name_is_always_safe(name: str) -> None:
    out = sanitized_or_refused(name)
    if out is None:
        return
    assert out
    assert "/" not in out
    assert "\\" not in out
    assert "\0" not in out
    assert not out.startswith(".")
    assert out not in (".", "..")
    assert out == out.strip()
    assert len(out) <= MAX_FILE_NAME_LENGTH
    assert unicodedata.is_normalized("NFC", out)
    assert not any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in out)
    assert sanitize_filename(out) == out  # stable: loading a stored name changes nothing
    out.encode("utf-8")  # no lone surrogates


@given(st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=40), NAMES)
def test_a_name_with_letters_in_its_last_part_is_never_refused(stem: str, directories: str) -> None:
    out = sanitize_filename(f"{directories}/{stem}.pdf")
    assert out.endswith(".pdf")
    assert unicodedata.normalize("NFC", stem) in out


@pytest.mark.parametrize(("raw", "expected"), [
    ("見積書.pdf", "見積書.pdf"),
    ("C:\\Users\\山田\\Desktop\\提案書 v2.xlsx", "提案書 v2.xlsx"),
    ("../../etc/passwd", "passwd"),
    ("/tmp/.bashrc", "bashrc"),
    ("か\u3099いしゃ.txt", "がいしゃ.txt"),  # NFD from macOS becomes NFC
    ("invoice\u202egpj.exe", "invoicegpj.exe"),  # a bidi override cannot disguise the extension
    ("a\tb\n c  d.csv", "a b c d.csv"),
    ('what?"<x>|y*:z.doc', "what___x__y__z.doc"),
    ("report.pdf. . ", "report.pdf"),
    ("提案書\u3000第2版.pdf", "提案書\u3000第2版.pdf"),  # 全角スペース stays as typed
    ("\u3000. 見積.pdf\u3000", "見積.pdf"),
    ("a\u00a0b.txt", "a b.txt"),
])
def test_examples(raw: str, expected: str) -> None:
    assert sanitize_filename(raw) == expected


@pytest.mark.parametrize("raw", ["", ".", "..", "///", "a/..", "C:\\dir\\", " . ", "\u200b\u202e"])
def test_names_with_nothing_usable_are_refused(raw: str) -> None:
    with pytest.raises(DomainError):
        sanitize_filename(raw)


def test_a_long_name_is_cut_keeping_its_extension() -> None:
    out = sanitize_filename("営業報告" * 100 + ".xlsx")
    assert len(out) == MAX_FILE_NAME_LENGTH
    assert out == ("営業報告" * 100)[: MAX_FILE_NAME_LENGTH - 5] + ".xlsx"
    no_extension = sanitize_filename("x" * 500)
    assert no_extension == "x" * MAX_FILE_NAME_LENGTH
    assert sanitize_filename("y" * (MAX_FILE_NAME_LENGTH - 1) + "\u3000z") == "y" * (MAX_FILE_NAME_LENGTH - 1)


PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"
ZIP = b"PK\x03\x04\x14\0\x06\0"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0"


@pytest.mark.parametrize(("head", "declared", "name", "expected"), [
    (b"%PDF-1.7\n%\xe2\xe3", "application/octet-stream", "a.pdf", "application/pdf"),
    (PNG, "text/html", "a.html", "image/png"),
    (b"\xff\xd8\xff\xe0\0\x10JFIF", None, "photo", "image/jpeg"),
    (b"GIF89a\x01\0", None, "x.gif", "image/gif"),
    (ZIP, None, "売上.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (ZIP, None, "契約.DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (ZIP, None, "deck.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    (ZIP, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "noext",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (ZIP, "text/html", "files.zip", "application/zip"),
    (OLE, None, "old.xls", "application/vnd.ms-excel"),
    (OLE, None, "mystery.bin", OCTET_STREAM),
    ("議事録です。\r\n次回は来週".encode(), None, "memo.txt", "text/plain; charset=utf-8"),
    ("議事録です".encode("cp932"), None, "memo.txt", "text/plain; charset=shift_jis"),
    ("会社名,電話\n".encode(), "application/vnd.ms-excel", "list.csv", "text/csv; charset=utf-8"),
    ("日本語".encode()[:-1], None, "cut.txt", "text/plain; charset=utf-8"),  # a character cut by the head
    (b"<html><script>alert(1)</script></html>", "text/html", "page.html", OCTET_STREAM),
    (b"\xef\xbb\xbf  <svg onload=alert(1)>", "image/svg+xml", "logo.svg", OCTET_STREAM),
    (b"<?xml version='1.0'?><a/>", "text/plain", "a.txt", OCTET_STREAM),
    (b"plain words", "text/html", "a.html", "text/plain; charset=utf-8"),
    (b"MZ\x90\0\x03\0\0\0", "application/pdf", "setup.pdf", OCTET_STREAM),
    (b"", "text/plain", "empty.txt", OCTET_STREAM),
    (b"abc\x00def", None, "nul.txt", OCTET_STREAM),
])
def test_content_type_is_sniffed(head: bytes, declared: str | None, name: str, expected: str) -> None:
    assert sniff_content_type(head, declared, name) == expected


@given(st.binary(max_size=64), st.sampled_from([None, "text/html", "application/xhtml+xml", "image/svg+xml",
                                                "text/html; charset=utf-8", "TEXT/HTML"]), NAMES)
def test_html_is_never_served_as_html(head: bytes, declared: str | None, name: str) -> None:
    content_type = sniff_content_type(head, declared, name)
    assert "html" not in content_type
    assert "svg" not in content_type
    assert "xml" not in content_type.split(";")[0]


def test_attachment_upload_sanitises_and_sniffs() -> None:
    at = datetime(2026, 11, 25, tzinfo=UTC)
    a = Attachment.upload(
        id=UUID(int=1), record_type=RecordType.ACCOUNT, record_id=UUID(int=2), file_name="dir/../写真.PNG",
        head=PNG, declared_type="text/html", size_bytes=10, sha256="0" * 64, storage_key="ab" * 16, by=None, at=at,
    )
    assert (a.file_name, a.content_type, a.is_image) == ("写真.PNG", "image/png", True)
    assert a.is_on(RecordType.ACCOUNT, UUID(int=2))
    assert not a.is_on(RecordType.PERSON, UUID(int=2))


@pytest.mark.parametrize("change", [
    {"record_type": RecordType.BUDGET}, {"size_bytes": -1}, {"sha256": "xyz"}, {"file_name": ".."},
])
def test_attachment_rules(change: dict[str, object]) -> None:
    values: dict[str, object] = {
        "id": UUID(int=1), "record_type": RecordType.OPPORTUNITY, "record_id": UUID(int=2), "file_name": "a.pdf",
        "content_type": "application/pdf", "size_bytes": 1, "sha256": "a" * 64, "storage_key": "ab" * 16,
        "uploaded_by": None, "uploaded_at": datetime(2026, 1, 1, tzinfo=UTC),
    }
    Attachment(**values)  # type: ignore[arg-type]
    with pytest.raises(DomainError):
        Attachment(**{**values, **change})  # type: ignore[arg-type]
