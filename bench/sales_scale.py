"""Sales core at scale on PostgreSQL: list and search pages through the JSON API, in-process.

    .venv/bin/python bench/sales_scale.py [--scale 1.0] [--url postgresql+psycopg://postgres@127.0.0.1:5432/dps_bench]
                                          [--fresh] [--rounds 40]

Generates the tenant once (10,000 users / 500 organisations in 6 levels / 200,000 accounts /
1,000,000 opportunities, 10% 非公開 / 3,000,000 activities at scale 1.0; reused by later runs unless
--fresh), then measures, for a manager of a second-level organisation:

1. "自担当 open opportunities, newest expected date first, 50 per page" — first page and deeper
   pages through the cursor — via GET /api/v1/opportunities (litestar TestClient, in-process);
2. a text search on account name via GET /api/v1/accounts?q=...;
and the same pages fetched by a hand-written SQL query in the same run (the floor), printing
median / p95 and the ratio API / SQL. Finally it pages through ALL of the manager's open
opportunities and prints the worker's memory (RSS) at the start, middle and end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from litestar.testing import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sales_data import generate

from dps.adapters.db.migrations_runner import upgrade
from dps.adapters.logs.channels import configure_logging
from dps.application.auth.principals import system_principal
from dps.application.tenancy.tenants import CreateTenantCommand
from dps.bootstrap.container import build_container
from dps.bootstrap.settings import Settings
from dps.entrypoints.http.app import create_app

TENANT = "bench"


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def timed(fn: Callable[[], Any], rounds: int) -> list[float]:
    fn()  # warm the caches and the plan
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def summary(label: str, api: list[float], floor: list[float]) -> None:
    def p95(xs: list[float]) -> float:
        return sorted(xs)[max(0, int(len(xs) * 0.95) - 1)]

    ratio = statistics.median(api) / max(statistics.median(floor), 1e-6)
    print(f"{label}\n  API  median {statistics.median(api):7.1f} ms   p95 {p95(api):7.1f} ms"
          f"\n  SQL  median {statistics.median(floor):7.1f} ms   p95 {p95(floor):7.1f} ms"
          f"\n  ratio API/SQL (median) {ratio:.2f}   [target: median < 100 ms, p95 < 250 ms, ratio <= 1.5]")


def ensure_database(url: str, fresh: bool) -> None:
    target = sa.engine.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}).first()
        if exists and fresh:
            conn.execute(sa.text(f'DROP DATABASE "{target.database}" WITH (FORCE)'))
            exists = None
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


MINE_OPEN_SQL = """
SELECT o.id, o.name, o.account_id, a.name AS account_name, o.stage_code, o.certainty_code, o.is_open,
       o.expected_order_date, o.expected_amount, o.owner_id, o.version
FROM opportunities o JOIN accounts a ON a.tenant_id = o.tenant_id AND a.id = o.account_id
WHERE o.tenant_id = :t AND o.is_open
  AND (o.owner_id = :me
       OR EXISTS (SELECT 1 FROM record_staff s WHERE s.tenant_id = o.tenant_id AND s.record_type = 'opportunity'
                  AND s.record_id = o.id AND s.user_id = :me)
       OR o.owner_organization_id IN (SELECT descendant_id FROM org_closure c
                                      WHERE c.tenant_id = o.tenant_id AND c.ancestor_id = :org))
  AND (NOT o.is_restricted OR o.owner_id = :me OR o.created_by = :me
       OR EXISTS (SELECT 1 FROM record_staff s WHERE s.tenant_id = o.tenant_id AND s.record_type = 'opportunity'
                  AND s.record_id = o.id AND s.user_id = :me)
       OR EXISTS (SELECT 1 FROM record_acl l WHERE l.tenant_id = o.tenant_id AND l.record_type = 'opportunity'
                  AND l.record_id = o.id AND ((l.subject_type = 'user' AND l.subject_id = :me)
                  OR (l.subject_type = 'org' AND l.subject_id IN :ancestors))))
ORDER BY o.expected_order_date DESC NULLS LAST, o.id DESC
LIMIT 51
"""

ACCOUNT_SEARCH_SQL = """
SELECT a.id, a.name, a.kana, a.owner_id, a.version FROM accounts a
WHERE a.tenant_id = :t AND a.search_text LIKE :q
  AND (NOT a.is_restricted OR a.owner_id = :me OR a.created_by = :me
       OR EXISTS (SELECT 1 FROM record_staff s WHERE s.tenant_id = a.tenant_id AND s.record_type = 'account'
                  AND s.record_id = a.id AND s.user_id = :me)
       OR EXISTS (SELECT 1 FROM record_acl l WHERE l.tenant_id = a.tenant_id AND l.record_type = 'account'
                  AND l.record_id = a.id AND ((l.subject_type = 'user' AND l.subject_id = :me)
                  OR (l.subject_type = 'org' AND l.subject_id IN :ancestors))))
