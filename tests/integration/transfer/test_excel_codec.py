"""The xlsx codec: what an export looks like, that it reads back unchanged, and that every kind of bad
workbook is refused with a reason the operator can act on."""

from __future__ import annotations

import time as clock
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import openpyxl  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dps.adapters.excel import ReadLimits, TransferFiles
from dps.adapters.excel.headers import ERROR_HEADER
from dps.adapters.excel.reader import XlsxRowSource
from dps.application.transfer.ports import SheetHeaderError, SourceRow, UnreadableFile
from dps.application.transfer.schema import KEY_ROW_MARKER, Column, ColumnType, SheetSchema
from dps.application.transfer.values import parse_cell

from .workbooks import ACCOUNTS, WIDGETS, cfb_file, minimal_xlsx, rewrite_member, set_dimension

FILES = TransferFiles()
INJECTION = "=cmd|' /C calc'!A0"
ROW = ("0190a3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d", "W-001", "六角ボルト　Ｍ３", Decimal("1234.5"), date(2026, 4, 1),
       "A", "一行目\n二行目")


class Codes:
    """Every text is its own code (the code-list rules are values.py's to test)."""

    def resolve(self, code_list_key: str, text: str) -> str:
        return text


def export(path: Path, rows: list[tuple[object, ...]], schema: SheetSchema = WIDGETS, *, english: bool = False,
           choices: dict[str, list[str]] | None = None) -> Path:
    sink = FILES.export(path, schema, code_choices=choices)
    sink.write_header(schema, english_first=english)
    for row in rows:
        sink.write_row(row)
    sink.close()
    return path


def read_all(path: Path, schema: SheetSchema = WIDGETS, files: TransferFiles = FILES) -> list[SourceRow]:
    return list(files.open(path, schema).rows())


def plain_workbook(path: Path, rows: list[list[object]], title: str = "Sheet") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


# ------------------------------------------------------------------------------------ round trip

def test_an_export_reads_back_with_the_same_keys_and_values(tmp_path: Path) -> None:
    path = export(tmp_path / "w.xlsx", [ROW])
    source = FILES.open(path, WIDGETS)
    assert list(source.columns) == list(WIDGETS.keys)
    assert list(source.headers) == [c.header_ja for c in WIDGETS.columns]
    [row] = list(source.rows())
    assert row.number == 3  # below the header and the hidden key row
    assert row.cells[4] == datetime(2026, 4, 1)  # openpyxl gives a date cell as a datetime at midnight
    parsed = [parse_cell(WIDGETS.column(k), v, Codes()) for k, v in zip(source.columns, row.cells, strict=True)]
    assert parsed == [UUID(ROW[0]), "W-001", "六角ボルト　Ｍ３".replace("　", " ").replace("Ｍ３", "M3"),
                      Decimal("1234.5"), date(2026, 4, 1), "A", "一行目\n二行目"]


def test_the_export_layout_hides_the_key_row_freezes_panes_and_offers_code_dropdowns(tmp_path: Path) -> None:
    path = export(tmp_path / "w.xlsx", [ROW], choices={"status": ["A", "B", "C"]})
    sheet = openpyxl.load_workbook(path)["部品"]
    assert sheet["A2"].value == f"{KEY_ROW_MARKER}:id"
    assert [c.value for c in sheet[2]][1:] == list(WIDGETS.keys)[1:]
    assert sheet.row_dimensions[2].hidden
    assert sheet.freeze_panes == "A3"
    assert sheet["E3"].number_format == "yyyy/mm/dd"
    assert sheet["B1"].font.b
    [validation] = sheet.data_validations.dataValidation
    assert validation.formula1 == '"A,B,C"'
    assert str(validation.sqref) == "F3:F1048576"


def test_a_long_code_list_goes_to_a_hidden_codes_sheet(tmp_path: Path) -> None:
    codes = [f"STATUS-{i:03}" for i in range(100)]
    path = export(tmp_path / "template.xlsx", [], choices={"status": codes})
    book = openpyxl.load_workbook(path)
    assert book["codes"].sheet_state == "hidden"
    assert [r[0] for r in book["codes"].iter_rows(values_only=True)] == codes
    [validation] = book["部品"].data_validations.dataValidation
    assert validation.formula1 == "'codes'!$A$1:$A$100"
    assert read_all(path) == []  # a template is headers only


