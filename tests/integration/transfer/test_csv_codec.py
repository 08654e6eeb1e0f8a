"""The CSV codec: UTF-8 (with or without BOM) and Shift_JIS (cp932) read alike, detected or given; a
file in any other encoding is refused naming what was tried; exports are neutralised like workbooks."""

from __future__ import annotations

import random
import time as clock
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dps.adapters.csv.encoding import detect, resolve
from dps.adapters.csv.reader import CsvRowSource
from dps.adapters.csv.writer import UnencodableText
from dps.adapters.excel import ReadLimits, TransferFiles
from dps.adapters.excel.headers import ERROR_HEADER
from dps.application.transfer.ports import SheetHeaderError, SourceRow, UnreadableFile
from dps.application.transfer.values import parse_cell

from .workbooks import ACCOUNTS, WIDGETS

FILES = TransferFiles()
TEXT = "部品コード,部品名,単価,発売日\r\nW-1,六角ボルト,\"1,200\",2026/4/1\r\n,,,\r\nW-2,\"ナット\n（大）\",5,\r\n"
EXPECTED = [SourceRow(2, ("W-1", "六角ボルト", "1,200", "2026/4/1")),
            SourceRow(4, ("W-2", "ナット\n（大）", "5", None))]


def write(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def read_all(path: Path, encoding: str | None = None, files: TransferFiles = FILES) -> list[SourceRow]:
    return list(files.open(path, WIDGETS, encoding=encoding).rows())


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp932"])
def test_utf8_with_or_without_bom_and_cp932_read_the_same(tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path / "sales.csv", TEXT, encoding)
    source = FILES.open(path, WIDGETS)
    assert list(source.columns) == ["code", "name", "price", "released"]
    assert list(source.headers) == ["部品コード", "部品名", "単価", "発売日"]
    assert list(source.rows()) == EXPECTED  # blank records skipped; a quoted line break stays in its row


def test_the_detected_encoding_is_reported(tmp_path: Path) -> None:
    assert detect(write(tmp_path / "a.csv", TEXT, "utf-8-sig")) == "utf-8-sig"
    assert detect(write(tmp_path / "b.csv", TEXT, "utf-8")) == "utf-8-sig"
    assert detect(write(tmp_path / "c.csv", TEXT, "cp932")) == "cp932"
    assert detect(write(tmp_path / "d.csv", "code,name\r\nW,x\r\n", "ascii")) == "utf-8-sig"


def test_a_shift_jis_file_with_a_long_ascii_head_is_not_taken_for_utf8(tmp_path: Path) -> None:
    head = "部品コード,部品名\r\n".encode("cp932") + b"W-1,plain ascii name\r\n" * 120_000  # > 2 MB of ASCII
    path = tmp_path / "late.csv"
    path.write_bytes(head + "W-2,全角の名前\r\n".encode("cp932"))
    rows = read_all(path)
    assert rows[-1].cells == ("W-2", "全角の名前")


@pytest.mark.parametrize(("given", "codec"), [("Shift_JIS", "cp932"), ("sjis", "cp932"), ("MS932", "cp932"),
                                              ("utf8", "utf-8-sig"), ("UTF-8", "utf-8-sig")])
def test_an_encoding_can_be_given_by_its_usual_names(tmp_path: Path, given: str, codec: str) -> None:
    assert resolve(given) == codec
    path = write(tmp_path / "s.csv", TEXT, "cp932" if codec == "cp932" else "utf-8")
    assert read_all(path, given) == EXPECTED


def test_an_unknown_encoding_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="unknown encoding: klingon"):
        read_all(write(tmp_path / "s.csv", TEXT, "utf-8"), "klingon")


def test_utf16_without_a_bom_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match=r"NUL bytes.*UTF-16 without a BOM.*tried utf-8 and cp932"):
        FILES.open(write(tmp_path / "u16.csv", TEXT, "utf-16-le"), WIDGETS)


def test_utf16_with_a_bom_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="UTF-16 or UTF-32 file cannot be read"):
        FILES.open(write(tmp_path / "u16.csv", TEXT, "utf-16"), WIDGETS)


def test_random_bytes_are_refused_naming_the_encodings_tried(tmp_path: Path) -> None:
    rng = random.Random(5)
    noise = bytes(rng.randrange(1, 256) for _ in range(4096))  # no NUL: it must fail decoding
    (tmp_path / "noise.csv").write_bytes(noise)
    with pytest.raises(UnreadableFile, match=r"neither UTF-8 nor Shift_JIS.*tried utf-8 and cp932"):
        FILES.open(tmp_path / "noise.csv", WIDGETS)


def test_a_file_that_stops_decoding_half_way_is_refused_naming_the_encoding_and_row(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes("部品コード,部品名\r\nW-1,ボルト\r\n".encode() + "W-2,ナット\r\n".encode("cp932"))
    source = FILES.open(path, WIDGETS, encoding="utf-8")
    with pytest.raises(UnreadableFile, match=r"cannot be read as utf-8 \(row 3\)"):
        list(source.rows())


def test_a_missing_required_header_is_reported(tmp_path: Path) -> None:
    with pytest.raises(SheetHeaderError) as caught:
        FILES.open(write(tmp_path / "m.csv", "部品コード,単価\r\nW-1,1\r\n", "utf-8"), WIDGETS)
    assert caught.value.problem.missing == ("name",)


def test_another_kinds_csv_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="this is not a widgets sheet"):
        FILES.open(write(tmp_path / "a.csv", "法人番号,取引先名\r\n1,x\r\n", "utf-8"), WIDGETS)


