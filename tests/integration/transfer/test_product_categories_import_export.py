"""Product categories (the `product_category` code list) through real xlsx files on SQLite and
PostgreSQL: the seeded defaults export and re-import unchanged; an upsert relabels, adds (after the
last display order) and deactivates values; a bad code writes nothing; products then accept the new
category; imports need the administrator role."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from dps.adapters.db.tables.catalog import code_values
from dps.application.shared.errors import Forbidden
from dps.application.transfer.exports import ExportRecords
from dps.application.transfer.imports import ImportRecords, TransferDeps
from dps.application.transfer.schema import ImportMode
from dps.bootstrap.container import Container
from dps.domain.catalog.defaults import default_code_lists
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from tests.integration.sales.accounts_helpers import Directory, build_directory
from tests.integration.transfer.test_persons_import_export import edit_cells, sheet_rows, write_rows


@pytest.fixture
def d(container: Container, tenant: Tenant, admin: Principal) -> Directory:
    return build_directory(container, tenant, admin)


@pytest.fixture
def deps(container: Container) -> TransferDeps:
    result: TransferDeps = container.transfer_deps()
    return result


def _categories(engine: sa.Engine) -> dict[str, tuple[str, str, int, bool]]:
    t = code_values
    with engine.connect() as conn:
        return {r.code: (r.label_ja, r.label_en, r.sort_order, r.is_active)
                for r in conn.execute(sa.select(t).where(t.c.list_key == "product_category"))}


def test_defaults_export_and_reimport_unchanged(d: Directory, deps: TransferDeps, engine: sa.Engine,
                                                tmp_path: Path) -> None:
    before = _categories(engine)
    defaults = next(cl for cl in default_code_lists() if cl.key == "product_category")
    assert set(before) == {v.code for v in defaults.values}
    exported = ExportRecords(deps)(d.principal("alice"), "product-categories", tmp_path / "cats.xlsx")
    keys, rows = sheet_rows(exported.path)
    assert keys == ["code", "label_ja", "label_en", "sort_order", "is_active"]
    assert [r["code"] for r in rows] == [v.code for v in defaults.active()]
    report = ImportRecords(deps)(d.admin, "product-categories", exported.path, ImportMode.UPSERT)
    assert report.ok, report.row_errors
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, len(rows))
    assert _categories(engine) == before


def test_upsert_relabels_adds_and_deactivates(d: Directory, deps: TransferDeps, engine: sa.Engine,
                                              tmp_path: Path) -> None:
    exported = ExportRecords(deps)(d.admin, "product-categories", tmp_path / "cats.xlsx").path
    _, rows = sheet_rows(exported)
    number = {r["code"]: 3 + i for i, r in enumerate(rows)}
    edited = edit_cells(exported, tmp_path / "edited.xlsx", {
        (number["hardware"], "label_ja"): "機器", (number["other"], "is_active"): "いいえ"})
    source = write_rows(deps, d.admin, "product-categories", tmp_path / "in.xlsx",
                        [{"code": "cloud", "label_ja": "クラウド", "label_en": "Cloud"}], base=edited)
    report = ImportRecords(deps)(d.admin, "product-categories", source, ImportMode.UPSERT)
    assert report.ok, report.row_errors
    assert (report.inserted, report.updated) == (1, 2)
    after = _categories(engine)
    last = max(v[2] for code, v in after.items() if code != "cloud")
    assert after["cloud"] == ("クラウド", "Cloud", last + 10, True)
    assert after["hardware"][0] == "機器"
    assert after["other"][3] is False

    products = write_rows(deps, d.admin, "products", tmp_path / "products.xlsx", [
        {"code": "P-1", "name": "クラウド基盤", "category_code": "クラウド"}])
    assert ImportRecords(deps)(d.admin, "products", products, ImportMode.INSERT).ok


def test_a_bad_code_writes_nothing_and_non_admins_are_refused(d: Directory, deps: TransferDeps,
                                                              engine: sa.Engine, tmp_path: Path) -> None:
    before = _categories(engine)
    source = write_rows(deps, d.admin, "product-categories", tmp_path / "in.xlsx", [
        {"code": "ok-1", "label_ja": "正しい"},
        {"code": "空白 入り", "label_ja": "誤り"},
        {"code": "ok-2"},
        {"code": "ok-1", "label_ja": "重複"},
    ])
    report = ImportRecords(deps)(d.admin, "product-categories", source, ImportMode.INSERT)
    assert {(e.row, e.column) for e in report.row_errors} == {(4, "code"), (5, "label_ja"), (6, "code")}
    assert _categories(engine) == before
    insert_existing = write_rows(deps, d.admin, "product-categories", tmp_path / "dup.xlsx",
                                 [{"code": "hardware", "label_ja": "HW"}])
    assert ImportRecords(deps)(d.admin, "product-categories", insert_existing, ImportMode.INSERT).errors == 1
    with pytest.raises(Forbidden):
        ImportRecords(deps)(d.principal("alice"), "product-categories", source, ImportMode.UPSERT)
    assert _categories(engine) == before