def test_an_english_export_reads_back_by_its_key_row_whatever_the_labels(tmp_path: Path) -> None:
    relabelled = SheetSchema(kind="widgets", sheet_title="部品",
                             columns=tuple(Column(c.key, c.header_ja + "（社内）", c.header_en + " (ours)", c.type,
                                                  c.required) for c in WIDGETS.columns))
    path = export(tmp_path / "w.xlsx", [ROW], relabelled, english=True)
    source = FILES.open(path, WIDGETS)
    assert list(source.columns) == list(WIDGETS.keys)
    assert source.headers[1] == "Code (ours)"


def test_aware_datetimes_are_written_in_the_configured_zone(tmp_path: Path) -> None:
    schema = SheetSchema(kind="logs", sheet_title="ログ", columns=(Column("at", "日時", "At", ColumnType.DATETIME),),
                         id_column=None)
    path = export(tmp_path / "l.xlsx", [(datetime(2026, 4, 1, 0, 30, tzinfo=UTC),)], schema)
    [row] = read_all(path, schema)
    assert row.cells == (datetime(2026, 4, 1, 9, 30),)
    assert openpyxl.load_workbook(path)["ログ"]["A3"].number_format == "yyyy/mm/dd hh:mm:ss"


# ------------------------------------------------------------------------------------ headers

@pytest.mark.parametrize("english", [False, True])
def test_a_workbook_without_a_key_row_maps_by_header_text(tmp_path: Path, english: bool) -> None:
    headers = ["Code ", "NAME", "Unit　Price", "Released"] if english else ["部品コード", " 部品名 ", "単価", "発売日"]
    path = plain_workbook(tmp_path / "typed.xlsx", [headers, ["W-1", "ボルト", 100, datetime(2026, 4, 1)],
                                                    [None, None, None, None], ["W-2", "ナット", 5.5, None]])
    source = FILES.open(path, WIDGETS)
    assert list(source.columns) == ["code", "name", "price", "released"]
    assert [r.number for r in source.rows()] == [2, 4]  # the blank row 3 is skipped, numbers stay the sheet's
    assert next(iter(source.rows())).cells == ("W-1", "ボルト", 100, datetime(2026, 4, 1))


def test_full_width_header_text_is_folded(tmp_path: Path) -> None:
    path = plain_workbook(tmp_path / "fw.xlsx", [["ＣＯＤＥ", "部品名"], ["W-1", "x"]])
    assert list(FILES.open(path, WIDGETS).columns) == ["code", "name"]


def test_a_missing_required_column_is_reported_by_name(tmp_path: Path) -> None:
    path = plain_workbook(tmp_path / "m.xlsx", [["部品コード", "単価"], ["W-1", 1]])
    with pytest.raises(SheetHeaderError) as caught:
        FILES.open(path, WIDGETS)
    assert caught.value.problem.missing == ("name",)
    assert "部品名 (name)" in caught.value.reason


def test_a_renamed_header_is_reported_as_unknown_not_guessed(tmp_path: Path) -> None:
    path = plain_workbook(tmp_path / "r.xlsx", [["部品コード", "部品名", "価格（税込）"], ["W-1", "x", 1]])
    with pytest.raises(SheetHeaderError) as caught:
        FILES.open(path, WIDGETS)
    assert caught.value.problem.unknown == ("価格（税込）",)
    assert caught.value.problem.missing == ()


def test_a_column_given_twice_is_reported(tmp_path: Path) -> None:
    path = plain_workbook(tmp_path / "d.xlsx", [["部品コード", "部品名", "Code"], ["W-1", "x", "W-2"]])
    with pytest.raises(SheetHeaderError) as caught:
        FILES.open(path, WIDGETS)
    assert caught.value.problem.duplicate == ("code",)


def test_another_kinds_export_is_refused_as_a_whole(tmp_path: Path) -> None:
    path = export(tmp_path / "accounts.xlsx", [(None, "1234567890123", "株式会社テスト", None, None)], ACCOUNTS)
    with pytest.raises(UnreadableFile) as caught:
        FILES.open(path, WIDGETS)
    assert caught.value.reason == "この部品シートではありません / this is not a widgets sheet"


def test_another_kinds_hand_made_sheet_is_refused_as_a_whole(tmp_path: Path) -> None:
    path = plain_workbook(tmp_path / "a.xlsx", [["法人番号", "取引先名"], ["1234567890123", "テスト"]])
    with pytest.raises(UnreadableFile, match="this is not a widgets sheet"):
        FILES.open(path, WIDGETS)


