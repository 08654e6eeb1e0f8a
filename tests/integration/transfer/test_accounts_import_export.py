"""Accounts through real xlsx files on SQLite and PostgreSQL: export -> re-import changes nothing, a
modified export upserts, a bad row writes nothing and yields an error workbook, permissions, export
visibility (非公開), and a batched import interrupted in batch 2 that a rerun completes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
import sqlalchemy as sa

from dps.adapters.db.repositories.transfer.accounts import SqlAccountBulkStore
from dps.adapters.db.tables.sales_accounts import accounts
from dps.application.sales.accounts.commands import CreateAccount, CreateAccountCommand
from dps.application.sales.accounts.record_parts import RecordParts
from dps.application.shared.errors import Forbidden
from dps.application.transfer.exports import ExportRecords, ExportTemplate
from dps.application.transfer.imports import ImportInterrupted, ImportRecords, TransferDeps
from dps.application.transfer.schema import ImportMode
from dps.bootstrap.container import Container
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.records import Restriction
from tests.integration.sales.accounts_helpers import CORP_A, CORP_B, Directory, build_directory


@pytest.fixture
def d(container: Container, tenant: Tenant, admin: Principal) -> Directory:
    return build_directory(container, tenant, admin)


@pytest.fixture
def deps(container: Container) -> TransferDeps:
    result: TransferDeps = container.transfer_deps()
    return result


def _names(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {r.name: r.version for r in conn.execute(sa.select(accounts.c.name, accounts.c.version))}


def _sheet_rows(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """The key row and the data rows of a DPS workbook, as dicts by column key."""
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    keys = [str(rows[1][0]).split(":", 1)[1], *[str(k) for k in rows[1][1:]]]
    return keys, [dict(zip(keys, r, strict=False)) for r in rows[2:]]


def _write_rows(template: Path, out: Path, rows: list[dict[str, Any]]) -> Path:
    """Append rows (by column key) below the header and key rows of a template or export."""
    wb = openpyxl.load_workbook(template)
    ws = wb.worksheets[0]
    key_cells = [c.value for c in ws[2]]
    keys = [str(key_cells[0]).split(":", 1)[1], *[str(k) if k else "" for k in key_cells[1:]]]
    for row in rows:
        ws.append([row.get(k) for k in keys])
    wb.save(out)
    return out


def _template(deps: TransferDeps, d: Directory, tmp_path: Path) -> Path:
    return ExportTemplate(deps)(d.admin, "accounts", tmp_path / "template.xlsx").path


def test_export_then_reimport_changes_nothing(d: Directory, deps: TransferDeps, engine: sa.Engine,
                                              tmp_path: Path) -> None:
    parent = d.account("alice", "親会社", corporate_number=CORP_A, account_type_code="customer")
    CreateAccount(d.deps)(d.principal("alice"), CreateAccountCommand(
        values={"name": "子会社", "corporate_number": CORP_B, "code": "C-1", "employees": 12},
        parent_account_id=parent.id))
    before = _names(engine)

    exported = ExportRecords(deps)(d.admin, "accounts", tmp_path / "accounts.xlsx")
    assert exported.rows == 2
    keys, rows = _sheet_rows(exported.path)
    assert {"id", "version", "parent", "owner"} <= set(keys)
    by_name = {r["name"]: r for r in rows}
    assert by_name["子会社"]["parent"] == CORP_A
    assert by_name["子会社"]["owner"] == "alice"

    report = ImportRecords(deps)(d.admin, "accounts", exported.path, ImportMode.UPSERT)
    assert report.ok, report.row_errors
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 2)
    assert _names(engine) == before


def test_upsert_of_a_modified_export(d: Directory, deps: TransferDeps, engine: sa.Engine, tmp_path: Path) -> None:
    d.account("alice", "旧社名", corporate_number=CORP_A)
    exported = ExportRecords(deps)(d.admin, "accounts", tmp_path / "accounts.xlsx").path
    wb = openpyxl.load_workbook(exported)
    ws = wb.worksheets[0]
    keys = [str(ws.cell(2, 1).value).split(":", 1)[1], *[c.value for c in ws[2]][1:]]
    ws.cell(3, keys.index("name") + 1, "新社名")
    new = {"name": "新規取引先", "code": "NEW-1", "parent": CORP_A, "owner": "carol", "employees": "１２０"}
    ws.append([new.get(k) for k in keys])
    wb.save(tmp_path / "modified.xlsx")

    report = ImportRecords(deps)(d.admin, "accounts", tmp_path / "modified.xlsx", ImportMode.UPSERT)
    assert report.ok, report.row_errors
    assert (report.inserted, report.updated) == (1, 1)
    assert _names(engine) == {"新社名": 2, "新規取引先": 1}
    with engine.connect() as conn:
        row = conn.execute(sa.select(accounts).where(accounts.c.code == "NEW-1")).one()
        parent_id = conn.execute(sa.select(accounts.c.id).where(accounts.c.corporate_number == CORP_A)).scalar()
    assert row.parent_account_id == parent_id
    assert row.owner_id == d.users["carol"]
    assert row.employees == 120
    assert row.owner_organization_id == d.orgs["sales1"]
    assert row.search_text  # the list search finds imported accounts


def test_a_bad_row_writes_nothing_and_the_error_workbook_gives_the_reason(
        d: Directory, deps: TransferDeps, engine: sa.Engine, tmp_path: Path) -> None:
    source = _write_rows(_template(deps, d, tmp_path), tmp_path / "in.xlsx", [
        {"name": "正しい会社", "corporate_number": CORP_A},
        {"name": "誤った法人番号", "corporate_number": "1234567890123"},
        {"name": "担当者不明", "owner": "nobody"},
        {"name": "重複", "corporate_number": CORP_A},
    ])
    report = ImportRecords(deps)(d.admin, "accounts", source, ImportMode.INSERT)
    assert not report.ok
    assert report.errors == 3
    assert {(e.row, e.column) for e in report.row_errors} == {(4, "corporate_number"), (5, "owner"),
                                                              (6, "corporate_number")}
    assert _names(engine) == {}
    assert report.error_path is not None
    assert report.error_path.exists()
    wb = openpyxl.load_workbook(report.error_path)
    texts = [[str(c) for c in r if c is not None] for r in wb.worksheets[0].iter_rows(values_only=True)]
    flat = "\n".join(" ".join(r) for r in texts)
    assert "誤った法人番号" in flat
    assert "正しい会社" not in flat
    assert "nobody" in flat
    assert "row 3" in flat  # the duplicate names the first row


def test_a_light_user_and_a_non_admin_are_refused(d: Directory, deps: TransferDeps, engine: sa.Engine,
                                                  tmp_path: Path) -> None:
    source = _write_rows(_template(deps, d, tmp_path), tmp_path / "in.xlsx", [{"name": "A社"}])
    with pytest.raises(Forbidden):
        ImportRecords(deps)(d.principal("lucy"), "accounts", source, ImportMode.INSERT)
    users_file = ExportRecords(deps)(d.admin, "users", tmp_path / "users.xlsx").path
    with pytest.raises(Forbidden):
        ImportRecords(deps)(d.principal("alice"), "users", users_file, ImportMode.UPSERT)
    with pytest.raises(Forbidden):
        ExportRecords(deps)(d.principal("alice"), "users", tmp_path / "users2.xlsx")
    assert _names(engine) == {}


def test_export_contains_only_visible_accounts(d: Directory, deps: TransferDeps, tmp_path: Path) -> None:
    d.account("alice", "公開取引先")
    d.account("erin", "秘密の取引先", parts=RecordParts(restriction=Restriction()))
    _, alice_rows = _sheet_rows(ExportRecords(deps)(d.principal("alice"), "accounts", tmp_path / "a.xlsx").path)
    assert [r["name"] for r in alice_rows] == ["公開取引先"]
    _, erin_rows = _sheet_rows(ExportRecords(deps)(d.principal("erin"), "accounts", tmp_path / "e.xlsx").path)
    assert sorted(r["name"] for r in erin_rows) == ["公開取引先", "秘密の取引先"]


def test_an_import_interrupted_in_batch_two_keeps_batch_one_and_a_rerun_completes(
        d: Directory, deps: TransferDeps, engine: sa.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = _write_rows(_template(deps, d, tmp_path), tmp_path / "big.xlsx",
                         [{"name": f"会社{i}", "code": f"C{i}"} for i in range(1, 6)])
    real_insert = SqlAccountBulkStore.insert
    calls = {"n": 0}

    def failing_insert(self: SqlAccountBulkStore, items: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            real_insert(self, items)  # written, then the batch fails before its commit
            raise RuntimeError("connection lost")
        real_insert(self, items)

    monkeypatch.setattr(SqlAccountBulkStore, "insert", failing_insert)
    with pytest.raises(ImportInterrupted) as caught:
        ImportRecords(deps)(d.admin, "accounts", source, ImportMode.INSERT, batch_size=2)
    assert caught.value.report.committed_batches == [1]
    assert sorted(_names(engine)) == ["会社1", "会社2"]

    monkeypatch.setattr(SqlAccountBulkStore, "insert", real_insert)
    report = ImportRecords(deps)(d.admin, "accounts", source, ImportMode.INSERT, batch_size=2)
    assert report.ok
    assert report.skipped == 2
    assert report.inserted == 3
    assert report.committed_batches == [1, 2, 3]
    assert sorted(_names(engine)) == [f"会社{i}" for i in range(1, 6)]
    assert not (tmp_path / "big.xlsx.checkpoint.json").exists()


def test_stale_version_in_the_sheet_is_a_row_error(d: Directory, deps: TransferDeps, engine: sa.Engine,
                                                   tmp_path: Path) -> None:
    d.account("alice", "A社", corporate_number=CORP_A)
    exported = ExportRecords(deps)(d.admin, "accounts", tmp_path / "accounts.xlsx").path
    wb = openpyxl.load_workbook(exported)
    ws = wb.worksheets[0]
    keys = [str(ws.cell(2, 1).value).split(":", 1)[1], *[c.value for c in ws[2]][1:]]
    ws.cell(3, keys.index("name") + 1, "A社 (mine)")
    wb.save(tmp_path / "mine.xlsx")
    ws.cell(3, keys.index("name") + 1, "A社 (theirs)")
    wb.save(tmp_path / "theirs.xlsx")
    assert ImportRecords(deps)(d.admin, "accounts", tmp_path / "theirs.xlsx", ImportMode.UPDATE).ok
    report = ImportRecords(deps)(d.admin, "accounts", tmp_path / "mine.xlsx", ImportMode.UPDATE)
    assert report.errors == 1
    assert report.row_errors[0].column == "version"
    assert "他のユーザが更新しました" in report.row_errors[0].message
    assert _names(engine) == {"A社 (theirs)": 2}


def test_parents_inside_the_file_are_written_first_and_a_loop_is_an_error(
        d: Directory, deps: TransferDeps, engine: sa.Engine, tmp_path: Path) -> None:
    template = _template(deps, d, tmp_path)
    # the child comes before its parent in the file; the grandchild names the child by code
    ok = _write_rows(template, tmp_path / "tree.xlsx", [
        {"name": "子", "code": "CHILD", "parent": CORP_A},
        {"name": "親", "corporate_number": CORP_A},
        {"name": "孫", "code": "GRAND", "parent": "CHILD"},
    ])
    report = ImportRecords(deps)(d.admin, "accounts", ok, ImportMode.INSERT, batch_size=1)
    assert report.ok, report.row_errors
    assert report.committed_batches == [1, 2, 3]
    with engine.connect() as conn:
        rows = {r.name: (r.id, r.parent_account_id) for r in conn.execute(sa.select(accounts))}
    assert rows["子"][1] == rows["親"][0]
    assert rows["孫"][1] == rows["子"][0]

    loop = _write_rows(template, tmp_path / "loop.xlsx", [
        {"name": "甲", "code": "A", "parent": "B"},
        {"name": "乙", "code": "B", "parent": "A"},
    ])
    report = ImportRecords(deps)(d.admin, "accounts", loop, ImportMode.INSERT)
    assert report.errors == 2
    assert {e.column for e in report.row_errors} == {"parent"}


def test_a_parent_the_exporter_cannot_see_is_neither_exported_nor_cleared(
        d: Directory, deps: TransferDeps, engine: sa.Engine, tmp_path: Path) -> None:
    secret = d.account("erin", "秘密の親", corporate_number=CORP_A, parts=RecordParts(restriction=Restriction()))
    CreateAccount(d.deps)(d.principal("erin"), CreateAccountCommand(values={"name": "公開の子", "code": "KID"},
                                                                    parent_account_id=secret.id))
    alice = d.principal("alice")
    exported = ExportRecords(deps)(alice, "accounts", tmp_path / "alice.xlsx").path
    _, rows = _sheet_rows(exported)
    assert [(r["name"], r["parent"]) for r in rows] == [("公開の子", None)]
    wb = openpyxl.load_workbook(exported)
    ws = wb.worksheets[0]
    keys = [str(ws.cell(2, 1).value).split(":", 1)[1], *[c.value for c in ws[2]][1:]]
    ws.cell(3, keys.index("notes") + 1, "メモ")
    wb.save(tmp_path / "edited.xlsx")
    report = ImportRecords(deps)(alice, "accounts", tmp_path / "edited.xlsx", ImportMode.UPDATE)
    assert report.ok, report.row_errors
    assert report.updated == 1
    with engine.connect() as conn:
        kid = conn.execute(sa.select(accounts).where(accounts.c.code == "KID")).one()
    assert kid.parent_account_id == secret.id
    assert kid.notes == "メモ"


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_registry_status_columns_round_trip(d: Directory, deps: TransferDeps, engine: sa.Engine, tmp_path: Path,
                                            suffix: str) -> None:
    d.account("alice", "株式会社サンプル", corporate_number=CORP_A)
    d.account("alice", "旧サンプル株式会社", corporate_number=CORP_B, en_name="Old Sample Co., Ltd.",
              closed_on="2023-03-31", close_cause="11", successor_corporate_number=CORP_A)
    exported = ExportRecords(deps)(d.admin, "accounts", tmp_path / f"accounts.{suffix}")
    assert exported.rows == 2
    if suffix == "xlsx":
        keys, rows = _sheet_rows(exported.path)
        assert {"en_name", "closed_on", "close_cause", "successor_corporate_number"} <= set(keys)
        closed = next(r for r in rows if r["name"] == "旧サンプル株式会社")
        assert (closed["en_name"], str(closed["closed_on"])[:10], closed["close_cause"],
                closed["successor_corporate_number"]) == ("Old Sample Co., Ltd.", "2023-03-31", "11", CORP_A)
    else:
        text = exported.path.read_text(encoding="utf-8-sig")
        assert "英語名" in text and "閉鎖日" in text and "2023/03/31,11," in text  # noqa: PT018
    before = _names(engine)
    report = ImportRecords(deps)(d.admin, "accounts", exported.path, ImportMode.UPSERT)
    assert report.ok, report.row_errors
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 2)
    assert _names(engine) == before


def test_registry_status_columns_import_and_bad_values_name_row_and_column(
        d: Directory, deps: TransferDeps, engine: sa.Engine, tmp_path: Path) -> None:
    template = _template(deps, d, tmp_path)
    keys, _ = _sheet_rows(template)
    assert keys[-4:] == ["en_name", "closed_on", "close_cause", "successor_corporate_number"]
    bad = _write_rows(template, tmp_path / "bad.xlsx", [
        {"name": "正しい会社", "corporate_number": CORP_A, "closed_on": "2024/04/01",
         "close_cause": "登記官による閉鎖"},
        {"name": "承継先の誤り", "successor_corporate_number": "1000012050002"},
        {"name": "自社が承継先", "corporate_number": CORP_B, "successor_corporate_number": CORP_B},
        {"name": "日付の誤り", "closed_on": "2024-02-30"},
        {"name": "長すぎる英語名", "en_name": "x" * 201},
    ])
    report = ImportRecords(deps)(d.admin, "accounts", bad, ImportMode.INSERT)
    assert not report.ok
    assert {(e.row, e.column) for e in report.row_errors} == {
        (4, "successor_corporate_number"), (5, "successor_corporate_number"), (6, "closed_on"), (7, "en_name")}
    assert _names(engine) == {}

    good = _write_rows(template, tmp_path / "good.xlsx", [
        {"name": "株式会社サンプル", "corporate_number": CORP_A},
        {"name": "旧サンプル株式会社", "corporate_number": CORP_B, "en_name": "Old Sample", "closed_on": "2024/04/01",
         "close_cause": "合併による解散等", "successor_corporate_number": CORP_A},
    ])
    report = ImportRecords(deps)(d.admin, "accounts", good, ImportMode.INSERT)
    assert report.ok, report.row_errors
    with engine.connect() as conn:
        row = conn.execute(sa.select(accounts).where(accounts.c.corporate_number == CORP_B)).one()
    assert (row.en_name, str(row.closed_on), row.close_cause, row.successor_corporate_number) == (
        "Old Sample", "2024-04-01", "11", CORP_A)
