"""The upload check of Excel templates: every problem with its cell address and reason."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from dps.adapters.excel import template_check
from dps.adapters.excel.template_check import check_template
from dps.application.reports.templates.placeholders import Scope
from tests.unit.adapters.template_workbooks import sales_template, workbook_with


def _problems(path: Path, keys: list[str] | None = None) -> dict[str, str]:
    scan = check_template(path, keys)
    return {p.address: p.reason for p in scan.problems}


def test_a_good_template_lists_its_placeholders_by_address(tmp_path: Path) -> None:
    scan = check_template(sales_template(tmp_path / "t.xlsx"), ["name", "amount", "month"])
    assert scan.ok
    got = [(p.address, p.placeholder.scope, p.placeholder.key) for p in scan.placeholders]
    assert got == [("Data!A1", Scope.REPORT, "title"), ("Data!A2", Scope.PARAM, "period"),
                   ("Data!A2", Scope.REPORT, "left_out"), ("Data!A5", Scope.ROW, "name"),
                   ("Data!B5", Scope.ROW, "amount"), ("Data!C5", Scope.ROW, "month"),
                   ("Data!C6", Scope.TOTAL, "amount")]


def test_not_an_xlsx(tmp_path: Path) -> None:
    text = tmp_path / "t.xlsx"
    text.write_text("name,amount\n")
    assert list(_problems(text)) == ["file"]
    assert "not an xlsx" in _problems(text)["file"]
    bare = tmp_path / "bare.xlsx"
    with zipfile.ZipFile(bare, "w") as z:
        z.writestr("hello.txt", "hi")
    assert "no workbook part" in _problems(bare)["file"]


def test_unknown_and_malformed_placeholders(tmp_path: Path) -> None:
    path = workbook_with(tmp_path / "t.xlsx", {"A1": "{{foo.bar}}", "A2": "{{row.}}", "A3": "{{report.nope}}",
                                               "A4": "{{param.color}}", "A5": "x {{row.name", "B5": "{{ row.name }}"})
    got = _problems(path)
    assert set(got) == {"Sheet1!A1", "Sheet1!A2", "Sheet1!A3", "Sheet1!A4", "Sheet1!A5"}
    assert "unknown scope" in got["Sheet1!A1"]
    assert "key" in got["Sheet1!A2"]
    assert "unknown" in got["Sheet1!A3"]
    assert "unknown parameter" in got["Sheet1!A4"]
    assert "without its '}}'" in got["Sheet1!A5"]


def test_columns_must_be_the_kinds_when_bound(tmp_path: Path) -> None:
    path = workbook_with(tmp_path / "t.xlsx", {"A5": "{{row.name}}", "B5": "{{row.colour}}", "B6": "{{total.x}}"})
    assert _problems(path) == {}
    got = _problems(path, ["name", "amount"])
    assert set(got) == {"Sheet1!B5", "Sheet1!B6"}
    assert "not a column" in got["Sheet1!B5"]


def test_a_placeholder_in_a_merged_cell(tmp_path: Path) -> None:
    path = workbook_with(tmp_path / "t.xlsx", {"A1": "{{report.title}}", "A5": "{{row.name}}"}, merge="A1:C1")
    got = _problems(path)
    assert list(got) == ["Sheet1!A1"]
    assert "merged" in got["Sheet1!A1"]


def test_the_row_block_is_contiguous_and_on_one_sheet(tmp_path: Path) -> None:
    gap = workbook_with(tmp_path / "gap.xlsx", {"A5": "{{row.a}}", "A6": "{{row.b}}", "A8": "{{row.c}}"})
    got = _problems(gap)
    assert list(got) == ["Sheet1!A8"]
    assert "contiguous" in got["Sheet1!A8"]
    two = workbook_with(tmp_path / "two.xlsx", {"A5": "{{row.a}}"}, second={"B3": "{{row.b}}"})
    got = _problems(two)
    assert list(got) == ["Sheet2!B3"]
    assert "one sheet" in got["Sheet2!B3"]


def test_too_large_once_unpacked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = workbook_with(tmp_path / "t.xlsx", {"A1": "{{report.title}}"})
    monkeypatch.setattr(template_check, "MAX_TOTAL_BYTES", 100)
    assert "too large" in _problems(path)["file"]


def test_a_sheet_with_placeholders_has_a_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = workbook_with(tmp_path / "t.xlsx", {"A1": "{{report.title}}"}, second={"A1": "static"})
    monkeypatch.setattr(template_check, "MAX_FILLED_SHEET_BYTES", 100)
    assert list(_problems(path)) == ["Sheet1"]