def test_the_sheet_titled_like_the_schema_is_read_even_when_not_first(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["notes"])
    sheet = book.create_sheet("部品")
    sheet.append(["部品コード", "部品名"])
    sheet.append(["W-1", "x"])
    book.save(tmp_path / "two.xlsx")
    assert [r.cells for r in read_all(tmp_path / "two.xlsx")] == [("W-1", "x")]


def test_an_empty_sheet_has_no_header(tmp_path: Path) -> None:
    path = plain_workbook(tmp_path / "e.xlsx", [])
    with pytest.raises(UnreadableFile, match="no column headers"):
        FILES.open(path, WIDGETS)


# ------------------------------------------------------------------------------------ what cells hold

def test_a_merged_range_gives_its_value_in_the_top_left_cell_only(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["部品コード", "部品名"])
    sheet.append(["W-1", "ボルト"])
    sheet.append(["W-2", None])
    sheet.merge_cells("B2:B3")
    book.save(tmp_path / "merged.xlsx")
    assert [r.cells for r in read_all(tmp_path / "merged.xlsx")] == [("W-1", "ボルト"), ("W-2", None)]


def test_a_formula_gives_its_cached_value_and_none_without_one(tmp_path: Path) -> None:
    path = plain_workbook(tmp_path / "f.xlsx", [["部品コード", "単価", "部品名"], ["W-1", "=1+2", "=\"a\"&\"b\""],
                                                ["W-2", "=1+2", "x"]])
    assert [r.cells for r in read_all(path)] == [("W-1", None, None), ("W-2", None, "x")]  # never calculated

    def cache(xml: str) -> str:  # what Excel writes after calculating
        return (xml.replace('<c r="B2"><f>1+2</f><v /></c>', '<c r="B2"><f>1+2</f><v>3</v></c>')
                .replace('<c r="C2"><f>"a"&amp;"b"</f><v /></c>', '<c r="C2" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'))

    rewrite_member(path, "xl/worksheets/sheet1.xml", cache)
    assert [r.cells for r in read_all(path)] == [("W-1", 3, "ab"), ("W-2", None, "x")]


def test_rows_past_a_dimension_that_says_fewer_are_still_read(tmp_path: Path) -> None:
    path = plain_workbook(tmp_path / "d.xlsx", [["部品コード", "部品名"], *([f"W-{i}", "x"] for i in range(5))])
    set_dimension(path, "A1:B2")
    assert len(read_all(path)) == 5


# ------------------------------------------------------------------------------------ bad files

def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.xlsx").write_text("部品コード,部品名\nW-1,x\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match=r"not an Excel workbook \(\.xlsx\)"):
        FILES.open(tmp_path / "notes.xlsx", WIDGETS)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "other.xlsx", "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(UnreadableFile, match=r"not an Excel workbook"):
        FILES.open(tmp_path / "other.xlsx", WIDGETS)


def test_a_password_protected_workbook_is_refused(tmp_path: Path) -> None:
    cfb_file(tmp_path / "secret.xlsx", ["EncryptionInfo", "EncryptedPackage"])
    with pytest.raises(UnreadableFile, match="password-protected: remove the password"):
        FILES.open(tmp_path / "secret.xlsx", WIDGETS)


def test_an_old_xls_workbook_is_refused_as_such(tmp_path: Path) -> None:
    cfb_file(tmp_path / "old.xlsx", ["Workbook", "\x05SummaryInformation"])
    with pytest.raises(UnreadableFile, match=r"97-2003 workbook \(\.xls\)"):
        FILES.open(tmp_path / "old.xlsx", WIDGETS)


def test_a_truncated_workbook_is_refused_as_corrupt(tmp_path: Path) -> None:
    path = export(tmp_path / "w.xlsx", [ROW] * 50)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(UnreadableFile, match="corrupt"):
        FILES.open(path, WIDGETS)


def test_a_damaged_sheet_is_refused_as_corrupt_while_streaming(tmp_path: Path) -> None:
    path = plain_workbook(tmp_path / "w.xlsx", [["部品コード", "部品名"], *([f"W-{i}", "x"] for i in range(3000))])
    rewrite_member(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace("</sheetData>", "<row><c>"))
    source = FILES.open(path, WIDGETS)  # the sheet's <dimension> is read; the damage is far below it
    rows = source.rows()
    assert next(rows).number == 2
    with pytest.raises(UnreadableFile, match="corrupt"):
        list(rows)