def test_short_records_are_padded_and_extra_fields_dropped(tmp_path: Path) -> None:
    path = write(tmp_path / "s.csv", "部品コード,部品名\r\nW-1\r\nW-2,x,surplus\r\n", "utf-8")
    assert [r.cells for r in read_all(path)] == [("W-1", None), ("W-2", "x")]


def test_a_50_mb_line_is_refused_without_being_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as out:
        out.write("部品コード,部品名\r\nW-1,".encode())
        for _ in range(50):
            out.write(b"x" * 1_000_000)
        out.write(b"\r\n")
    started = clock.perf_counter()
    with pytest.raises(UnreadableFile, match="a line is longer than"):
        list(FILES.open(path, WIDGETS).rows())
    assert clock.perf_counter() - started < 5


def test_an_over_long_field_is_refused_naming_row_and_column(tmp_path: Path) -> None:
    path = write(tmp_path / "long.csv", f"部品コード,部品名\r\nW-1,ok\r\nW-2,{'x' * 40_000}\r\n", "utf-8")
    source = FILES.open(path, WIDGETS)
    with pytest.raises(UnreadableFile, match=r"row 3, column '部品名' is longer than 32,767"):
        list(source.rows())


def test_rows_over_the_limit_are_refused_as_they_are_counted(tmp_path: Path) -> None:
    path = write(tmp_path / "many.csv", "部品コード,部品名\r\n" + "W,x\r\n" * 6, "utf-8")
    files = TransferFiles(limits=ReadLimits(max_rows=5))
    with pytest.raises(UnreadableFile, match="too many rows"):
        read_all(path, files=files)
    assert len(read_all(path, files=TransferFiles(limits=ReadLimits(max_rows=6)))) == 6


def test_a_key_row_is_honoured_in_a_csv_too(tmp_path: Path) -> None:
    path = write(tmp_path / "k.csv", "Name?,Code?\r\n#key:name,code\r\nx,W-1\r\n", "utf-8")
    source = CsvRowSource(path, WIDGETS)
    assert list(source.columns) == ["name", "code"]
    assert [r.number for r in source.rows()] == [3]


# ------------------------------------------------------------------------------------ writing

def test_a_csv_export_is_utf8_with_bom_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    sink = FILES.export(path, WIDGETS)
    sink.write_header(WIDGETS)
    sink.write_row([None, "W-1", "ボルト", Decimal("1E+3"), date(2026, 4, 1), "A", "=cmd|' /C calc'!A0"])
    sink.close()
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[1] == ",W-1,ボルト,1000,2026/04/01,A,'=cmd|' /C calc'!A0"
    [row] = read_all(path)
    assert row.cells[6] == "'=cmd|' /C calc'!A0"
    assert parse_cell(WIDGETS.column("memo"), row.cells[6]) == "=cmd|' /C calc'!A0"
    assert parse_cell(WIDGETS.column("released"), row.cells[4]) == date(2026, 4, 1)


def test_a_cp932_export_reads_back_and_refuses_what_cp932_cannot_hold(tmp_path: Path) -> None:
    files = TransferFiles(csv_encoding="cp932")
    path = tmp_path / "sjis.csv"
    with files.export(path, WIDGETS) as sink:
        sink.write_row([None, "W-1", "髙橋①", None, datetime(2026, 4, 1, 9, 5), None, None])
    assert path.read_bytes().decode("cp932").splitlines()[1] == ",W-1,髙橋①,,2026/04/01 09:05:00,,"
    assert read_all(path)[0].cells[2] == "髙橋①"
    with files.export(tmp_path / "emoji.csv", WIDGETS) as sink, pytest.raises(UnencodableText, match=r"row 2.*cp932"):
            sink.write_row([None, "W-1", "🍣", None, None, None, None])


def test_the_csv_error_report_keeps_the_rows_and_adds_the_messages(tmp_path: Path) -> None:
    source = FILES.open(write(tmp_path / "s.csv", TEXT, "cp932"), WIDGETS)
    report = FILES.error_report(tmp_path / "errors.csv", source.headers)
    for row in source.rows():
        report.write_row([*row.cells, [f"{row.number} 行目: 誤り / wrong", "second"]])
    report.close()
    again = FILES.open(tmp_path / "errors.csv", WIDGETS)
    assert list(again.headers) == [*source.headers, ERROR_HEADER]
    assert list(again.columns) == [*source.columns, None]
    assert [r.cells[-1] for r in again.rows()] == ["2 行目: 誤り / wrong\nsecond", "4 行目: 誤り / wrong\nsecond"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from("=+-@'\",\r\n\t abcあ漢ｶﾞ"), min_size=1, max_size=15))
def test_any_text_round_trips_through_a_csv_export(tmp_path: Path, text: str) -> None:
    path = tmp_path / "p.csv"
    with FILES.export(path, ACCOUNTS) as sink:
        sink.write_row([None, None, "n", text, None])
    [row] = list(FILES.open(path, ACCOUNTS).rows())
    column = ACCOUNTS.column("phone")
    assert parse_cell(column, row.cells[3]) == parse_cell(column, text)
