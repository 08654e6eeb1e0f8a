"""Account groups through real xlsx files on SQLite and PostgreSQL: one row per group with its member
accounts in one cell; export -> re-import changes nothing; a changed member list adds and removes
memberships but keeps members the importer cannot see; an unknown member writes nothing; imports need
the administrator role."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
import sqlalchemy as sa

from dps.adapters.db.tables.sales_accounts import account_group_members, account_groups
from dps.application.sales.accounts.record_parts import RecordParts
from dps.application.shared.errors import Forbidden
from dps.application.transfer.exports import ExportRecords
from dps.application.transfer.imports import ImportRecords, TransferDeps
from dps.application.transfer.kinds.account_groups import member_refs
from dps.application.transfer.schema import ImportMode
from dps.bootstrap.container import Container
from dps.domain.shared.principal import Principal, Role
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


def _groups(engine: sa.Engine) -> dict[str, tuple[str, int, set[str]]]:
    """code -> (name, version, member account ids as text)."""
    g, m = account_groups, account_group_members
    with engine.connect() as conn:
        members: dict[object, set[str]] = {}
        for r in conn.execute(sa.select(m.c.group_id, m.c.account_id)):
            members.setdefault(r.group_id, set()).add(str(r.account_id))
        return {r.code: (r.name, r.version, members.get(r.id, set())) for r in conn.execute(sa.select(g))}


def test_member_cells_split_on_lines_commas_and_ideographic_commas() -> None:
    assert member_refs(f"{CORP_A}\nC-1、C-2, C-1;C-3\n\n") == [CORP_A, "C-1", "C-2", "C-3"]
    assert member_refs(None) == []


def test_import_export_reimport_and_a_changed_member_list(d: Directory, deps: TransferDeps, engine: sa.Engine,
                                                          tmp_path: Path) -> None:
    a = d.account("alice", "A社", corporate_number=CORP_A)
    b = d.account("alice", "B社", code="B-1")
    c = d.account("alice", "C社", corporate_number=CORP_B)
    source = write_rows(deps, d.admin, "account-groups", tmp_path / "in.xlsx", [
        {"code": "keiretsu", "name": "系列", "members": f"{CORP_A}\nB-1"},
        {"code": "focus", "name": "重点顧客", "description": "2026年度", "members": str(c.id)},
        {"code": "empty", "name": "空"},
    ])
    report = ImportRecords(deps)(d.admin, "account-groups", source, ImportMode.INSERT)
    assert report.ok, report.row_errors
    assert report.inserted == 3
    groups = _groups(engine)
    assert groups["keiretsu"] == ("系列", 1, {str(a.id), str(b.id)})
    assert groups["focus"][2] == {str(c.id)}
    assert groups["empty"][2] == set()

    exported = ExportRecords(deps)(d.principal("alice"), "account-groups", tmp_path / "groups.xlsx").path
    _, rows = sheet_rows(exported)
    assert [(r["code"], r["members"]) for r in rows] == [("empty", None), ("focus", CORP_B),
                                                         ("keiretsu", f"{CORP_A}\nB-1")]
    _, found = sheet_rows(ExportRecords(deps)(d.admin, "account-groups", tmp_path / "q.xlsx", {"q": "重点"}).path)
    assert [r["code"] for r in found] == ["focus"]
    again = ImportRecords(deps)(d.admin, "account-groups", exported, ImportMode.UPSERT)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)

    changed = edit_cells(exported, tmp_path / "changed.xlsx",
                         {(5, "members"): f"B-1、{CORP_B}", (5, "name"): "系列会社"})
    report = ImportRecords(deps)(d.admin, "account-groups", changed, ImportMode.UPDATE)
    assert report.ok, report.row_errors
    assert report.updated == 1
    assert _groups(engine)["keiretsu"] == ("系列会社", 2, {str(b.id), str(c.id)})


def test_members_the_importer_cannot_see_stay_and_unknown_members_are_errors(
        d: Directory, deps: TransferDeps, engine: sa.Engine, tmp_path: Path) -> None:
    d.account("alice", "A社", corporate_number=CORP_A)
    secret = d.account("erin", "秘密", corporate_number=CORP_B, parts=RecordParts(restriction=Restriction()))
    source = write_rows(deps, d.admin, "account-groups", tmp_path / "in.xlsx", [
        {"code": "g1", "name": "グループ", "members": f"{CORP_A}\n{CORP_B}"}])
    assert ImportRecords(deps)(d.admin, "account-groups", source, ImportMode.INSERT).ok
    # a tenant administrator who cannot see the secret account (not in its allow-list)
    alice = attrs.evolve(d.principal("alice"), roles=d.principal("alice").roles | {Role.TENANT_ADMIN})
    exported = ExportRecords(deps)(alice, "account-groups", tmp_path / "alice.xlsx").path
    _, rows = sheet_rows(exported)
    assert rows[0]["members"] == CORP_A
    emptied = edit_cells(exported, tmp_path / "emptied.xlsx", {(3, "members"): None})
    report = ImportRecords(deps)(alice, "account-groups", emptied, ImportMode.UPDATE)
    assert report.ok, report.row_errors
    assert report.updated == 1, report
    assert _groups(engine)["g1"][2] == {str(secret.id)}
    # naming a member it cannot see keeps it; naming another invisible account is an error
    d.account("erin", "別の秘密", code="S-2", parts=RecordParts(restriction=Restriction()))
    kept = edit_cells(exported, tmp_path / "kept.xlsx", {(3, "members"): CORP_B, (3, "version"): 2})
    assert ImportRecords(deps)(alice, "account-groups", kept, ImportMode.UPDATE).ok
    naming = edit_cells(exported, tmp_path / "naming.xlsx", {(3, "members"): "S-2", (3, "version"): 2})
    refused = ImportRecords(deps)(alice, "account-groups", naming, ImportMode.UPDATE)
    assert [(e.row, e.column) for e in refused.row_errors] == [(3, "members")]

    bad = write_rows(deps, d.admin, "account-groups", tmp_path / "bad.xlsx", [
        {"code": "g2", "name": "新グループ", "members": "NO-SUCH\nB-404"}, {"code": "g3", "name": "正しい"}])
    report = ImportRecords(deps)(d.admin, "account-groups", bad, ImportMode.INSERT)
    assert [(e.row, e.column) for e in report.row_errors] == [(3, "members")]
    assert "NO-SUCH, B-404" in report.row_errors[0].message
    assert set(_groups(engine)) == {"g1"}


def test_imports_need_the_administrator_role(d: Directory, deps: TransferDeps, engine: sa.Engine,
                                             tmp_path: Path) -> None:
    source = write_rows(deps, d.admin, "account-groups", tmp_path / "in.xlsx", [{"code": "g1", "name": "G"}])
    with pytest.raises(Forbidden):
        ImportRecords(deps)(d.principal("alice"), "account-groups", source, ImportMode.INSERT)
    assert _groups(engine) == {}
