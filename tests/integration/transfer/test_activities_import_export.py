"""Actual activities through real xlsx files on SQLite and PostgreSQL: only actual activities are
exported (times in the tenant's zone, persons met as ids) and re-import unchanged; new rows take the
opportunity's account and read zone-less times as local; a bad row writes nothing and yields an error
workbook; R6 keeps activities of an opportunity the user may not see out of the export and out of
reach of an import; a light user is refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl  # type: ignore[import-untyped]
import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from dps.adapters.db.tables.sales_activities import activities, activity_persons
from dps.application.sales.accounts.record_parts import RecordParts
from dps.application.sales.activities.commands import CreateActivityCommand
from dps.application.sales.activities.register import CreateActivity
from dps.application.sales.opportunities.commands import CreateOpportunityCommand, OpportunityChanges
from dps.application.sales.opportunities.manage import CreateOpportunity
from dps.application.shared.errors import Forbidden
from dps.application.transfer.exports import ExportRecords, ExportTemplate
from dps.application.transfer.imports import ImportRecords, TransferDeps
from dps.application.transfer.kinds.activities import aware, local
from dps.application.transfer.schema import ImportMode
from dps.bootstrap.container import Container
from dps.domain.sales.activities import Activity
from dps.domain.sales.opportunities import Opportunity
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.records import Restriction
from tests.integration.sales.accounts_helpers import CORP_A, Directory, build_directory

TOKYO = ZoneInfo("Asia/Tokyo")
DAY = date(2026, 4, 6)


@pytest.fixture
def d(container: Container, tenant: Tenant, admin: Principal) -> Directory:
    return build_directory(container, tenant, admin)


@pytest.fixture
def deps(container: Container) -> TransferDeps:
    result: TransferDeps = container.transfer_deps()
    return result


def _opportunity(d: Directory, actor: str, account_id: Any, name: str, restricted: bool = False) -> Opportunity:
    parts = RecordParts(restriction=Restriction()) if restricted else RecordParts()
    return CreateOpportunity(d.deps)(d.principal(actor), CreateOpportunityCommand(
        name=name, account_id=account_id, stage_code="10", details=OpportunityChanges(parts=parts)))


def _activity(d: Directory, actor: str, subject: str, **values: Any) -> Activity:
    given: dict[str, Any] = {"status": "done", "kind_code": "visit", "subject": subject, "activity_date": DAY}
    return CreateActivity(d.deps)(d.principal(actor), CreateActivityCommand(**(given | values))).activity


def _rows(engine: sa.Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        return {r.subject: r for r in conn.execute(sa.select(activities))}


def _keys(ws: Any) -> list[str]:
    cells = [c.value for c in ws[2]]
    return [str(cells[0]).split(":", 1)[1], *[str(k) if k else "" for k in cells[1:]]]


def _sheet_rows(path: Path) -> list[dict[str, Any]]:
    ws = openpyxl.load_workbook(path).worksheets[0]
    keys = _keys(ws)
    return [dict(zip(keys, r, strict=False)) for r in list(ws.iter_rows(values_only=True))[2:]]


def _write_rows(source: Path, out: Path, rows: list[dict[str, Any]], edit: dict[int, dict[str, Any]] | None = None
                ) -> Path:
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


def test_only_actual_activities_are_exported_and_they_reimport_unchanged(
        d: Directory, deps: TransferDeps, engine: sa.Engine, tmp_path: Path) -> None:
    account = d.account("alice", "東京商事", corporate_number=CORP_A)
    person_a, person_b = d.person("alice", account, "山田"), d.person("alice", account, "佐藤")
    deal = _opportunity(d, "alice", account.id, "基幹更改")
    start = datetime(2026, 4, 6, 10, 0, tzinfo=TOKYO)
    _activity(d, "alice", "初回訪問", starts_at=start, ends_at=start + timedelta(hours=1), opportunity_id=deal.id,
              person_ids=(person_a.id, person_b.id), result_code="forward", content="会社紹介\n二行目")
    _activity(d, "carol", "電話", kind_code="call", account_id=account.id)
    _activity(d, "alice", "来週の訪問", status="planned", activity_date=date(2030, 1, 1))
    before = {s: r.version for s, r in _rows(engine).items()}

    exported = ExportRecords(deps)(d.admin, "activities", tmp_path / "acts.xlsx")
    assert exported.rows == 2
    by_subject = {r["subject"]: r for r in _sheet_rows(exported.path)}
    assert set(by_subject) == {"初回訪問", "電話"}
    visit = by_subject["初回訪問"]
    assert visit["starts_at"] == datetime(2026, 4, 6, 10, 0)  # the tenant's local time
    assert visit["account"] == CORP_A
    assert visit["opportunity"] == str(deal.id)
    assert set(visit["persons"].split(", ")) == {str(person_a.id), str(person_b.id)}
    assert visit["owner"] == "alice"

    report = ImportRecords(deps)(d.admin, "activities", exported.path, ImportMode.UPSERT)
    assert report.ok, report.row_errors
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 2)
    assert {s: r.version for s, r in _rows(engine).items()} == before


def test_new_and_changed_rows(d: Directory, deps: TransferDeps, engine: sa.Engine, tmp_path: Path) -> None:
    account = d.account("alice", "東京商事", corporate_number=CORP_A)
    person = d.person("alice", account, "山田")
    deal = _opportunity(d, "alice", account.id, "基幹更改")
    _activity(d, "alice", "初回訪問", account_id=account.id)
    exported = ExportRecords(deps)(d.admin, "activities", tmp_path / "acts.xlsx").path
    source = _write_rows(exported, tmp_path / "edited.xlsx", edit={3: {"persons": str(person.id)}}, rows=[
        {"kind_code": "Web会議", "subject": "オンライン商談", "starts_at": "2026/4/7 15:30",
         "opportunity": str(deal.id), "owner": "carol", "persons": f"{person.id}"},
    ])
    report = ImportRecords(deps)(d.admin, "activities", source, ImportMode.UPSERT)
    assert report.ok, report.row_errors
    assert (report.inserted, report.updated) == (1, 1)
    rows = _rows(engine)
    new = rows["オンライン商談"]
    assert new.status == "done"
    assert new.kind_code == "web"
    assert new.activity_date == date(2026, 4, 7)
    assert new.starts_at == datetime(2026, 4, 7, 6, 30, tzinfo=ZoneInfo("UTC"))  # 15:30 in Tokyo
    assert new.account_id == account.id  # taken from the opportunity
    assert new.owner_id == d.users["carol"]
    assert rows["初回訪問"].version == 2
    with engine.connect() as conn:
        met = {(r.activity_id, r.person_id) for r in conn.execute(sa.select(activity_persons))}
    assert met == {(new.id, person.id), (rows["初回訪問"].id, person.id)}


def test_a_bad_row_writes_nothing_and_the_error_workbook_gives_the_reason(
        d: Directory, deps: TransferDeps, engine: sa.Engine, tmp_path: Path) -> None:
    d.account("alice", "東京商事", corporate_number=CORP_A)
    plan = _activity(d, "alice", "予定", status="planned", activity_date=date(2030, 1, 1))
    template = ExportTemplate(deps)(d.admin, "activities", tmp_path / "template.xlsx").path
    source = _write_rows(template, tmp_path / "in.xlsx", [
        {"kind_code": "visit", "subject": "正しい訪問", "activity_date": "2026/4/1", "account": CORP_A},
        {"kind_code": "visit", "subject": "未来の実績", "activity_date": "2099/4/1"},
        {"kind_code": "visit", "subject": "面談者不正", "activity_date": "2026/4/1", "persons": "山田さん"},
        {"kind_code": "visit", "subject": "取引先不明", "activity_date": "2026/4/1", "account": "NO-SUCH"},
        {"id": str(plan.id), "kind_code": "visit", "subject": "予定", "activity_date": "2026/4/1"},
        {"kind_code": "visit", "subject": "日付なし"},
    ])
    report = ImportRecords(deps)(d.admin, "activities", source, ImportMode.UPSERT)
    assert not report.ok
    assert {(e.row, e.column) for e in report.row_errors} == {
        (4, "activity_date"), (5, "persons"), (6, "account"), (7, "id"), (8, "activity_date")}
    assert set(_rows(engine)) == {"予定"}
    assert report.error_path is not None
    texts = "\n".join(" ".join(str(c) for c in r if c is not None)
                      for r in openpyxl.load_workbook(report.error_path).worksheets[0].iter_rows(values_only=True))
    assert "未来の実績" in texts
    assert "正しい訪問" not in texts


def test_r6_an_activity_of_a_restricted_opportunity_is_not_exported_nor_reachable(
        d: Directory, deps: TransferDeps, engine: sa.Engine, tmp_path: Path) -> None:
    account = d.account("alice", "東京商事", corporate_number=CORP_A)
    secret = _opportunity(d, "erin", account.id, "秘密案件", restricted=True)
    _activity(d, "erin", "秘密案件の訪問", opportunity_id=secret.id)
    _activity(d, "alice", "公開の訪問", account_id=account.id)
    alice_rows = _sheet_rows(ExportRecords(deps)(d.principal("alice"), "activities", tmp_path / "a.xlsx").path)
    assert [r["subject"] for r in alice_rows] == ["公開の訪問"]
    erin_file = ExportRecords(deps)(d.principal("erin"), "activities", tmp_path / "e.xlsx").path
    erin_rows = _sheet_rows(erin_file)
    assert sorted(r["subject"] for r in erin_rows) == ["公開の訪問", "秘密案件の訪問"]

    row = 3 + [r["subject"] for r in erin_rows].index("秘密案件の訪問")
    edited = _write_rows(erin_file, tmp_path / "edited.xlsx", edit={row: {"content": "見た"}}, rows=[
        {"kind_code": "visit", "subject": "便乗", "activity_date": "2026/4/1", "opportunity": str(secret.id)},
    ])
    report = ImportRecords(deps)(d.principal("alice"), "activities", edited, ImportMode.UPSERT)
    assert {(e.row, e.column) for e in report.row_errors} == {(row, "id"), (5, "opportunity")}
    assert _rows(engine)["秘密案件の訪問"].content == ""
    assert "便乗" not in _rows(engine)


def test_a_light_user_may_export_but_not_import(d: Directory, deps: TransferDeps, tmp_path: Path) -> None:
    account = d.account("alice", "東京商事", corporate_number=CORP_A)
    _activity(d, "alice", "訪問", account_id=account.id)
    exported = ExportRecords(deps)(d.principal("lucy"), "activities", tmp_path / "lucy.xlsx")
    assert exported.rows == 1
    with pytest.raises(Forbidden):
        ImportRecords(deps)(d.principal("lucy"), "activities", exported.path, ImportMode.UPSERT)


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)),
       st.sampled_from(["Asia/Tokyo", "UTC", "Asia/Kolkata"]))
def test_a_time_exported_in_the_tenant_zone_reads_back_as_the_same_instant(value: datetime, zone: str) -> None:
    # zones without daylight saving: a local time in a fall-back hour would be ambiguous (read as the first)
    tz = ZoneInfo(zone)
    shown = local(value, tz)
    assert shown is not None
    assert shown.tzinfo is None
    assert aware(shown, tz) == value.replace(microsecond=0)
    assert aware(value, tz) is value  # an explicit offset in the sheet is taken as given
