"""Export of actual activities to xlsx from the benchmark database: peak memory and rows/s for each row
count, each in a fresh process so the peaks are separate (target: peak RSS < 300 MB and flat as the
row count grows).

    .venv/bin/python bench/transfer_activities_export.py                      # 100,000 and 1,000,000 rows
    .venv/bin/python bench/transfer_activities_export.py --rows 100000 --as manager
    .venv/bin/python bench/transfer_activities_export.py --url postgresql+psycopg://me@db/dps_bench

The database is the one `bench/sales_scale.py` generates (tenant "bench", 3,000,000 activities of which
2,250,000 actual, at scale 1.0); run that first. Nothing is written to it. The export goes through the
real use case (ExportRecords -> ActivitiesKind -> keyset-paged SQL stream -> openpyxl write-only sink);
`--rows` stops the stream after that many rows. `--as admin` exports as an operator with see-all
(system principal), `--as manager` as the manager of org0001 (visibility filter and R6 in SQL).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from attrs import evolve

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dps.adapters.logs.channels import configure_logging
from dps.application.auth.principals import principal_for, system_principal
from dps.application.shared.time import today_in
from dps.application.transfer.exports import ExportRecords
from dps.application.transfer.imports import TransferDeps
from dps.bootstrap.container import build_container
from dps.bootstrap.settings import Settings
from dps.domain.shared.principal import Principal
from dps.domain.visibility.policy import Viewer

DEFAULT_URL = os.environ.get("DPS_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/dps_bench")
TENANT = "bench"
TARGET_MB = 300


def status_mb(field: str) -> float:
    """A /proc/self/status figure (VmHWM = peak RSS, VmRSS = current) in MB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


class _LimitedActivities:
    def __init__(self, store: Any, limit: int) -> None:
        self._store, self._limit = store, limit

    def stream(self, viewer: Viewer, filters: Mapping[str, str], page_size: int = 1000) -> Iterator[Mapping[str, Any]]:
        return itertools.islice(self._store.stream(viewer, filters, page_size), self._limit)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


class LimitedStores:
    """The real stores, with the activities export stream cut after `limit` rows."""

    def __init__(self, stores: Any, limit: int) -> None:
        self._stores, self._limit = stores, limit

    def activities(self, uow: Any) -> _LimitedActivities:
        return _LimitedActivities(self._stores.activities(uow), self._limit)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stores, name)


def acting(container: Any, who: str) -> Principal:
    tenant = container.find_tenant()(TENANT)
    if tenant is None:
        raise SystemExit("no tenant 'bench': generate it with bench/sales_scale.py first")
    if who == "admin":
        return system_principal(tenant.id, actor="bench")
    engine: sa.Engine = container.engine()
    with engine.connect() as conn:
        login = conn.execute(sa.text(
            "SELECT u.login_id FROM organizations o JOIN affiliations f ON f.organization_id = o.id "
            "JOIN users u ON u.id = f.user_id JOIN positions p ON p.id = f.position_id "
            "WHERE o.tenant_id = :t AND o.code = 'org0001' AND p.is_manager"), {"t": tenant.id}).scalar_one()
    with container.uow()(tenant.id) as uow:
        user = uow.users.get_by_login(login)
        assert user is not None
        return principal_for(uow, tenant.id, user, today_in(container.clock(), user.time_zone))


def child(url: str, rows: int, who: str) -> dict[str, Any]:
    """One export in this process; the figures as a dict (printed as JSON for the parent)."""
    tmp = Path(tempfile.mkdtemp(prefix="dps-bench-export-"))
    settings = Settings(data_dir=tmp, database_url=url, log_dir=tmp / "logs",
                        secret_key="bench-secret-key-0123456789abcdef", password_hash_memory_kib=1024)
    configure_logging(settings.log_dir, level="WARNING")
    container = build_container(settings)
    principal = acting(container, who)
    deps: TransferDeps = container.transfer_deps()
    deps = evolve(deps, stores=LimitedStores(deps.stores, rows))
    before = status_mb("VmRSS")
    path = tmp / "activities.xlsx"
    started = time.perf_counter()
    report = ExportRecords(deps)(principal, "activities", path)
    seconds = time.perf_counter() - started
    out = {"rows": report.rows, "seconds": seconds, "rows_per_s": report.rows / seconds,
           "peak_mb": status_mb("VmHWM"), "before_mb": before, "file_mb": path.stat().st_size / 1e6}
    path.unlink()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000],
                        help="row counts, each exported in a fresh process")
    parser.add_argument("--as", dest="who", choices=("admin", "manager"), default="admin")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.url, args.rows[0], args.who)))
        return

    print(f"export of actual activities as {args.who} from {sa.engine.make_url(args.url).database} "
          f"(each size in a fresh process)")
    results = []
    for n in args.rows:
        done = subprocess.run([sys.executable, __file__, "--child", "--url", args.url, "--rows", str(n),
                               "--as", args.who], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(done.stderr[-3000:])
            raise SystemExit(done.returncode)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        results.append(r)
        print(f"{r['rows']:>9,} rows  {r['seconds']:7.1f}s  {r['rows_per_s']:8,.0f} rows/s  "
              f"peak RSS {r['peak_mb']:6.0f} MB (before export {r['before_mb']:.0f} MB)  file {r['file_mb']:.0f} MB")
    peaks = [r["peak_mb"] for r in results]
    flat = max(peaks) - min(peaks) < 0.1 * min(peaks) + 20
    print(f"peak RSS {'flat' if flat else 'NOT flat'} across sizes (spread {max(peaks) - min(peaks):.0f} MB); "
          f"target < {TARGET_MB} MB: {'met' if max(peaks) < TARGET_MB else 'MISSED'}")


if __name__ == "__main__":
    main()
