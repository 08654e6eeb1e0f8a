"""Users and products through real xlsx files on SQLite and PostgreSQL: licence counts checked for the
whole file, initial passwords hashed, the directory version bumped by a user import, products round-trip."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
import sqlalchemy as sa

from dps.adapters.db.tables.directory import users
from dps.adapters.db.tables.sales_opportunities import products
from dps.adapters.db.tables.tenancy import tenants
from dps.application.transfer.exports import ExportRecords, ExportTemplate
from dps.application.transfer.imports import ImportRecords, TransferDeps
from dps.application.transfer.schema import ImportMode
from dps.bootstrap.container import Container
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant


@pytest.fixture
def deps(container: Container) -> TransferDeps:
    result: TransferDeps = container.transfer_deps()
    return result


def _write(deps: TransferDeps, admin: Principal, kind: str, tmp_path: Path, rows: list[dict[str, Any]],
           name: str = "in.xlsx") -> Path:
    template = ExportTemplate(deps)(admin, kind, tmp_path / f"{kind}-template.xlsx").path
    wb = openpyxl.load_workbook(template)
    ws = wb.worksheets[0]
    key_cells = [c.value for c in ws[2]]
    keys = [str(key_cells[0]).split(":", 1)[1], *[str(k) if k else "" for k in key_cells[1:]]]
    for row in rows:
        ws.append([row.get(k) for k in keys])
    wb.save(tmp_path / name)
    return tmp_path / name


def _directory_version(engine: sa.Engine, tenant: Tenant) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(tenants.c.directory_version).where(tenants.c.id == tenant.id)).scalar_one())


def test_users_import_hashes_passwords_and_bumps_the_directory_version(
        deps: TransferDeps, admin: Principal, tenant: Tenant, engine: sa.Engine, tmp_path: Path) -> None:
    before = _directory_version(engine, tenant)
    source = _write(deps, admin, "users", tmp_path, [
        {"login_id": "tanaka", "name": "田中 美咲", "license": "full", "is_admin": "はい",
         "password": "S3cure-pass-2026"},
        {"login_id": "yoshida", "name": "吉田", "license": "ライト", "email": "yoshida@example.com"},
    ])
    report = ImportRecords(deps)(admin, "users", source, ImportMode.INSERT)
    assert report.ok, report.row_errors
    assert report.inserted == 2
    assert _directory_version(engine, tenant) == before + 1
    with engine.connect() as conn:
        rows = {r.login_id: r for r in conn.execute(sa.select(users))}
    assert rows["tanaka"].roles == "tenant_admin"
    assert rows["tanaka"].password_hash.startswith("$argon2")
    assert rows["yoshida"].license == "light"
    assert rows["yoshida"].password_hash is None

    exported = ExportRecords(deps)(admin, "users", tmp_path / "users.xlsx").path
    again = ImportRecords(deps)(admin, "users", exported, ImportMode.UPSERT)
    assert (again.unchanged, again.updated, again.inserted) == (2, 0, 0)
    assert _directory_version(engine, tenant) == before + 1  # nothing written, nothing bumped


def test_licence_counts_are_checked_for_the_whole_file(deps: TransferDeps, admin: Principal, engine: sa.Engine,
                                                       tmp_path: Path) -> None:
    # the tenant has 3 light licences
    rows = [{"login_id": f"light{i}", "name": f"ライト{i}", "license": "light"} for i in range(1, 5)]
    report = ImportRecords(deps)(admin, "users", _write(deps, admin, "users", tmp_path, rows), ImportMode.INSERT)
    assert report.errors == 1
    assert report.row_errors[0].row == 6
    assert report.row_errors[0].column == "license"
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(users)).scalar_one() == 0


def test_weak_initial_password_is_a_row_error(deps: TransferDeps, admin: Principal, tmp_path: Path) -> None:
    rows = [{"login_id": "kato", "name": "加藤", "license": "full", "password": "short"}]
    report = ImportRecords(deps)(admin, "users", _write(deps, admin, "users", tmp_path, rows), ImportMode.INSERT)
    assert report.errors == 1
    assert report.row_errors[0].column == "password"


def test_products_round_trip_and_upsert(deps: TransferDeps, admin: Principal, engine: sa.Engine,
                                        tmp_path: Path) -> None:
    rows: list[dict[str, Any]] = [{"code": "P-1", "name": "ノートPC", "standard_price": "¥128,000", "unit": "台"},
            {"code": "P-2", "name": "保守", "standard_price": 30000, "is_active": "いいえ"}]
    report = ImportRecords(deps)(admin, "products", _write(deps, admin, "products", tmp_path, rows),
                                 ImportMode.INSERT)
    assert report.ok, report.row_errors
    assert report.inserted == 2, report.row_errors
    exported = ExportRecords(deps)(admin, "products", tmp_path / "products.xlsx").path
    same = ImportRecords(deps)(admin, "products", exported, ImportMode.UPSERT)
    assert (same.unchanged, same.updated) == (2, 0)

    wb = openpyxl.load_workbook(exported)
    ws = wb.worksheets[0]
    keys = [str(ws.cell(2, 1).value).split(":", 1)[1], *[c.value for c in ws[2]][1:]]
    ws.cell(3, keys.index("standard_price") + 1, 99000)
    wb.save(tmp_path / "changed.xlsx")
    changed = ImportRecords(deps)(admin, "products", tmp_path / "changed.xlsx", ImportMode.UPSERT)
    assert (changed.unchanged, changed.updated) == (1, 1)
    with engine.connect() as conn:
        got = {r.code: (r.standard_price, r.is_active, r.version) for r in conn.execute(sa.select(products))}
    assert float(got["P-1"][0]) == 99000
    assert got["P-1"][2] == 2
    assert got["P-2"][1] is False
    assert got["P-2"][2] == 1
