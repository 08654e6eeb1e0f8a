"""Persons through real xlsx files on SQLite and PostgreSQL: export -> re-import changes nothing, a
modified export upserts (account + e-mail finds an existing person), a bad row writes nothing and
yields an error workbook, light users are refused, exports hold only visible persons and an account
the exporter cannot see is neither exported nor cleared."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
import sqlalchemy as sa

from dps.adapters.db.tables.sales_accounts import persons
from dps.application.catalog.custom_fields import DefineCustomField, DefineCustomFieldCommand
from dps.application.sales.accounts.record_parts import RecordParts
from dps.application.shared.errors import Forbidden
from dps.application.transfer.exports import ExportRecords, ExportTemplate
from dps.application.transfer.imports import ImportRecords, TransferDeps
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


def sheet_rows(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """The key row and the data rows of a DPS workbook, as dicts by column key."""
    ws = openpyxl.load_workbook(path).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    keys = [str(rows[1][0]).split(":", 1)[1], *[str(k) for k in rows[1][1:]]]
    return keys, [dict(zip(keys, r, strict=False)) for r in rows[2:]]


def write_rows(deps: TransferDeps, who: Principal, kind: str, out: Path, rows: list[dict[str, Any]],
               base: Path | None = None) -> Path:
    """Rows (by column key) appended below the header and key rows of `base` (default: the template)."""
    base = base or ExportTemplate(deps)(who, kind, out.with_name(f"{kind}-template.xlsx")).path
    wb = openpyxl.load_workbook(base)
    ws = wb.worksheets[0]
    key_cells = [c.value for c in ws[2]]
    keys = [str(key_cells[0]).split(":", 1)[1], *[str(k) if k else "" for k in key_cells[1:]]]
    for row in rows:
        ws.append([row.get(k) for k in keys])
    wb.save(out)
    return out


def edit_cells(path: Path, out: Path, changes: dict[tuple[int, str], Any]) -> Path:
    """Set cells of an export by (sheet row number, column key)."""
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    keys = [str(ws.cell(2, 1).value).split(":", 1)[1], *[c.value for c in ws[2]][1:]]
    for (row, key), value in changes.items():
        ws.cell(row, keys.index(key) + 1).value = value  # (ws.cell(r, c, None) would not clear it)
    wb.save(out)
    return out


def _persons(engine: sa.Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        return {r.last_name: r for r in conn.execute(sa.select(persons))}


def test_export_then_reimport_changes_nothing(d: Directory, deps: TransferDeps, engine: sa.Engine,
                                              tmp_path: Path) -> None:
    a = d.account("alice", "A社", corporate_number=CORP_A)
    b = d.account("alice", "B社", code="B-1")
    d.person("alice", a, "木村", first_name="拓也", email="kimura@example.com", title="課長", score=40)
    d.person("carol", b, "佐藤", is_retired=True, notes="二行の\nメモ")
    c = d.account("alice", "C社")  # neither corporate number nor code: named by its id
    d.person("alice", c, "鈴木")
    before = {k: v.version for k, v in _persons(engine).items()}

    exported = ExportRecords(deps)(d.admin, "persons", tmp_path / "persons.xlsx")
    assert exported.rows == 3
    _, rows = sheet_rows(exported.path)
    by_name = {r["last_name"]: r for r in rows}
    assert (by_name["木村"]["account"], by_name["木村"]["owner"], by_name["木村"]["score"]) == (CORP_A, "alice", 40)
    assert (by_name["佐藤"]["account"], by_name["佐藤"]["owner"]) == ("B-1", "carol")
    assert by_name["佐藤"]["is_retired"] is True
    assert by_name["鈴木"]["account"] == str(c.id)

    report = ImportRecords(deps)(d.admin, "persons", exported.path, ImportMode.UPSERT)
    assert report.ok, report.row_errors
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 3)
    assert {k: v.version for k, v in _persons(engine).items()} == before


def test_upsert_by_account_and_email_and_a_new_person(d: Directory, deps: TransferDeps, engine: sa.Engine,
                                                      tmp_path: Path) -> None:
    a = d.account("alice", "A社", corporate_number=CORP_A)
    d.account("alice", "B社", code="B-1")
    d.person("alice", a, "木村", email="kimura@example.com", title="課長")
    source = write_rows(deps, d.admin, "persons", tmp_path / "in.xlsx", [
        {"account": CORP_A, "last_name": "木村", "email": "KIMURA@example.com", "title": "部長"},
        {"account": "B-1", "last_name": "山田", "first_name": "花子", "email": "ｙａｍａｄａ@example.com",
         "owner": "carol", "score": "８０"},
    ])
    report = ImportRecords(deps)(d.admin, "persons", source, ImportMode.UPSERT)
    assert report.ok, report.row_errors
    assert (report.inserted, report.updated) == (1, 1)
    rows = _persons(engine)
    assert (rows["木村"].title, rows["木村"].version) == ("部長", 2)
    assert rows["山田"].email == "yamada@example.com"
    assert rows["山田"].owner_id == d.users["carol"]
    assert rows["山田"].owner_organization_id == d.orgs["sales1"]
    assert rows["山田"].score == 80
    assert "山田" in rows["山田"].search_text

    again = ImportRecords(deps)(d.admin, "persons", source, ImportMode.INSERT)
    assert again.errors == 2  # both exist now (by account + e-mail)
    assert {e.column for e in again.row_errors} == {"email"}


def test_a_bad_row_writes_nothing_and_the_error_workbook_gives_the_reason(
        d: Directory, deps: TransferDeps, engine: sa.Engine, tmp_path: Path) -> None:
    d.account("alice", "A社", corporate_number=CORP_A)
    source = write_rows(deps, d.admin, "persons", tmp_path / "in.xlsx", [
        {"account": CORP_A, "last_name": "正しい"},
        {"account": CORP_B, "last_name": "取引先なし"},
        {"last_name": "取引先空"},
        {"account": CORP_A, "last_name": "メール誤り", "email": "not-an-address"},
        {"account": CORP_A, "last_name": "担当者不明", "owner": "nobody"},
        {"account": CORP_A, "last_name": "重複1", "email": "dup@example.com"},
        {"account": CORP_A, "last_name": "重複2", "email": "dup@example.com"},
    ])
    report = ImportRecords(deps)(d.admin, "persons", source, ImportMode.INSERT)
    assert not report.ok
    assert {(e.row, e.column) for e in report.row_errors} == {
        (4, "account"), (5, "account"), (6, "email"), (7, "owner"), (9, "email")}
    assert _persons(engine) == {}
    assert report.error_path is not None
    flat = "\n".join(" ".join(str(c) for c in r if c is not None)
                     for r in openpyxl.load_workbook(report.error_path).worksheets[0].iter_rows(values_only=True))
    assert "取引先なし" in flat
    assert "正しい" not in flat
    assert "row 8" in flat


def test_a_light_user_may_not_import(d: Directory, deps: TransferDeps, engine: sa.Engine, tmp_path: Path) -> None:
    d.account("alice", "A社", corporate_number=CORP_A)
    source = write_rows(deps, d.admin, "persons", tmp_path / "in.xlsx", [{"account": CORP_A, "last_name": "木村"}])
    with pytest.raises(Forbidden):
        ImportRecords(deps)(d.principal("lucy"), "persons", source, ImportMode.INSERT)
    assert _persons(engine) == {}


def test_export_visibility_and_an_invisible_account_is_kept(d: Directory, deps: TransferDeps, engine: sa.Engine,
                                                            tmp_path: Path) -> None:
    public = d.account("erin", "公開", corporate_number=CORP_B)
    secret = d.account("erin", "秘密", corporate_number=CORP_A, parts=RecordParts(restriction=Restriction()))
    d.person("erin", public, "公開の人")
    d.person("erin", public, "秘密の人", parts=RecordParts(restriction=Restriction()))
    d.person("erin", secret, "秘密社の人")
    alice = d.principal("alice")
    exported = ExportRecords(deps)(alice, "persons", tmp_path / "alice.xlsx").path
    _, rows = sheet_rows(exported)
    assert sorted((r["last_name"], r["account"]) for r in rows) == [("公開の人", CORP_B), ("秘密社の人", None)]
    number = 3 + [r["last_name"] for r in rows].index("秘密社の人")
    edited = edit_cells(exported, tmp_path / "edited.xlsx", {(number, "title"): "部長"})
    report = ImportRecords(deps)(alice, "persons", edited, ImportMode.UPDATE)
    assert report.ok, report.row_errors
    assert report.updated == 1
    row = _persons(engine)["秘密社の人"]
    assert (row.account_id, row.title) == (secret.id, "部長")
    # naming the secret account is refused to alice
    other = 3 + [r["last_name"] for r in rows].index("公開の人")
    moved = edit_cells(exported, tmp_path / "moved.xlsx", {(other, "account"): CORP_A})
    refused = ImportRecords(deps)(alice, "persons", moved, ImportMode.UPDATE)
    assert (other, "account") in {(e.row, e.column) for e in refused.row_errors}
    assert _persons(engine)["公開の人"].account_id == public.id


def test_custom_fields_are_columns_and_round_trip(d: Directory, deps: TransferDeps, engine: sa.Engine,
                                                  tmp_path: Path) -> None:
    define = DefineCustomField(uow=d.deps.uow, clock=d.deps.clock, ids=d.deps.ids, audit=d.deps.audit)
    define(d.admin, DefineCustomFieldCommand(entity="person", key="hobby", label_ja="趣味", kind="text"))
    define(d.admin, DefineCustomFieldCommand(entity="person", key="met_on", label_ja="初回面談日", kind="date"))
    d.account("alice", "A社", corporate_number=CORP_A)
    source = write_rows(deps, d.admin, "persons", tmp_path / "in.xlsx", [
        {"account": CORP_A, "last_name": "木村", "cf.hobby": "釣り", "cf.met_on": "令和8年4月1日"}])
    report = ImportRecords(deps)(d.admin, "persons", source, ImportMode.INSERT)
    assert report.ok, report.row_errors
    assert _persons(engine)["木村"].custom_fields == {"hobby": "釣り", "met_on": "2026-04-01"}
    exported = ExportRecords(deps)(d.admin, "persons", tmp_path / "out.xlsx").path
    keys, rows = sheet_rows(exported)
    assert {"cf.hobby", "cf.met_on"} <= set(keys)
    assert rows[0]["cf.hobby"] == "釣り"
    again = ImportRecords(deps)(d.admin, "persons", exported, ImportMode.UPSERT)
    assert (again.unchanged, again.updated) == (1, 0)
