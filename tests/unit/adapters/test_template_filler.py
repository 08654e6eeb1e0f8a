"""Filling Excel templates at the OOXML level: values typed and styled as the template's cells, the
block repeated, formulas and ranges below it moved or grown, the chart kept with its series grown,
every other part unchanged."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from dps.adapters.excel.template_filler import Shift, XlsxTemplateEngine, rewrite_formula, translate
from dps.application.reports.tables import ReportTable, TableColumn
from dps.application.shared.errors import Invalid
from tests.unit.adapters.template_workbooks import sales_table, sales_template, workbook_with

AT = datetime(2026, 4, 1, 9, 30)


def _fill(tmp_path: Path, table: ReportTable) -> tuple[Path, Path]:
    template = sales_template(tmp_path / "t.xlsx")
    out = tmp_path / "out.xlsx"
    XlsxTemplateEngine().fill(template, table, out, generated_at=AT)
    return template, out


def _styles(xml: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(r'<c r="([A-Z]+\d+)"[^>]*?\bs="(\d+)"', xml)}


def test_values_rows_and_totals(tmp_path: Path) -> None:
    _template, out = _fill(tmp_path, sales_table(3))
    ws = load_workbook(out)["Data"]
    assert ws["A1"].value == "売上 Sales"
    assert ws["A2"].value == "期間: 2025-04 .. 2025-06 / 2 件除外"
    assert [(ws[f"A{r}"].value, ws[f"B{r}"].value) for r in (5, 6, 7)] == [("n1", 10), ("n2", 20), ("n3", 30)]
    assert ws["C5"].value == datetime(2025, 4, 1)  # a serial number with the template's date format
    assert ws["A8"].value == "合計"
    assert ws["C8"].value == 60
    assert ws["D1"].value == "merged label"
    assert "D1:E1" in {str(r) for r in ws.merged_cells.ranges}


def test_styles_of_the_template_cells_are_kept(tmp_path: Path) -> None:
    template, out = _fill(tmp_path, sales_table(3))
    before = _styles(zipfile.ZipFile(template).read("xl/worksheets/sheet1.xml").decode())
    after = _styles(zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode())
    for row in (5, 6, 7):
        assert after[f"A{row}"] == before["A5"]
        assert after[f"B{row}"] == before["B5"]
        assert after[f"C{row}"] == before["C5"]
    assert load_workbook(out)["Data"]["B7"].font.bold


def test_formulas_below_and_beside_the_block_move_and_grow(tmp_path: Path) -> None:
    _template, out = _fill(tmp_path, sales_table(3))
    wb = load_workbook(out)
    ws = wb["Data"]
    assert [ws[f"D{r}"].value for r in (5, 6, 7)] == ["=B5*2", "=B6*2", "=B7*2"]
    assert ws["B8"].value == "=SUM(B5:B7)"
    assert ws["A10"].value == "=B8+1"
    assert wb["Other"]["B1"].value == "=Data!B8"
    sheet = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()
    assert 'sqref="B5:B7"' in sheet  # the conditional format covers every filled row
    assert 'ref="A1:E10"' in sheet  # the dimension
    workbook = zipfile.ZipFile(out).read("xl/workbook.xml").decode()
    assert 'fullCalcOnLoad="1"' in workbook


def test_the_chart_is_kept_and_its_series_grow(tmp_path: Path) -> None:
    _template, out = _fill(tmp_path, sales_table(3))
    names = zipfile.ZipFile(out).namelist()
    assert "xl/charts/chart1.xml" in names
    assert "xl/drawings/drawing1.xml" in names
    chart = zipfile.ZipFile(out).read("xl/charts/chart1.xml").decode()
    assert re.findall(r"<f>([^<]*)</f>", chart) == ["'Data'!B4", "'Data'!$A$5:$A$7", "'Data'!$B$5:$B$7"]
    drawing = zipfile.ZipFile(out).read("xl/drawings/drawing1.xml").decode()
    assert "<row>11</row>" in drawing  # anchored on row 10 (0-based 9), two rows further down
    assert len(load_workbook(out)["Data"]._charts) == 1


def test_every_other_part_is_unchanged(tmp_path: Path) -> None:
    template, out = _fill(tmp_path, sales_table(3))
    a, b = zipfile.ZipFile(template), zipfile.ZipFile(out)
    changed = {n for n in a.namelist() if a.read(n) != b.read(n)}
    assert changed == {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/charts/chart1.xml",
                       "xl/drawings/drawing1.xml", "xl/workbook.xml"}
    assert a.read("xl/worksheets/sheet3.xml") == b.read("xl/worksheets/sheet3.xml")  # Static, byte for byte
    assert set(a.namelist()) == set(b.namelist())


def test_an_empty_report_fills_the_block_once_with_blanks(tmp_path: Path) -> None:
    table = sales_table(0)
    _template, out = _fill(tmp_path, table)
    ws = load_workbook(out)["Data"]
    assert ws["A5"].value is None
    assert ws["A6"].value == "合計"
    assert ws["B6"].value == "=SUM(B5:B5)"


def test_a_two_row_block_merges_and_mixed_text(tmp_path: Path) -> None:
    path = workbook_with(tmp_path / "t.xlsx", {"A3": "{{row.name}}", "B3": "label",
                                               "A4": "金額: {{row.amount}} 円", "B4": "=SUM($B$3:B3)",
                                               "A6": "=COUNTA(A3:A4)"}, merge="B3:C3")
    table = ReportTable("t", (TableColumn("N", key="name"), TableColumn("A", key="amount")),
                        (("x", Decimal(5)), ("y", Decimal("7.5"))), ("", Decimal("12.5")))
    out = tmp_path / "out.xlsx"
    XlsxTemplateEngine().fill(path, table, out, generated_at=AT)
    ws = load_workbook(out)["Sheet1"]
    assert [ws[f"A{r}"].value for r in (3, 4, 5, 6)] == ["x", "金額: 5 円", "y", "金額: 7.5 円"]
    assert [ws[f"B{r}"].value for r in (3, 4, 5, 6)] == ["label", "=SUM($B$3:B3)", "label", "=SUM($B$3:B5)"]
    assert ws["A8"].value == "=COUNTA(A3:A6)"
    assert {str(r) for r in ws.merged_cells.ranges} == {"B3:C3", "B5:C5"}


def test_generated_at_and_notes(tmp_path: Path) -> None:
    path = workbook_with(tmp_path / "t.xlsx", {"A1": "{{report.generated_at}}", "A2": "{{report.notes}}",
                                               "A3": "at {{report.generated_at}}"})
    out = tmp_path / "out.xlsx"
    XlsxTemplateEngine().fill(path, sales_table(1), out, generated_at=AT)
    ws = load_workbook(out)["Sheet1"]
    assert ws["A1"].value == pytest.approx(46113.3958333, abs=1e-6)  # 2026-04-01 09:30 as a serial
    assert ws["A2"].value == "note 1\nnote 2"
    assert ws["A3"].value == "at 2026-04-01 09:30"


def test_a_broken_template_is_invalid_at_fill(tmp_path: Path) -> None:
    path = workbook_with(tmp_path / "t.xlsx", {"B2": "{{row.colour}}"})
    with pytest.raises(Invalid) as e:
        XlsxTemplateEngine().fill(path, sales_table(1), tmp_path / "o.xlsx", generated_at=AT)
    assert list(e.value.errors) == ["Sheet1!B2"]


def test_formula_references() -> None:
    s = Shift("Data", 5, 5, 4)
    assert rewrite_formula("SUM(C5:C5)+SUM(C4:C6)+C7+C3+C5", s, "Data") == "SUM(C5:C8)+SUM(C4:C9)+C10+C3+C5"
    assert rewrite_formula("Other!C7+'Data'!$C$7+\"C7\"+LOG10(2)", s, "Other") == \
        "Other!C7+'Data'!$C$10+\"C7\"+LOG10(2)"
    assert rewrite_formula("SUM(6:7)+A:A", s, "Data") == "SUM(9:10)+A:A"
    assert translate("B5*$C$1+C5", 2, 1) == "C7*$C$1+D7"


@given(st.integers(1, 50), st.integers(1, 50), st.integers(1, 60), st.integers(1, 60))
def test_one_copy_moves_nothing(first: int, height: int, r1: int, r2: int) -> None:
    s = Shift("S", first, first + height - 1, 1)
    text = f"SUM(B{min(r1, r2)}:C{max(r1, r2)})+D{r1}"
    assert rewrite_formula(text, s, "S") == text


@given(st.integers(1, 30), st.integers(2, 40), st.integers(1, 80))
def test_a_reference_below_the_block_moves_by_the_added_rows(first: int, copies: int, row: int) -> None:
    s = Shift("S", first, first, copies)
    got = int(rewrite_formula(f"A{row}", s, "S")[1:])
    assert got == (row + copies - 1 if row > first else row)


def test_date_serial_1900() -> None:
    from dps.adapters.excel.template_filler import CellWriter

    assert CellWriter(date(1899, 12, 30)).serial(date(2025, 4, 1)) == "45748"


def _patched(source: Path, target: Path, part: str, edit: dict[str, str]) -> Path:
    """`source` with text replaced in one part (as another spreadsheet program would have written it)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                text = data.decode()
                for old, new in edit.items():
                    assert old in text, old
                    text = text.replace(old, new)
                data = text.encode()
            zout.writestr(info, data)
    return target


