"""Opportunities through real xlsx files on SQLite and PostgreSQL: export -> re-import changes nothing
(lines kept), a modified export upserts (closing rules applied, references resolved), a bad row writes
nothing and yields an error workbook, 非公開 records stay out of the export and cannot be updated by
those who do not see them, the strict update rule and the light-user refusal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
import sqlalchemy as sa

from dps.adapters.db.tables.sales_opportunities import opportunities, opportunity_lines
from dps.adapters.db.tables.tenancy import tenants
from dps.application.catalog.custom_fields import DefineCustomField, DefineCustomFieldCommand
from dps.application.sales.accounts.record_parts import RecordParts
from dps.application.sales.opportunities.commands import CreateOpportunityCommand, LineInput, OpportunityChanges
from dps.application.sales.opportunities.manage import CreateOpportunity
from dps.application.shared.errors import Forbidden
from dps.application.shared.time import today_in
from dps.application.transfer.exports import ExportRecords, ExportTemplate
from dps.application.transfer.imports import ImportRecords, TransferDeps
from dps.application.transfer.schema import ImportMode
from dps.bootstrap.container import Container
from dps.domain.sales.accounts import Account
from dps.domain.sales.opportunities import Opportunity
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.records import Restriction
from tests.integration.sales.accounts_helpers import CORP_A, Directory, build_directory


@pytest.fixture
def d(container: Container, tenant: Tenant, admin: Principal) -> Directory:
    return build_directory(container, tenant, admin)


@pytest.fixture
def deps(container: Container) -> TransferDeps:
    result: TransferDeps = container.transfer_deps()
    return result


def _opportunity(d: Directory, actor: str, account: Account, name: str, *, parts: RecordParts | None = None,
                 **details: Any) -> Opportunity:
    return CreateOpportunity(d.deps)(d.principal(actor), CreateOpportunityCommand(
        name=name, account_id=account.id, stage_code=details.pop("stage_code", "10"),
        details=OpportunityChanges(parts=parts or RecordParts(), **details)))


def _rows(engine: sa.Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        return {r.name: r for r in conn.execute(sa.select(opportunities))}


def _keys(ws: Any) -> list[str]:
    cells = [c.value for c in ws[2]]
    return [str(cells[0]).split(":", 1)[1], *[str(k) if k else "" for k in cells[1:]]]


def _sheet_rows(path: Path) -> list[dict[str, Any]]:
    ws = openpyxl.load_workbook(path).worksheets[0]
    keys = _keys(ws)
    return [dict(zip(keys, r, strict=False)) for r in list(ws.iter_rows(values_only=True))[2:]]


def _write_rows(source: Path, out: Path, rows: list[dict[str, Any]], edit: dict[int, dict[str, Any]] | None = None
                ) -> Path:
    """A copy of a template or export with data rows edited (by sheet row number) and rows appended."""
    wb = openpyxl.load_workbook(source)
    ws = wb.worksheets[0]
    keys = _keys(ws)
    for number, values in (edit or {}).items():
        for key, value in values.items():
            ws.cell(number, keys.index(key) + 1, value)
    for row in rows:
        ws.append([row.get(k) for k in keys])
    wb.save(out)
    return out


def test_export_then_reimport_changes_nothing(d: Directory, deps: TransferDeps, engine: sa.Engine,
                                              tmp_path: Path) -> None:
    DefineCustomField(uow=d.deps.uow, clock=d.deps.clock, ids=d.deps.ids, audit=d.deps.audit)(
        d.admin, DefineCustomFieldCommand(entity="opportunity", key="region", label_ja="地域", kind="text"))
    account = d.account("alice", "東京商事", corporate_number=CORP_A)
    coded = d.account("alice", "大阪物産", code="OSK")
    _opportunity(d, "alice", account, "基幹更改", certainty_code="B", expected_order_date=date(2026, 6, 30),
                 lines=(LineInput(quantity=2, unit_price=500_000, product_name="サーバ"),),
                 parts=RecordParts(custom_fields={"region": "関東"}))
    _opportunity(d, "carol", coded, "保守契約", stage_code="91", lost_reason="価格")
    before = {name: (r.version, r.expected_amount) for name, r in _rows(engine).items()}

    exported = ExportRecords(deps)(d.admin, "opportunities", tmp_path / "opps.xlsx")
    assert exported.rows == 2
    by_name = {r["name"]: r for r in _sheet_rows(exported.path)}
    assert by_name["基幹更改"]["account"] == CORP_A
    assert by_name["基幹更改"]["owner"] == "alice"
    assert by_name["基幹更改"]["cf.region"] == "関東"
    assert by_name["保守契約"]["account"] == "OSK"
    assert by_name["保守契約"]["stage_code"] == "91"

    report = ImportRecords(deps)(d.admin, "opportunities", exported.path, ImportMode.UPSERT)
    assert report.ok, report.row_errors
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 2)
    assert {name: (r.version, r.expected_amount) for name, r in _rows(engine).items()} == before
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(opportunity_lines)).scalar_one() == 1


def test_upsert_applies_the_closing_rules_and_resolves_references(
        d: Directory, deps: TransferDeps, engine: sa.Engine, tmp_path: Path) -> None:
    account = d.account("alice", "東京商事", corporate_number=CORP_A)
    d.account("alice", "大阪物産", code="OSK")
    _opportunity(d, "alice", account, "基幹更改", expected_amount=Decimal("3000000"))
    exported = ExportRecords(deps)(d.admin, "opportunities", tmp_path / "opps.xlsx").path
    source = _write_rows(exported, tmp_path / "edited.xlsx", edit={3: {"stage_code": "受注"}}, rows=[
        {"name": "新規案件", "account": "OSK", "stage_code": "20", "owner": "carol", "expected_amount": "1,200,000",
         "expected_order_date": "令和8年4月1日"},
    ])
    report = ImportRecords(deps)(d.admin, "opportunities", source, ImportMode.UPSERT)
    assert report.ok, report.row_errors
    assert (report.inserted, report.updated) == (1, 1)
    rows = _rows(engine)
    won = rows["基幹更改"]
    assert (won.stage_code, won.is_open, won.version) == ("90", False, 2)
    assert Decimal(won.order_amount) == Decimal("3000000")  # taken from the expected amount
    assert won.ordered_on == today_in(d.deps.clock, "Asia/Tokyo")
    new = rows["新規案件"]
    assert new.owner_id == d.users["carol"]
    assert new.owner_organization_id == d.orgs["sales1"]
    assert new.expected_order_date == date(2026, 4, 1)
    assert Decimal(new.expected_amount) == Decimal("1200000")
    assert new.is_restricted is False
    assert new.search_text


def test_a_bad_row_writes_nothing_and_the_error_workbook_gives_the_reason(
        d: Directory, deps: TransferDeps, engine: sa.Engine, tmp_path: Path) -> None:
    d.account("alice", "東京商事", corporate_number=CORP_A)
    template = ExportTemplate(deps)(d.admin, "opportunities", tmp_path / "template.xlsx").path
    source = _write_rows(template, tmp_path / "in.xlsx", [
        {"name": "正しい案件", "account": CORP_A, "stage_code": "10"},
        {"name": "取引先不明", "account": "NO-SUCH", "stage_code": "10"},
        {"name": "失注理由なし", "account": CORP_A, "stage_code": "91"},
        {"name": "フェーズ不正", "account": CORP_A, "stage_code": "99"},
        {"name": "キャンペーン不明", "account": CORP_A, "stage_code": "10", "campaign": "春のセミナー"},
    ])
    report = ImportRecords(deps)(d.admin, "opportunities", source, ImportMode.INSERT)
    assert not report.ok
    assert {(e.row, e.column) for e in report.row_errors} == {
        (4, "account"), (5, "lost_reason"), (6, "stage_code"), (7, "campaign")}
    assert _rows(engine) == {}
    assert report.error_path is not None
    texts = "\n".join(" ".join(str(c) for c in r if c is not None)
                      for r in openpyxl.load_workbook(report.error_path).worksheets[0].iter_rows(values_only=True))
    assert "失注理由" in texts
    assert "正しい案件" not in texts


def test_restricted_opportunities_are_neither_exported_nor_updated_by_those_who_cannot_see_them(
        d: Directory, deps: TransferDeps, engine: sa.Engine, tmp_path: Path) -> None:
    account = d.account("alice", "東京商事", corporate_number=CORP_A)
    _opportunity(d, "alice", account, "公開案件")
    _opportunity(d, "erin", account, "秘密案件", parts=RecordParts(restriction=Restriction()))
    alice_rows = _sheet_rows(ExportRecords(deps)(d.principal("alice"), "opportunities", tmp_path / "a.xlsx").path)
    assert [r["name"] for r in alice_rows] == ["公開案件"]
    erin_file = ExportRecords(deps)(d.principal("erin"), "opportunities", tmp_path / "e.xlsx").path
    assert sorted(r["name"] for r in _sheet_rows(erin_file)) == ["公開案件", "秘密案件"]

    names = [r["name"] for r in _sheet_rows(erin_file)]
    secret_row = 3 + names.index("秘密案件")
    edited = _write_rows(erin_file, tmp_path / "edited.xlsx", [], edit={secret_row: {"description": "見た"}})
    report = ImportRecords(deps)(d.principal("alice"), "opportunities", edited, ImportMode.UPDATE)
    assert [(e.row, e.column) for e in report.row_errors] == [(secret_row, "id")]
    assert _rows(engine)["秘密案件"].description == ""


def test_the_strict_update_rule_and_a_light_user(d: Directory, deps: TransferDeps, engine: sa.Engine,
                                                 tmp_path: Path) -> None:
    account = d.account("alice", "東京商事", corporate_number=CORP_A)
    _opportunity(d, "alice", account, "アリスの案件")
    with engine.begin() as conn:
        conn.execute(tenants.update().where(tenants.c.id == d.tenant.id).values(update_rule="strict"))
    exported = ExportRecords(deps)(d.principal("dave"), "opportunities", tmp_path / "dave.xlsx").path
    edited = _write_rows(exported, tmp_path / "edited.xlsx", [], edit={3: {"description": "開発部から"}})
    report = ImportRecords(deps)(d.principal("dave"), "opportunities", edited, ImportMode.UPDATE)
    assert report.errors == 1
    assert "権限" in report.row_errors[0].message
    assert ImportRecords(deps)(d.principal("alice"), "opportunities", edited, ImportMode.UPDATE).updated == 1
    with pytest.raises(Forbidden):
        ImportRecords(deps)(d.principal("lucy"), "opportunities", edited, ImportMode.UPDATE)
    assert _rows(engine)["アリスの案件"].description == "開発部から"


def test_insert_mode_refuses_a_row_with_an_id_and_update_mode_a_row_without(
        d: Directory, deps: TransferDeps, engine: sa.Engine, tmp_path: Path) -> None:
    account = d.account("alice", "東京商事", corporate_number=CORP_A)
    _opportunity(d, "alice", account, "既存")
    exported = ExportRecords(deps)(d.admin, "opportunities", tmp_path / "opps.xlsx").path
    assert ImportRecords(deps)(d.admin, "opportunities", exported, ImportMode.INSERT).errors == 1
    added = _write_rows(exported, tmp_path / "added.xlsx", [{"name": "新規", "account": CORP_A, "stage_code": "10"}])
    report = ImportRecords(deps)(d.admin, "opportunities", added, ImportMode.UPDATE)
    assert [(e.row, e.column) for e in report.row_errors] == [(4, "id")]
    assert set(_rows(engine)) == {"既存"}


def test_an_account_the_exporter_cannot_see_is_named_by_id_and_kept(
        d: Directory, deps: TransferDeps, engine: sa.Engine, tmp_path: Path) -> None:
    hidden = d.account("erin", "秘密の取引先", corporate_number=CORP_A, parts=RecordParts(restriction=Restriction()))
    _opportunity(d, "erin", hidden, "公開案件")
    exported = ExportRecords(deps)(d.principal("alice"), "opportunities", tmp_path / "alice.xlsx").path
    [row] = _sheet_rows(exported)
    assert row["account"] == str(hidden.id)  # not its corporate number
    edited = _write_rows(exported, tmp_path / "edited.xlsx", edit={3: {"description": "メモ"}}, rows=[
        {"name": "便乗", "account": str(hidden.id), "stage_code": "10"},
    ])
    report = ImportRecords(deps)(d.principal("alice"), "opportunities", edited, ImportMode.UPSERT)
    assert [(e.row, e.column) for e in report.row_errors] == [(4, "account")]
    only_edit = _write_rows(exported, tmp_path / "edited2.xlsx", edit={3: {"description": "メモ"}}, rows=[])
    assert ImportRecords(deps)(d.principal("alice"), "opportunities", only_edit, ImportMode.UPDATE).updated == 1
    kept = _rows(engine)["公開案件"]
    assert (kept.account_id, kept.description) == (hidden.id, "メモ")