def test_a_sheet_claiming_excel_s_maximum_rows_is_refused_before_reading(tmp_path: Path) -> None:
    path = plain_workbook(tmp_path / "big.xlsx", [["部品コード", "部品名"], ["W-1", "x"]])
    set_dimension(path, "A1:B1048576")
    files = TransferFiles(limits=ReadLimits(max_rows=1_000_000))
    started = clock.perf_counter()
    with pytest.raises(UnreadableFile, match="too many rows"):
        files.open(path, WIDGETS)
    assert clock.perf_counter() - started < 2


def test_a_full_sheet_is_within_excel_s_own_limit_by_default(tmp_path: Path) -> None:
    path = plain_workbook(tmp_path / "full.xlsx", [["部品コード", "部品名"], ["W-1", "x"]])
    set_dimension(path, "A1:B1048576")  # a header and 1,048,575 data rows: as many as Excel holds
    assert len(read_all(path)) == 1
    set_dimension(path, "A1:B1048578")  # more than any Excel sheet: a forged file
    with pytest.raises(UnreadableFile, match="too many rows"):
        FILES.open(path, WIDGETS)


def test_rows_are_counted_as_they_come_when_the_dimension_lies(tmp_path: Path) -> None:
    path = plain_workbook(tmp_path / "lie.xlsx", [["部品コード", "部品名"], *([f"W-{i}", "x"] for i in range(10))])
    set_dimension(path, "A1:B3")
    files = TransferFiles(limits=ReadLimits(max_rows=5))
    source = files.open(path, WIDGETS)
    with pytest.raises(UnreadableFile, match="too many rows"):
        list(source.rows())


def test_a_50_mb_shared_string_is_refused_before_openpyxl_loads_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.xlsx"
    cells = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>' \
            '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>'
    minimal_xlsx(path, cells, ["部品コード", "部品名", "W-1", "x" * 50_000_000])
    started = clock.perf_counter()
    with pytest.raises(UnreadableFile, match="more than 32,767 characters"):
        FILES.open(path, WIDGETS)
    assert clock.perf_counter() - started < 10


def test_shared_strings_with_long_but_allowed_texts_are_read(tmp_path: Path) -> None:
    path = tmp_path / "long.xlsx"
    cells = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>' \
            '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>'
    minimal_xlsx(path, cells, ["部品コード", "部品名", "W-1", "あ" * 30_000])  # 90,000 bytes, 30,000 characters
    [row] = read_all(path)
    assert len(row.cells[1]) == 30_000


def test_an_over_long_inline_cell_is_refused_naming_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "inline.xlsx"
    cells = ('<row r="1"><c r="A1" t="inlineStr"><is><t>部品コード</t></is></c>'
             '<c r="B1" t="inlineStr"><is><t>部品名</t></is></c></row>'
             f'<row r="2"><c r="A2" t="inlineStr"><is><t>W-1</t></is></c>'
             f'<c r="B2" t="inlineStr"><is><t>{"x" * 40_000}</t></is></c></row>')
    minimal_xlsx(path, cells)
    source = FILES.open(path, WIDGETS)
    with pytest.raises(UnreadableFile, match=r"row 2, column '部品名' is longer than 32,767"):
        list(source.rows())


def test_a_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="no such file"):
        FILES.open(tmp_path / "gone.xlsx", WIDGETS)


# ------------------------------------------------------------------------------------ injection, errors

def test_formula_injection_text_comes_out_neutralised(tmp_path: Path) -> None:
    path = export(tmp_path / "w.xlsx", [(None, "W-1", INJECTION, None, None, None, "@SUM(A1)")])
    with zipfile.ZipFile(path) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()
    [row] = read_all(path)
    assert row.cells[2] == "'" + INJECTION
    assert row.cells[6] == "'@SUM(A1)"
    assert parse_cell(WIDGETS.column("name"), row.cells[2]) == INJECTION  # and re-imports as typed


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(alphabet=st.sampled_from("=+-@'\" ,\n\tabcＡあ漢ｶﾞ1０"), min_size=1, max_size=12),
                min_size=1, max_size=5))
