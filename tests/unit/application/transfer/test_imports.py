"""The import algorithm on in-memory fakes (products: the simplest kind): all or nothing, duplicates in
the file, the mode rules, dry run, optimistic locking, permissions and the batch checkpoint."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from dps.application.auth.principals import system_principal
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Forbidden, Invalid
from dps.application.transfer.imports import ImportInterrupted, ImportRecords, TransferDeps
from dps.application.transfer.progress import ProgressMeter
from dps.application.transfer.schema import ImportMode
from dps.domain.shared.ids import UserId
from dps.domain.shared.principal import License, Principal, Role
from dps.domain.visibility.policy import Viewer
from tests.fakes.clock import FakeClock
from tests.fakes.transfer import FakeProductStore, FakeSinks, FakeSources, FakeStores, FakeUow, fake_tenant

COLUMNS = ["id", "version", "code", "name", "category_code", "standard_price", "is_active"]


class Audit:
    def __init__(self) -> None:
        self.lines: list[tuple[str, dict[str, Any]]] = []

    def security(self, event: str, **fields: Any) -> None:
        self.lines.append((event, fields))

    def master_change(self, **fields: Any) -> None:
        self.lines.append(("master_change", fields))

    def application(self, event: str, **fields: Any) -> None:
        self.lines.append((event, fields))


class Ids:
    def new_id(self) -> uuid.UUID:
        return uuid.uuid4()


class World:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.tenant = fake_tenant()
        self.store = FakeProductStore()
        self.uow = FakeUow(self.tenant, self.store)
        self.sources = FakeSources()
        self.sinks = FakeSinks()
        self.audit = Audit()
        uow: Any = self.uow
        sales = SalesDeps(uow=lambda _t: uow, clock=FakeClock(), ids=Ids(), audit=self.audit,
                          notifier=None, files=None)  # type: ignore[arg-type]
        deps = TransferDeps(sales=sales, stores=FakeStores(self.store), sources=self.sources,  # type: ignore[arg-type]
                            sinks=self.sinks, viewers=lambda _u, p, _c: Viewer(principal=p))
        self.run = ImportRecords(deps)
        self.admin = system_principal(self.tenant.id, actor="admin")

    def file(self, rows: list[list[Any]], name: str = "products.xlsx", columns: list[str] | None = None) -> Path:
        path = self.tmp / name
        path.write_bytes(json.dumps(rows, default=str).encode())  # a real file: batch mode stamps it
        self.sources.add(path, columns or COLUMNS, rows)
        return path

    def codes(self) -> dict[str, str]:
        return {p.code: p.name for p in self.store.committed.values()}


@pytest.fixture
def w(tmp_path: Path) -> World:
    return World(tmp_path)


def test_all_rows_valid_are_inserted_in_one_commit(w: World) -> None:
    path = w.file([[None, None, "P1", "Alpha", "HW", 100, True],
                   [None, None, "P2", "Beta", "ソフトウェア", "1,200", None]])
    report = w.run(w.admin, "products", path, ImportMode.INSERT)
    assert report.ok
    assert report.inserted == 2
    assert report.read == 2
    assert w.codes() == {"P1": "Alpha", "P2": "Beta"}
    assert w.uow.commits == 1
    products = {p.code: p for p in w.store.committed.values()}
    assert products["P2"].category_code == "SW"
    assert products["P2"].standard_price == Decimal("1200.00")
    assert any(e == "master_change" and f["action"] == "import.insert" for e, f in w.audit.lines)


def test_one_bad_row_writes_nothing_and_reports_it_in_the_error_workbook(w: World) -> None:
    path = w.file([[None, None, "P1", "Alpha", None, None, None],
                   [None, None, "P2", None, None, None, None],
                   [None, None, "P3", "Gamma", "NOPE", None, None]])
    report = w.run(w.admin, "products", path, ImportMode.INSERT)
    assert not report.ok
    assert report.errors == 2
    assert w.codes() == {}
    assert {(e.row, e.column) for e in report.row_errors} == {(3, "name"), (4, "category_code")}
    assert report.error_path is not None
    sink = w.sinks.written[report.error_path]
    assert [r[2] for r in sink.rows] == ["P2", "P3"]  # only the bad rows, with their original cells
    assert "required" in " ".join(sink.rows[0][-1])
    assert "category_code" in " ".join(sink.rows[1][-1])


def test_duplicates_inside_the_file_are_errors_naming_the_first_row(w: World) -> None:
    path = w.file([[None, None, "P1", "Alpha", None, None, None], [None, None, "P1", "Again", None, None, None]])
    report = w.run(w.admin, "products", path, ImportMode.UPSERT)
    assert report.errors == 1
    assert report.row_errors[0].row == 3
    assert "row 2" in report.row_errors[0].message
    assert w.codes() == {}


def _seed(w: World) -> None:
    w.run(w.admin, "products", w.file([[None, None, "P1", "Alpha", None, None, None]], "seed.xlsx"),
          ImportMode.INSERT)


def test_mode_rules(w: World) -> None:
    _seed(w)
    insert = w.run(w.admin, "products", w.file([[None, None, "P1", "X", None, None, None]], "a.xlsx"),
                   ImportMode.INSERT)
    assert insert.errors == 1
    assert "already exists" in insert.row_errors[0].message
    update = w.run(w.admin, "products", w.file([[None, None, "P9", "X", None, None, None]], "b.xlsx"),
                   ImportMode.UPDATE)
    assert update.errors == 1
    assert "no such record" in update.row_errors[0].message
    upsert = w.run(w.admin, "products", w.file([[None, None, "P1", "Alpha 2", None, None, None],
                                                [None, None, "P9", "New", None, None, None]], "c.xlsx"),
                   ImportMode.UPSERT)
    assert (upsert.inserted, upsert.updated, upsert.errors) == (1, 1, 0)
    assert w.codes() == {"P1": "Alpha 2", "P9": "New"}


def test_unchanged_rows_are_not_written_and_keep_their_version(w: World) -> None:
    _seed(w)
    product = next(iter(w.store.committed.values()))
    row = [str(product.id), product.version, "P1", "Alpha", None, None, True]
    report = w.run(w.admin, "products", w.file([row], "same.xlsx"), ImportMode.UPDATE)
    assert (report.unchanged, report.updated) == (1, 0)
    assert w.store.committed[product.id].version == 1


def test_a_stale_version_is_a_row_error(w: World) -> None:
    _seed(w)
    product = next(iter(w.store.committed.values()))
    w.run(w.admin, "products", w.file([[str(product.id), 1, "P1", "Changed", None, None, None]], "1.xlsx"),
          ImportMode.UPDATE)
    report = w.run(w.admin, "products", w.file([[str(product.id), 1, "P1", "Mine", None, None, None]], "2.xlsx"),
                   ImportMode.UPDATE)
    assert report.errors == 1
    assert report.row_errors[0].column == "version"
    assert "changed since export" in report.row_errors[0].message
    assert w.store.committed[product.id].name == "Changed"


def test_dry_run_validates_and_writes_nothing(w: World) -> None:
    report = w.run(w.admin, "products", w.file([[None, None, "P1", "Alpha", None, None, None]]), ImportMode.INSERT,
                   dry_run=True)
    assert report.ok
    assert report.inserted == 1
    assert w.codes() == {}
    assert w.uow.commits == 0


def test_masters_need_an_administrator(w: World) -> None:
    user = Principal(tenant_id=w.tenant.id, user_id=UserId(uuid.uuid4()), login_id="sato", name="佐藤",
                     license=License.FULL)
    with pytest.raises(Forbidden):
        w.run(user, "products", w.file([[None, None, "P1", "Alpha", None, None, None]]), ImportMode.INSERT)
    light_admin = Principal(tenant_id=w.tenant.id, user_id=UserId(uuid.uuid4()), login_id="lee", name="Lee",
                            license=License.LIGHT, roles=frozenset({Role.TENANT_ADMIN}))
    with pytest.raises(Forbidden):
        w.run(light_admin, "products", w.file([[None, None, "P1", "Alpha", None, None, None]]), ImportMode.INSERT)
    assert w.codes() == {}
    assert [e for e, _ in w.audit.lines] == ["permission.denied", "permission.denied"]


def test_unknown_kind_is_invalid(w: World) -> None:
    with pytest.raises(Invalid):
        w.run(w.admin, "spaceships", w.file([]), ImportMode.INSERT)


def _rows(n: int) -> list[list[Any]]:
    return [[None, None, f"P{i}", f"Product {i}", None, None, None] for i in range(1, n + 1)]


def test_a_failure_in_batch_two_leaves_batch_one_committed_and_a_rerun_completes(w: World) -> None:
    path = w.file(_rows(5))
    w.store.fail_on_insert = 2
    with pytest.raises(ImportInterrupted) as caught:
        w.run(w.admin, "products", path, ImportMode.INSERT, batch_size=2)
    assert caught.value.report.committed_batches == [1]
    assert sorted(w.codes()) == ["P1", "P2"]
    checkpoint = path.with_name(path.name + ".checkpoint.json")
    assert json.loads(checkpoint.read_text())["batches"] == [1]

    w.store.fail_on_insert = None
    report = w.run(w.admin, "products", path, ImportMode.INSERT, batch_size=2)
    assert report.ok
    assert report.skipped == 2
    assert report.inserted == 3
    assert report.committed_batches == [1, 2, 3]
    assert sorted(w.codes()) == ["P1", "P2", "P3", "P4", "P5"]
    assert not checkpoint.exists()


def test_a_checkpoint_of_another_file_is_refused(w: World) -> None:
    path = w.file(_rows(3))
    w.store.fail_on_insert = 2
    with pytest.raises(ImportInterrupted):
        w.run(w.admin, "products", path, ImportMode.INSERT, batch_size=1)
    path.write_bytes(b"changed since")
    with pytest.raises(Invalid):
        w.run(w.admin, "products", path, ImportMode.INSERT, batch_size=1)


def test_progress_meter_shows_rate_and_eta() -> None:
    lines: list[tuple[str, bool]] = []
    now = [0.0]
    meter = ProgressMeter(render=lambda line, last: lines.append((line, last)), interval=0.0, clock=lambda: now[0])
    meter.phase("read", 1000)
    now[0] = 2.0
    meter.advance(500)
    assert lines[-1] == ("read 500/1,000 rows  250 rows/s  ETA 0:00:02", False)
    meter.finish()
    assert lines[-1][1] is True
