"""Business cards through real xlsx files on SQLite and PostgreSQL: a newer card moves the person as
the add-card use case does (same result, row by row), an older one is history only; the person is
found by id or by account + e-mail / name; export -> re-import changes nothing; a bad row writes
nothing; light users are refused; only cards of visible persons are exported."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from dps.adapters.db.tables.sales_accounts import business_cards, persons
from dps.application.sales.accounts.record_parts import RecordParts
from dps.application.sales.persons.cards import AddBusinessCard, AddBusinessCardCommand, ListBusinessCards
from dps.application.shared.errors import Forbidden
from dps.application.transfer.exports import ExportRecords
from dps.application.transfer.imports import ImportRecords, TransferDeps
from dps.application.transfer.schema import ImportMode
from dps.bootstrap.container import Container
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.records import Restriction
from tests.integration.sales.accounts_helpers import CORP_A, CORP_B, Directory, build_directory
from tests.integration.transfer.test_persons_import_export import edit_cells, sheet_rows, write_rows


@pytest.fixture
def d(container: Container, tenant: Tenant, admin: Principal) -> Directory:
    return build_directory(container, tenant, admin)


@pytest.fixture
def deps(container: Container) -> TransferDeps:
    result: TransferDeps = container.transfer_deps()
    return result


def _person(engine: sa.Engine, person_id: Any) -> Any:
    with engine.connect() as conn:
        return conn.execute(sa.select(persons).where(persons.c.id == person_id)).one()


def _cards(engine: sa.Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(business_cards).order_by(business_cards.c.received_on)))


CARDS = [  # (received on, account, department, title) in file order: newer, older, same day as the newest
    (date(2026, 4, 1), "new", "企画部", "部長"),
    (date(2020, 4, 1), "old", "総務部", "担当"),
    (date(2024, 4, 1), None, "営業部", "課長"),
]


def test_cards_move_the_person_exactly_as_adding_them_one_by_one(
        d: Directory, deps: TransferDeps, engine: sa.Engine, tmp_path: Path) -> None:
    old, new = d.account("alice", "旧社", corporate_number=CORP_A), d.account("alice", "新社", code="NEW")
    by_import = d.person("alice", old, "木村", first_name="拓也", email="kimura@example.com", title="主任")
    by_use_case = d.person("alice", old, "鈴木", title="主任")
    accounts = {"old": old, "new": new}
    person_keys: list[dict[str, Any]] = [  # the person: by the old account + name, by account + e-mail, by id
        {"person_account": CORP_A}, {"email": "kimura@example.com"}, {"person_id": str(by_import.id)}]
    rows = [key | {"account": accounts[a].code or accounts[a].corporate_number if a else None,
             "received_on": day, "received_by": "carol",
             "company_name": accounts[a or "new"].name, "last_name": "木村", "first_name": "拓也",
             "department": dept, "title": title}
            for key, (day, a, dept, title) in zip(person_keys, CARDS, strict=True)]
    report = ImportRecords(deps)(d.principal("alice"), "cards", write_rows(
        deps, d.admin, "cards", tmp_path / "cards.xlsx", rows), ImportMode.INSERT)
    assert report.ok, report.row_errors
    assert report.inserted == 3

    add = AddBusinessCard(d.deps)
    for day, a, dept, title in CARDS:
        add(d.principal("alice"), AddBusinessCardCommand(
            by_use_case.id, day, {"company_name": accounts[a or "new"].name, "last_name": "鈴木", "department": dept,
                                  "title": title}, account_id=accounts[a].id if a else None,
            received_by=d.users["carol"]))
    imported, added = _person(engine, by_import.id), _person(engine, by_use_case.id)
    assert (imported.account_id, imported.department, imported.title) == (new.id, "企画部", "部長")
    assert (imported.account_id, imported.department, imported.title, imported.version) == (
        added.account_id, added.department, added.title, added.version)
    history = ListBusinessCards(d.deps)(d.principal("alice"), by_import.id)
    assert [(e.card.received_on.year, e.is_current) for e in history] == [(2026, True), (2024, False), (2020, False)]
    assert history[0].card.source.value == "import"
    assert history[0].card.received_by == d.users["carol"]
    assert history[0].changed == ("company", "department", "title")


def test_export_then_reimport_changes_nothing_and_a_correction_updates(
        d: Directory, deps: TransferDeps, engine: sa.Engine, tmp_path: Path) -> None:
    account = d.account("alice", "A社", corporate_number=CORP_A)
    person = d.person("alice", account, "木村", title="主任")
    AddBusinessCard(d.deps)(d.principal("alice"), AddBusinessCardCommand(
        person.id, date(2025, 4, 1), {"company_name": "A社", "last_name": "木村", "title": "課長"},
        account_id=account.id))
    exported = ExportRecords(deps)(d.admin, "cards", tmp_path / "cards.xlsx")
    assert exported.rows == 1
    _, rows = sheet_rows(exported.path)
    assert (rows[0]["account"], rows[0]["received_by"], rows[0]["person_id"]) == (CORP_A, "alice", str(person.id))
    again = ImportRecords(deps)(d.admin, "cards", exported.path, ImportMode.UPSERT)
    assert again.ok, again.row_errors
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1)
    assert _person(engine, person.id).version == 2

    corrected = edit_cells(exported.path, tmp_path / "fix.xlsx", {(3, "title"): "部長"})
    report = ImportRecords(deps)(d.admin, "cards", corrected, ImportMode.UPDATE)
    assert report.ok, report.row_errors
    assert report.updated == 1
    assert [(c.title, c.version) for c in _cards(engine)] == [("部長", 2)]
    assert (_person(engine, person.id).title, _person(engine, person.id).version) == ("部長", 3)


def test_a_bad_row_writes_nothing(d: Directory, deps: TransferDeps, engine: sa.Engine, tmp_path: Path) -> None:
    account = d.account("alice", "A社", corporate_number=CORP_A)
    d.person("alice", account, "木村", email="kimura@example.com")
    d.person("alice", account, "同姓", first_name="一郎")
    d.person("alice", account, "同姓", first_name="一郎")
    base = {"received_on": "2026/4/1", "company_name": "A社"}
    source = write_rows(deps, d.admin, "cards", tmp_path / "in.xlsx", [
        base | {"account": CORP_A, "last_name": "木村", "email": "kimura@example.com"},
        base | {"account": CORP_A, "last_name": "知らない人"},
        base | {"account": CORP_B, "last_name": "木村"},
        base | {"account": CORP_A, "last_name": "木村", "email": "kimura@example.com", "received_by": "nobody"},
        base | {"account": CORP_A, "last_name": "同姓", "first_name": "一郎"},
        base | {"last_name": "木村"},
        {"account": CORP_A, "last_name": "木村", "email": "kimura@example.com", "company_name": "A社"},
    ])
    report = ImportRecords(deps)(d.admin, "cards", source, ImportMode.INSERT)
    assert {(e.row, e.column) for e in report.row_errors} == {
        (4, "person_id"), (5, "account"), (6, "received_by"), (7, "person_id"), (8, "account"),
        (9, "received_on")}
    assert _cards(engine) == []
    assert report.error_path is not None
    assert report.error_path.exists()


def test_light_users_are_refused_and_exports_follow_person_visibility(
        d: Directory, deps: TransferDeps, engine: sa.Engine, tmp_path: Path) -> None:
    account = d.account("erin", "A社", corporate_number=CORP_A)
    public = d.person("erin", account, "公開")
    secret = d.person("erin", account, "秘密", parts=RecordParts(restriction=Restriction()))
    for person in (public, secret):
        AddBusinessCard(d.deps)(d.principal("erin"), AddBusinessCardCommand(
            person.id, date(2025, 4, 1), {"company_name": "A社", "last_name": person.last_name}))
    _, rows = sheet_rows(ExportRecords(deps)(d.principal("alice"), "cards", tmp_path / "a.xlsx").path)
    assert [r["last_name"] for r in rows] == ["公開"]
    _, found = sheet_rows(ExportRecords(deps)(d.admin, "cards", tmp_path / "q.xlsx", {"q": "秘密"}).path)
    assert [r["last_name"] for r in found] == ["秘密"]  # the filter searches the persons
    source = write_rows(deps, d.admin, "cards", tmp_path / "in.xlsx", [
        {"person_id": str(public.id), "received_on": "2026/4/1", "company_name": "A社", "last_name": "公開"}])
    with pytest.raises(Forbidden):
        ImportRecords(deps)(d.principal("lucy"), "cards", source, ImportMode.INSERT)
    hidden = write_rows(deps, d.admin, "cards", tmp_path / "hidden.xlsx", [
        {"person_id": str(secret.id), "received_on": "2026/4/1", "company_name": "A社", "last_name": "秘密"}])
    report = ImportRecords(deps)(d.principal("alice"), "cards", hidden, ImportMode.INSERT)
    assert [(e.row, e.column) for e in report.row_errors] == [(3, "person_id")]
    assert len(_cards(engine)) == 2


def test_moves_in_separate_batches_chain_the_person_versions(d: Directory, deps: TransferDeps, engine: sa.Engine,
                                                             tmp_path: Path) -> None:
    account = d.account("alice", "A社", corporate_number=CORP_A)
    person = d.person("alice", account, "木村", email="kimura@example.com", title="主任")
    base = {"account": CORP_A, "company_name": "A社", "last_name": "木村", "email": "kimura@example.com"}
    source = write_rows(deps, d.admin, "cards", tmp_path / "in.xlsx", [
        base | {"received_on": "2025/4/1", "title": "課長"},
        base | {"received_on": "2026/4/1", "title": "部長"},
        base | {"received_on": "2026/4/1", "title": "本部長"},  # same day, registered later: newest
    ])
    dry = ImportRecords(deps)(d.admin, "cards", source, ImportMode.INSERT, dry_run=True)
    assert (dry.ok, dry.inserted, len(_cards(engine))) == (True, 3, 0)
    report = ImportRecords(deps)(d.admin, "cards", source, ImportMode.INSERT, batch_size=1)
    assert report.ok, report.row_errors
    assert report.committed_batches == [1, 2, 3]
    row = _person(engine, person.id)
    assert (row.title, row.version) == ("本部長", 4)