def test_any_text_round_trips_through_export_and_parse(tmp_path: Path, texts: list[str]) -> None:
    path = export(tmp_path / "p.xlsx", [(None, "W", "n", None, None, None, t) for t in texts])
    got = [r.cells[6] for r in FILES.open(path, WIDGETS).rows()]
    column = WIDGETS.column("memo")
    assert [parse_cell(column, c) for c in got] == [parse_cell(column, t) for t in texts]
    assert all(c[0] not in "=+-@\t\n" for c in got if c)


def test_the_error_workbook_keeps_the_rows_and_re_imports_by_key(tmp_path: Path) -> None:
    source = FILES.open(export(tmp_path / "w.xlsx", [ROW, (None, "W-2", INJECTION, "x", None, None, None)]), WIDGETS)
    report = FILES.error_report(tmp_path / "errors.xlsx", source.headers, keys=source.columns)
    report.write_header(WIDGETS)
    for row in source.rows():
        report.write_row([*row.cells, ["単価: 数値ではありません / not a number", "部品名: 長すぎます / too long"]])
    report.close()
    sheet = openpyxl.load_workbook(tmp_path / "errors.xlsx").worksheets[0]
    assert [c.value for c in sheet[1]] == [*source.headers, ERROR_HEADER]
    assert sheet.row_dimensions[2].hidden
    assert sheet["H3"].value == "単価: 数値ではありません / not a number\n部品名: 長すぎます / too long"
    assert sheet["C4"].value == "'" + INJECTION
    again = FILES.open(tmp_path / "errors.xlsx", WIDGETS)  # the corrected report goes straight back in
    assert list(again.columns) == [*WIDGETS.keys, None]
    assert [r.cells[1] for r in again.rows()] == ["W-001", "W-2"]


def test_an_error_workbook_without_keys_re_imports_by_header_text(tmp_path: Path) -> None:
    report = FILES.error_report(tmp_path / "errors.xlsx", ["部品コード", "部品名"])
    report.write_row(["W-1", None, "部品名: 必須です / required"])
    report.close()
    source = FILES.open(tmp_path / "errors.xlsx", WIDGETS)
    assert list(source.columns) == ["code", "name", None]
    assert [r.cells for r in source.rows()] == [("W-1", None, "部品名: 必須です / required")]


def test_the_source_can_be_read_twice_and_closed(tmp_path: Path) -> None:
    path = export(tmp_path / "w.xlsx", [ROW] * 3)
    with XlsxRowSource(path, WIDGETS) as source:
        assert [r.number for r in source.rows()] == [3, 4, 5]
        assert [r.number for r in source.rows()] == [3, 4, 5]


def test_a_column_inserted_into_an_export_by_hand_maps_by_its_header(tmp_path: Path) -> None:
    partial = SheetSchema(kind="widgets", sheet_title="部品", columns=WIDGETS.columns[:3])
    path = export(tmp_path / "w.xlsx", [("0190a3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d", "W-1", "x")], partial)

    def insert_memo(xml: str) -> str:  # a new last column: a label in row 1, nothing in the key row
        c3 = '<c r="C3" t="inlineStr"><is><t>x</t></is></c>'
        return (xml.replace("</row>", '<c r="D1" t="inlineStr"><is><t>メモ</t></is></c></row>', 1)
                .replace(c3, c3 + '<c r="D3" t="inlineStr"><is><t>memo</t></is></c>'))

    rewrite_member(path, "xl/worksheets/sheet1.xml", insert_memo)
    source = FILES.open(path, WIDGETS)
    assert list(source.columns) == ["id", "code", "name", "memo"]
    assert [r.cells[3] for r in source.rows()] == ["memo"]


def test_a_hand_made_sheet_states_its_row_count_for_the_progress_line(tmp_path: Path) -> None:
    """A workbook saved by Excel (or openpyxl's normal mode) has a dimension: the ETA's total; a
    write-only export has none and says so (None), never a wrong number."""
    path = tmp_path / "hand.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "部品"
    sheet.append(["部品コード", "部品名"])
    for i in range(7):
        sheet.append([f"W-{i}", f"部品{i}"])
    book.save(path)
    with XlsxRowSource(path, WIDGETS) as source:
        assert source.total_rows == 7
        assert len(list(source.rows())) == 7

    exported = tmp_path / "export.xlsx"
    sink = TransferFiles().export(exported, WIDGETS)
    sink.write_row(["", "W-1", "部品", None, None, None, None])
    sink.close()
    with XlsxRowSource(exported, WIDGETS) as source:
        assert source.total_rows is None
