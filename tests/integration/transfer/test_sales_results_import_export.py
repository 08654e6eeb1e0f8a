"""販売実績 through real CSV and xlsx files on SQLite and PostgreSQL: cp932 and UTF-8-BOM CSVs import
alike, a re-import of the same slips updates them, an unknown account or a repeated slip writes nothing
and names the row, only administrators import, every full user exports, and the export re-imports
unchanged."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
import sqlalchemy as sa

from dps.adapters.db.tables.sales_results import sales_results
from dps.application.sales.opportunities.commands import CreateOpportunityCommand
from dps.application.sales.opportunities.manage import CreateOpportunity
from dps.application.sales.products.manage import CreateProduct, CreateProductCommand
from dps.application.shared.errors import Forbidden
from dps.application.transfer.exports import ExportRecords
from dps.application.transfer.imports import ImportRecords, TransferDeps
from dps.application.transfer.schema import ImportMode
from dps.bootstrap.container import Container
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from tests.integration.sales.accounts_helpers import CORP_A, CORP_B, Directory, build_directory

HEADER = "取込区分,伝票番号,売上日,取引先,商品コード,数量,売上金額,原価,担当者,備考"


@pytest.fixture
def d(container: Container, tenant: Tenant, admin: Principal) -> Directory:
    directory = build_directory(container, tenant, admin)
    directory.account("alice", "得意先A", corporate_number=CORP_A)
    directory.account("alice", "得意先B", code="B-001")
    CreateProduct(directory.deps)(directory.principal("alice"), CreateProductCommand(
        code="P-1", name="保守パック", category_code="maintenance"))
    return directory


@pytest.fixture
def deps(container: Container) -> TransferDeps:
    result: TransferDeps = container.transfer_deps()
    return result


def _csv(path: Path, lines: list[str], encoding: str) -> Path:
    path.write_bytes(("\r\n".join([HEADER, *lines]) + "\r\n").encode(encoding))
    return path


def _rows(engine: sa.Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        return {r.slip_no: r for r in conn.execute(sa.select(sales_results))}


LINES = [
    f"基幹取込,S-001,2026/4/1,{CORP_A},P-1,2,\"120,000\",80000,carol,４月分",
    "core,S-002,2026-04-15,B-001,,1,50000,,alice,",
    f"手入力,S-003,令和8年5月1日,{CORP_A},,,-3000,-1000,dave,返品",
]


def _values(engine: sa.Engine) -> set[tuple[Any, ...]]:
    return {(r.source_code, s, r.sales_date.isoformat(), r.amount, r.cost, r.gross_profit, r.quantity,
             r.category_code, r.notes) for s, r in _rows(engine).items()}


@pytest.mark.parametrize("encoding", ["cp932", "utf-8-sig"])
def test_a_core_system_csv_imports_in_either_encoding(d: Directory, deps: TransferDeps, engine: sa.Engine,
                                                      tmp_path: Path, encoding: str) -> None:
    report = ImportRecords(deps)(d.admin, "sales-results", _csv(tmp_path / "sales.csv", LINES, encoding))
    assert report.ok, report.row_errors
    assert report.inserted == 3
    rows = _rows(engine)
    assert _values(engine) == {
        ("core", "S-001", "2026-04-01", Decimal("120000"), Decimal("80000"), Decimal("40000"), Decimal("2"),
         "maintenance", "4月分"),  # full-width digits normalised
        ("core", "S-002", "2026-04-15", Decimal("50000"), None, None, Decimal("1"), None, ""),
        ("manual", "S-003", "2026-05-01", Decimal("-3000"), Decimal("-1000"), Decimal("-2000"), None, None, "返品"),
    }
    assert rows["S-001"].owner_id == d.users["carol"]
    assert rows["S-001"].owner_organization_id == d.orgs["sales1"]  # stamped from the owner's primary org
    assert rows["S-002"].owner_organization_id == d.orgs["sales"]
    assert rows["S-001"].product_id is not None


def test_cp932_and_utf8_bom_give_the_same_rows(d: Directory, deps: TransferDeps, engine: sa.Engine,
                                               tmp_path: Path) -> None:
    assert ImportRecords(deps)(d.admin, "sales-results", _csv(tmp_path / "a.csv", LINES, "cp932")).ok
    first = _values(engine)
    with engine.begin() as conn:
        conn.execute(sales_results.delete())
    assert ImportRecords(deps)(d.admin, "sales-results", _csv(tmp_path / "b.csv", LINES, "utf-8-sig")).ok
    assert _values(engine) == first


def test_reimporting_the_same_slips_updates_them(d: Directory, deps: TransferDeps, engine: sa.Engine,
                                                 tmp_path: Path) -> None:
    assert ImportRecords(deps)(d.admin, "sales-results", _csv(tmp_path / "a.csv", LINES, "cp932")).ok
    ids = {s: r.id for s, r in _rows(engine).items()}
    corrected = [LINES[0].replace('"120,000",80000', "130000,80000"), LINES[1],
                 "core,S-004,2026/6/1,B-001,,,7000,,alice,"]
    report = ImportRecords(deps)(d.admin, "sales-results", _csv(tmp_path / "b.csv", corrected, "cp932"))
    assert report.ok, report.row_errors
    assert (report.inserted, report.updated, report.unchanged) == (1, 1, 1)
    rows = _rows(engine)
    assert {s: r.id for s, r in rows.items() if s in ids} == ids  # same records, updated in place
    assert (rows["S-001"].amount, rows["S-001"].gross_profit, rows["S-001"].version) == (
        Decimal("130000"), Decimal("50000"), 2)
    assert rows["S-002"].version == 1
    assert set(rows) == {"S-001", "S-002", "S-003", "S-004"}


def test_an_unknown_account_writes_nothing_and_names_the_row(d: Directory, deps: TransferDeps, engine: sa.Engine,
                                                             tmp_path: Path) -> None:
    lines = [*LINES, f"core,S-009,2026/4/2,{CORP_B},,,1000,,alice,", "core,S-010,2026/4/2,B-001,NOPE,,1,,nobody,"]
    report = ImportRecords(deps)(d.admin, "sales-results", _csv(tmp_path / "bad.csv", lines, "cp932"))
    assert not report.ok
    assert {(e.row, e.column) for e in report.row_errors} == {(5, "account"), (6, "product"), (6, "owner")}
    assert _rows(engine) == {}
    assert report.error_path is not None
    assert report.error_path.exists()
    flat = "\n".join(" ".join(str(c) for c in r if c is not None)
                     for r in openpyxl.load_workbook(report.error_path).worksheets[0].iter_rows(values_only=True))
    assert CORP_B in flat
    assert "S-001" not in flat


def test_a_slip_repeated_in_the_file_is_an_error(d: Directory, deps: TransferDeps, engine: sa.Engine,
                                                 tmp_path: Path) -> None:
    lines = [*LINES, "基幹取込,S-002,2026/4/3,B-001,,,1,,alice,", "manual,S-002,2026/4/3,B-001,,,1,,alice,"]
    report = ImportRecords(deps)(d.admin, "sales-results", _csv(tmp_path / "dup.csv", lines, "utf-8-sig"))
    assert not report.ok
    assert [(e.row, e.column) for e in report.row_errors] == [(5, "slip_no")]  # another source is another key
    assert "row 3" in report.row_errors[0].message
    assert _rows(engine) == {}


def test_bad_cells_and_rules_are_reported_per_field(d: Directory, deps: TransferDeps, engine: sa.Engine,
                                                    tmp_path: Path) -> None:
    lines = [f"ERP,S-1,2026/4/1,{CORP_A},,,1,,alice,", f"core,S-2,2026/4/1,{CORP_A},,,1.234,,alice,",
             f"core,S-3,,{CORP_A},,,1,,alice,", f"core,S-4,2026/4/1,{CORP_A},,,,,alice,"]
    report = ImportRecords(deps)(d.admin, "sales-results", _csv(tmp_path / "bad.csv", lines, "cp932"))
    assert {(e.row, e.column) for e in report.row_errors} == {(2, "source"), (3, "amount"), (4, "sales_date"),
                                                              (5, "amount")}
    assert _rows(engine) == {}


def test_an_opportunity_must_exist_and_belong_to_the_account(d: Directory, deps: TransferDeps, engine: sa.Engine,
                                                             tmp_path: Path) -> None:
    with d.container.uow()(d.tenant.id) as uow:
        account_id = uow.accounts.id_by_corporate_number(CORP_A)
    assert account_id is not None
    deal = CreateOpportunity(d.deps)(d.principal("alice"), CreateOpportunityCommand(
        name="更新案件", account_id=account_id, stage_code="10"))
    header = "伝票番号,売上日,取引先,売上金額,担当者,案件ID"
    good = f"S-1,2026/4/1,{CORP_A},100,alice,{deal.id}"
    other = f"S-2,2026/4/1,B-001,100,alice,{deal.id}"
    path = tmp_path / "deals.csv"
    path.write_bytes("\r\n".join([header, good, other]).encode("utf-8-sig"))
    report = ImportRecords(deps)(d.admin, "sales-results", path)
    assert [(e.row, e.column) for e in report.row_errors] == [(3, "opportunity_id")]
    path.write_bytes("\r\n".join([header, good]).encode("utf-8-sig"))
    assert ImportRecords(deps)(d.admin, "sales-results", path).ok
    assert _rows(engine)["S-1"].opportunity_id == deal.id


def test_only_administrators_import_and_every_full_user_exports(d: Directory, deps: TransferDeps,
                                                                engine: sa.Engine, tmp_path: Path) -> None:
    source = _csv(tmp_path / "sales.csv", LINES, "cp932")
    with pytest.raises(Forbidden):
        ImportRecords(deps)(d.principal("alice"), "sales-results", source)
    assert _rows(engine) == {}
    assert ImportRecords(deps)(d.admin, "sales-results", source).ok
    exported = ExportRecords(deps)(d.principal("dave"), "sales-results", tmp_path / "out.xlsx")
    assert exported.rows == 3
    with pytest.raises(Forbidden):
        ExportRecords(deps)(d.principal("lucy"), "sales-results", tmp_path / "light.xlsx")


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_an_export_reimports_unchanged(d: Directory, deps: TransferDeps, engine: sa.Engine, tmp_path: Path,
                                       suffix: str) -> None:
    assert ImportRecords(deps)(d.admin, "sales-results", _csv(tmp_path / "in.csv", LINES, "cp932")).ok
    before = {s: (r.version, r.updated_at) for s, r in _rows(engine).items()}
    exported = ExportRecords(deps)(d.principal("alice"), "sales-results", tmp_path / f"out.{suffix}",
                                   {"date_from": "2026-04-01", "date_to": "2026-04-30"})
    assert exported.rows == 2
    report = ImportRecords(deps)(d.admin, "sales-results", exported.path, ImportMode.UPDATE)
    assert report.ok, report.row_errors
    assert (report.updated, report.unchanged) == (0, 2)
    assert {s: (r.version, r.updated_at) for s, r in _rows(engine).items()} == before
