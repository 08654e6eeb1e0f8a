"""Import of N accounts (20 columns) from an xlsx into PostgreSQL, against a floor measured in the
same run: openpyxl read-only iteration of the same file + a plain executemany of the same tuples
into a copy of the accounts table. Prints rows/s of both and the ratio (target <= 1.5).

    .venv/bin/python bench/transfer_accounts.py                 # 100,000 rows
    .venv/bin/python bench/transfer_accounts.py --rows 10000
    .venv/bin/python bench/transfer_accounts.py --url postgresql+psycopg://me@db/dps_bench_transfer

The database named in --url is dropped and created (never point it at real data). The file is
written with the DPS export sink (openpyxl write-only), as an operator would get it from a template.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import sqlalchemy as sa

from dps.adapters.db.engine import create_engine
from dps.adapters.db.migrations_runner import upgrade
from dps.adapters.db.tables.sales_accounts import accounts
from dps.application.auth.principals import system_principal
from dps.application.catalog.custom_fields import DefineCustomField, DefineCustomFieldCommand
from dps.application.directory.users import AddUserCommand
from dps.application.tenancy.tenants import CreateTenantCommand
from dps.application.transfer.imports import ImportRecords, TransferDeps, sheet_schema
from dps.application.transfer.kinds.accounts import AccountsKind
from dps.application.transfer.schema import ImportMode
from dps.application.transfer.values import export_value
from dps.bootstrap.container import build_container
from dps.bootstrap.settings import Settings
from dps.domain.registry.corporate_number import CorporateNumber
from dps.domain.shared.principal import License

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dps_bench_transfer"
COLUMNS = ("code", "name", "kana", "short_name", "corporate_number", "postal_code", "prefecture", "address",
           "phone", "fax", "url", "industry_code", "size_code", "account_type_code", "transaction_status_code",
           "parent", "owner", "employees", "notes", "cf.region")
PREFECTURES = ("東京都", "大阪府", "愛知県", "福岡県", "北海道", "神奈川県")


def recreate_database(url: str) -> None:
    target = sa.engine.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def drop_database(url: str) -> None:
    target = sa.engine.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


def row_values(i: int, rng: random.Random) -> dict[str, Any]:
    base = f"{i:012d}"
    return {
        "code": f"AC{i:07d}", "name": f"株式会社サンプル{i}", "kana": f"サンプル{i}", "short_name": f"サンプル{i}",
        "corporate_number": CorporateNumber.from_base(base).value, "postal_code": f"{100 + i % 900:03d}-{i % 10000:04d}",
        "prefecture": PREFECTURES[i % len(PREFECTURES)], "address": f"千代田区丸の内{i % 9 + 1}-{i % 30 + 1}-{i % 7 + 1}",
        "phone": f"03-{i % 10000:04d}-{rng.randrange(10000):04d}", "fax": f"03-{i % 10000:04d}-0000",
        "url": f"https://example{i}.co.jp/", "industry_code": ("製造業", "it", "retail", "サービス業")[i % 4],
        "size_code": ("s", "m", "l", "xl")[i % 4], "account_type_code": ("customer", "prospect")[i % 2],
        "transaction_status_code": ("active", "none")[i % 2], "parent": None, "owner": "owner1",
        "employees": rng.randrange(10, 5000), "notes": f"備考 {i}\n二行目", "cf.region": ("関東", "関西")[i % 2],
    }


def write_file(deps: TransferDeps, principal: Any, path: Path, rows: int) -> None:
    uow_factory = deps.sales.uow
    with uow_factory(principal.tenant_id) as uow:
        schema = sheet_schema(uow, AccountsKind())
    sink = deps.sinks.export(path, schema)
    sink.write_header(schema)
    rng = random.Random(5)
    columns = schema.columns
    for i in range(1, rows + 1):
        values = row_values(i, rng)
        sink.write_row([export_value(c, values.get(c.key)) for c in columns])
    sink.close()


class PhaseTimes:
    """A Progress that records when each phase started."""

    def __init__(self) -> None:
        self.marks: list[tuple[str, float]] = []

    def phase(self, name: str, total: int | None = None) -> None:
        self.marks.append((name, time.perf_counter()))

    def advance(self, rows: int) -> None:
        pass

    def finish(self) -> None:
        self.marks.append(("end", time.perf_counter()))

    def durations(self) -> list[tuple[str, float]]:
        return [(name, nxt - at) for (name, at), (_, nxt) in zip(self.marks, self.marks[1:], strict=False)
                if name != "end"]


def floor(engine: sa.Engine, path: Path, tenant_id: uuid.UUID, owner_id: uuid.UUID) -> tuple[float, float]:
    """openpyxl read-only iteration of the file, then executemany of the same tuples into a copy of
    the accounts table (same columns, indexes and unique keys; no parsing, no checks)."""
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS accounts_floor"))
        conn.execute(sa.text("CREATE TABLE accounts_floor (LIKE accounts INCLUDING ALL)"))
    copy = sa.Table("accounts_floor", sa.MetaData(), autoload_with=engine)
    started = time.perf_counter()
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    header = next(it)
    keys = [str(k) for k in next(it)]
    keys[0] = keys[0].split(":", 1)[1]
    position = {k: i for i, k in enumerate(keys)}
    cells = [tuple(r) for r in it]
    wb.close()
    read = time.perf_counter() - started
    assert header
    now = datetime.now(UTC)
    fields = [k for k in COLUMNS if k in accounts.c]
    started = time.perf_counter()
    rows = [{**{k: r[position[k]] for k in fields}, "tenant_id": tenant_id, "id": uuid.uuid4(), "owner_id": owner_id,
             "created_at": now, "updated_at": now, "custom_fields": {"region": r[position["cf.region"]]},
             "search_text": r[position["name"]], "version": 1} for r in cells]
    with engine.begin() as conn:
        conn.execute(copy.insert(), rows)
    write = time.perf_counter() - started
    return read, write


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--keep", action="store_true", help="keep the database and the file afterwards")
    args = parser.parse_args()

    recreate_database(args.url)
    tmp = Path(tempfile.mkdtemp(prefix="dps-bench-transfer-"))
    settings = Settings(data_dir=tmp, database_url=args.url, log_dir=tmp / "logs",
                        secret_key="bench-secret-key-0123456789abcdef", password_hash_memory_kib=1024)
    container = build_container(settings)
    engine = create_engine(args.url)
    container.engine.override(engine)
    try:
        upgrade(engine)
        tenant = container.create_tenant()(CreateTenantCommand(code="bench", name="ベンチ株式会社",
                                                               full_licenses=10, light_licenses=10))
        admin = system_principal(tenant.id, actor="bench")
        owner = container.add_user()(admin, AddUserCommand(login_id="owner1", name="担当 一郎", license=License.FULL))
        DefineCustomField(uow=container.uow(), clock=container.clock(), ids=container.ids(),
                          audit=container.audit())(admin, DefineCustomFieldCommand(
                              entity="account", key="region", label_ja="地域", kind="text", label_en="Region"))
        deps: TransferDeps = container.transfer_deps()

        path = tmp / "accounts.xlsx"
        started = time.perf_counter()
        write_file(deps, admin, path, args.rows)
        print(f"file: {args.rows:,} rows x {len(COLUMNS)} columns, {path.stat().st_size / 1e6:.1f} MB, "
              f"written in {time.perf_counter() - started:.1f}s (write-only)")

        read_s, write_s = floor(engine, path, tenant.id, owner.id)
        floor_s = read_s + write_s
        print(f"floor : {floor_s:7.2f}s  {args.rows / floor_s:9,.0f} rows/s  "
              f"(openpyxl read-only {read_s:.2f}s + executemany {write_s:.2f}s)")

        times = PhaseTimes()
        started = time.perf_counter()
        report = ImportRecords(deps)(admin, "accounts", path, ImportMode.INSERT, progress=times)
        import_s = time.perf_counter() - started
        if not report.ok:
            print(f"import failed: {report.errors} errors, first: {report.row_errors[:3]}")
            raise SystemExit(1)
        with engine.connect() as conn:
            count = conn.execute(sa.select(sa.func.count()).select_from(accounts)).scalar_one()
        assert count == args.rows, count
        phases = ", ".join(f"{name} {secs:.2f}s" for name, secs in times.durations())
        print(f"import: {import_s:7.2f}s  {args.rows / import_s:9,.0f} rows/s  ({phases})")
        print(f"ratio import / floor = {import_s / floor_s:.2f} (target <= 1.5); "
              f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    finally:
        container.engine.reset_override()
        engine.dispose()
        if not args.keep:
            drop_database(args.url)


if __name__ == "__main__":
    main()