ORDER BY a.name, a.id
LIMIT 51
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get(
        "DPS_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/dps_bench"))
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--fresh", action="store_true", help="drop and regenerate the database")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--query", default="さくらでんき", help="account search text (kana or kanji)")
    args = parser.parse_args()

    ensure_database(args.url, args.fresh)
    data_dir = Path(tempfile.mkdtemp(prefix="dps-bench-"))
    settings = Settings(data_dir=data_dir, database_url=args.url, log_dir=data_dir / "logs",
                        secret_key="bench-secret-key-0123456789abcdef", password_hash_memory_kib=1024)
    configure_logging(settings.log_dir, level="WARNING")  # the request log would flood the figures
    container = build_container(settings)
    engine: sa.Engine = container.engine()
    upgrade(engine)
    tenant = container.find_tenant()(TENANT)
    if tenant is None:
        print(f"generating the benchmark tenant at scale {args.scale} ...")
        tenant = container.create_tenant()(CreateTenantCommand(code=TENANT, name="ベンチマーク株式会社",
                                                               full_licenses=100_000, light_licenses=100_000))
        started = time.perf_counter()
        counts = generate(engine, tenant.id, args.scale, print)
        admin = system_principal(tenant.id, actor="bench")
        container.refresh_org_closure()(admin)
        print(f"generated {counts} in {time.perf_counter() - started:.0f} s")
    admin = system_principal(tenant.id, actor="bench")

    with engine.connect() as conn:
        counts = {t: conn.execute(sa.text(f"SELECT count(*) FROM {t} WHERE tenant_id = :t"), {"t": tenant.id}).scalar()
                  for t in ("users", "organizations", "accounts", "opportunities", "activities")}
        # a manager of a second-level organisation: user n = org n is that org's manager (see sales_data)
        org_id, login = conn.execute(sa.text(
            "SELECT o.id, u.login_id FROM organizations o JOIN affiliations f ON f.organization_id = o.id "
            "JOIN users u ON u.id = f.user_id JOIN positions p ON p.id = f.position_id "
            "WHERE o.tenant_id = :t AND o.code = 'org0001' AND p.is_manager"), {"t": tenant.id}).one()
        me = conn.execute(sa.text("SELECT id FROM users WHERE tenant_id = :t AND login_id = :l"),
                          {"t": tenant.id, "l": login}).scalar()
        ancestors = [r[0] for r in conn.execute(sa.text(
            "SELECT ancestor_id FROM org_closure WHERE tenant_id = :t AND descendant_id = :o"),
            {"t": tenant.id, "o": org_id})]
        under = conn.execute(sa.text("SELECT count(*) FROM org_closure WHERE tenant_id = :t AND ancestor_id = :o"),
                             {"t": tenant.id, "o": org_id}).scalar()
    print(f"tenant: {counts}\nmanager {login} of org0001 ({under} organisations at or under it)")

    token = container.issue_api_token_for_user()(admin, login, "bench").bearer
    app = create_app(container)
    headers = {"Authorization": f"Bearer {token}"}
    params: dict[str, Any] = {"t": tenant.id, "me": me, "org": org_id, "ancestors": tuple(ancestors)}
    mine_sql = sa.text(MINE_OPEN_SQL).bindparams(sa.bindparam("ancestors", expanding=True))
    search_sql = sa.text(ACCOUNT_SEARCH_SQL).bindparams(sa.bindparam("ancestors", expanding=True))

    with TestClient(app) as client:
        def api(path: str, query: dict[str, Any]) -> dict[str, Any]:
            response = client.get(path, params=query, headers=headers)
            if response.status_code != 200:
                raise SystemExit(f"{path} {query} -> {response.status_code}: {response.text[:500]}")
            body: dict[str, Any] = response.json()
            return body

        mine_query = {"mine": "true", "is_open": "true", "sort": "-expected_order_date", "limit": 50}
        first = api("/api/v1/opportunities", mine_query)
        print(f"first page: {len(first['items'])} items, next cursor: {bool(first.get('next_cursor'))}")
        deep = dict(mine_query, cursor=first["next_cursor"]) if first.get("next_cursor") else mine_query

        def sql_page() -> None:
            with engine.connect() as conn:
                conn.execute(mine_sql, params).all()

        summary("自担当 open opportunities, newest expected date first, 50 per page (first page)",
                timed(lambda: api("/api/v1/opportunities", mine_query), args.rounds),
                timed(sql_page, args.rounds))
        summary("... the second page (through the cursor)",
                timed(lambda: api("/api/v1/opportunities", deep), args.rounds), timed(sql_page, args.rounds))

        q = args.query
        search_query = {"q": q, "limit": 50, "sort": "name"}
        found = api("/api/v1/accounts", search_query)
        print(f"account search {q!r}: {len(found['items'])} items on the first page")

        def sql_search() -> None:
            with engine.connect() as conn:
                conn.execute(search_sql, dict(params, q=f"%{q}%")).all()

        summary(f"text search on account name ({q!r}), 50 per page",
                timed(lambda: api("/api/v1/accounts", search_query), args.rounds), timed(sql_search, args.rounds))

        print("paging through all of the manager's open opportunities ...")
        query: dict[str, Any] = dict(mine_query, limit=200)
        pages = rows = 0
        marks = [rss_mib()]
        started = time.perf_counter()
        while True:
            body = api("/api/v1/opportunities", query)
            pages += 1
            rows += len(body["items"])
            if pages % 50 == 0:
                marks.append(rss_mib())
            if not body.get("next_cursor"):
                break
            query = dict(query, cursor=body["next_cursor"])
        marks.append(rss_mib())
        print(f"  {rows:,} rows in {pages:,} pages, {time.perf_counter() - started:.1f} s; RSS MiB "
              f"start {marks[0]:.0f}, middle {marks[len(marks) // 2]:.0f}, end {marks[-1]:.0f} "
              f"(growth {marks[-1] - marks[0]:+.0f} MiB)")


if __name__ == "__main__":
    main()