def test_shared_formulas_and_foreign_markup(tmp_path: Path) -> None:
    """Excel's shared formulas become one formula per cell; namespaces and extensions are kept as written."""
    plain = workbook_with(tmp_path / "plain.xlsx", {"A5": "{{row.amount}}", "B5": "=A5*2", "B6": "=A6*2"})
    ignorable = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
                 'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" mc:Ignorable="x14ac">')
    path = _patched(plain, tmp_path / "t.xlsx", "xl/worksheets/sheet1.xml", {
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">': ignorable,
        "<f>A5*2</f>": '<f t="shared" ref="B5:B6" si="0">A5*2</f>',
        "<f>A6*2</f>": '<f t="shared" si="0"/>',
    })
    table = ReportTable("t", (TableColumn("A", key="amount"),), ((1,), (2,), (3,)), (6,))
    out = tmp_path / "out.xlsx"
    XlsxTemplateEngine().fill(path, table, out, generated_at=AT)
    xml = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()
    assert xml.startswith(ignorable) or ignorable in xml
    assert re.findall(r'<c r="(B\d+)"[^>]*><f>([^<]*)</f>', xml) == [
        ("B5", "A5*2"), ("B6", "A6*2"), ("B7", "A7*2"), ("B8", "A8*2")]
    assert 't="shared"' not in xml
    ws = load_workbook(out)["Sheet1"]
    assert [ws[f"A{r}"].value for r in (5, 6, 7)] == [1, 2, 3]


def test_tables_and_defined_names_grow_with_the_block(tmp_path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.table import Table

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Data"
    ws["A4"], ws["B4"] = "Name", "Amount"
    ws["A5"], ws["B5"] = "{{row.name}}", "{{row.amount}}"
    ws["A7"] = "below"
    ws.add_table(Table(displayName="Sales", ref="A4:B5"))
    wb.defined_names["amounts"] = DefinedName("amounts", attr_text="Data!$B$5:$B$5")
    ws.print_area = "A1:B7"
    path = tmp_path / "t.xlsx"
    wb.save(path)
    out = tmp_path / "out.xlsx"
    XlsxTemplateEngine().fill(path, sales_table(3), out, generated_at=AT)
    z = zipfile.ZipFile(out)
    table_part = next(n for n in z.namelist() if n.startswith("xl/tables/"))
    assert re.findall(r'\sref="([^"]*)"', z.read(table_part).decode()) == ["A4:B7", "A4:B7"]
    workbook = z.read("xl/workbook.xml").decode()
    assert "Data!$B$5:$B$7" in workbook
    assert "'Data'!$A$1:$B$9" in workbook
    assert load_workbook(out)["Data"]["A9"].value == "below"
