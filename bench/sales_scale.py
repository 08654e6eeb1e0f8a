"""Sales core at scale on PostgreSQL: list and search pages through the JSON API, in-process.

    .venv/bin/python bench/sales_scale.py [--scale 1.0] [--url postgresql+psycopg://postgres@127.0.0.1:5432/dps_bench]
                                          [--fresh] [--rounds 40] [--no-walk]

Generates the tenant once (10,000 users / 500 organisations in 6 levels / 200,000 accounts /
1,000,000 opportunities, 10% 非公開 / 3,000,000 activities at scale 1.0; reused by later runs unless
--fresh), then measures, for a manager of a second-level organisation:

1. "自担当 open opportunities, newest expected date first, 50 per page" - the first page and the
   second through the cursor - via GET /api/v1/opportunities (in-process over ASGI);
2. a text search on account name via GET /api/v1/accounts?q=...;
3. "自担当 activities, newest first, 50 per page" via GET /api/v1/activities?mine=true.

Each page is timed four ways, taking turns in every round (after a warm-up past psycopg's prepare
threshold): through the API; by the repository search alone (inside a unit of
work, with a Viewer built beforehand); by the SQL the repository generated, captured once and run
again as sent; and by a hand-written SQL query (`floor_sql.py`) checked to return the same rows, in
the same order, with the same columns as the API's items. The report splits the page's time into
query quality (generated / hand-written SQL), row mapping (repository / generated SQL) and the
fixed overhead of HTTP, token, viewer and JSON (API - repository). Finally (unless --no-walk) it pages
through ALL of the manager's open opportunities and prints the worker's memory (RSS) at the start,
middle and end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

import sqlalchemy as sa
from attrs import frozen

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import floor_sql
from bench.measure import captured_statements, replay, report, timed_together
from bench.sales_data import generate

from dps.adapters.db.migrations_runner import upgrade
from dps.adapters.logs.channels import configure_logging
from dps.application.auth.principals import system_principal
from dps.application.sales.access import viewer_in
from dps.application.sales.accounts.ports import AccountQuery
from dps.application.sales.activities.ports import ActivitySearch
from dps.application.sales.opportunities.read_models import OpportunitySearch
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.paging import Page, PageRequest
from dps.application.tenancy.tenants import CreateTenantCommand
from dps.bootstrap.container import build_container
from dps.bootstrap.settings import Settings
from dps.domain.shared.text import normalize_for_search
from dps.entrypoints.http.app import create_app

TENANT = "bench"


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


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




COMPUTED = frozenset({"url", "full_name", "close_cause_label"})
"""Fields of an API item computed from others (not columns the floor must fetch)."""


@frozen
class AsgiResponse:
    status_code: int
    headers: dict[str, str]
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.content)


class AsgiClient:
    """The app called in-process the way an ASGI server calls it: one HTTP scope per request, the
    request body from `receive`, the response collected from `send`, on one event loop. No HTTP
    client library sits in between (httpx's request building and URL parsing cost about 0.7 ms a
    request, which is the client's time, not the server's; the test client's thread portal ~0.9 ms)."""

    def __init__(self, app: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._app = app

    def get(self, path: str, *, params: dict[str, Any], headers: dict[str, str]) -> AsgiResponse:
        return self._loop.run_until_complete(self._get(path, params, headers))

    async def _get(self, path: str, params: dict[str, Any], headers: dict[str, str]) -> AsgiResponse:
        scope = {
            "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
            "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
            "query_string": urlencode(params, doseq=True).encode(),
            "headers": [(b"host", b"bench"), *((k.lower().encode(), v.encode()) for k, v in headers.items())],
            "client": ("127.0.0.1", 50000), "server": ("bench", 80), "state": {},
        }
        sent = False
        status = 0
        response_headers: dict[str, str] = {}
        body: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.Event().wait()  # the client never disconnects first
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                response_headers.update((k.decode("latin-1"), v.decode("latin-1")) for k, v in message["headers"])
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))

        await self._app(scope, receive, send)
        return AsgiResponse(status, response_headers, b"".join(body))

    def close(self) -> None:
        self._loop.close()


class Bench:
    """One run's client, the manager's viewer and the floor's parameters; `page` measures a page."""

    def __init__(self, client: AsgiClient, headers: dict[str, str], container: Any, tenant_id: Any,
                 bearer: str, rounds: int) -> None:
        self.client, self.headers, self.rounds = client, headers, rounds
        self.engine: sa.Engine = container.engine()
        self.deps = container.sales_deps()
        self.tenant_id = tenant_id
        principal = container.resolve_api_token()(bearer)
        with self.deps.uow(tenant_id) as uow:
            self.viewer = viewer_in(uow, principal, self.deps.clock)
        self.with_groups = bool(self.viewer.group_ancestors)
        self.params: dict[str, Any] = {
            "t": tenant_id, "me": principal.user_id, "ancestors": tuple(sorted(self.viewer.org_ancestors)),
            "scope": tuple(sorted(self.viewer.org_descendants | principal.organization_ids)),
        }
        if self.with_groups:
            self.params["groups"] = tuple(sorted(self.viewer.group_ancestors))

    def call(self, path: str, query: dict[str, Any]) -> AsgiResponse:
        """One request, as timed: the server's whole work up to the last body byte."""
        response = self.client.get(path, params=query, headers=self.headers)
        if response.status_code != 200:
            raise SystemExit(f"{path} {query} -> {response.status_code}: {response.text[:500]}")
        return response

    def api(self, path: str, query: dict[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = self.call(path, query).json()
        return body

    def floor(self, sql: str) -> sa.TextClause:
        lists = [name for name in ("ancestors", "scope", "groups") if f":{name}" in sql]
        return sa.text(sql).bindparams(*(sa.bindparam(name, expanding=True) for name in lists))

    def page(self, label: str, path: str, query: dict[str, Any], search: Callable[[SalesUnitOfWork], Page[Any]],
             floor: sa.TextClause, floor_params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Check the floor against the API's page, then time the four ways and report; returns the page."""
        params = self.params | (floor_params or {})
        body = self.api(path, query)
        with self.engine.connect() as conn:
            rows = conn.execute(floor, params).all()
        _check_floor(label, body["items"], rows)

        def repository() -> None:
            with self.deps.reading(self.tenant_id) as uow:
                search(uow)

        with self.deps.reading(self.tenant_id) as uow, captured_statements(self.engine) as generated:
            search(uow)

        def hand_written() -> None:
            with self.engine.connect() as conn:
                conn.execute(floor, params).all()

        times = timed_together({"api": lambda: self.call(path, query), "repository": repository,
                                "generated": replay(self.engine, generated), "floor": hand_written}, self.rounds)
        report(label, **times)
        return body


def _check_floor(label: str, items: list[dict[str, Any]], rows: list[sa.Row[Any]]) -> None:
    """The floor must fetch what the API returns: the same ids in the same order, the same columns."""
    if not items:
        raise SystemExit(f"{label}: the API page is empty - nothing to compare")
    wanted = set(items[0]) - COMPUTED
    got = set(rows[0]._fields) if rows else set()
    if wanted != got:
        raise SystemExit(f"{label}: the floor's columns differ from the API item's: "
                         f"missing {sorted(wanted - got)}, extra {sorted(got - wanted)}")
    if [str(r.id) for r in rows[: len(items)]] != [i["id"] for i in items]:
        raise SystemExit(f"{label}: the floor returns other rows than the API")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get(
        "DPS_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/dps_bench"))
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--fresh", action="store_true", help="drop and regenerate the database")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--query", default="さくらでんき", help="account search text (kana or kanji)")
    parser.add_argument("--no-walk", action="store_true", help="skip paging through all open opportunities")
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
        under = conn.execute(sa.text("SELECT count(*) FROM org_closure WHERE tenant_id = :t AND ancestor_id = :o"),
                             {"t": tenant.id, "o": org_id}).scalar()
    print(f"tenant: {counts}\nmanager {login} of org0001 ({under} organisations at or under it)")

    bearer = container.issue_api_token_for_user()(admin, login, "bench").bearer
    client = AsgiClient(create_app(container))
    try:
        bench = Bench(client, {"Authorization": f"Bearer {bearer}"}, container, tenant.id, bearer, args.rounds)
        mine_query = {"mine": "true", "is_open": "true", "sort": "-expected_order_date", "limit": 50}
        opportunities = OpportunitySearch(mine=True, is_open=True)
        first = bench.page(
            "自担当 open opportunities, newest expected date first, 50 per page (first page)",
            "/api/v1/opportunities", mine_query,
            lambda uow: uow.opportunities.search(bench.viewer, opportunities,
                                                 PageRequest(limit=50, sort="-expected_order_date")),
            bench.floor(floor_sql.mine_open_opportunities(with_groups=bench.with_groups, after=False)))
        print(f"  ({len(first['items'])} items, next cursor: {bool(first.get('next_cursor'))})")
        if first.get("next_cursor"):
            last = first["items"][-1]
            cursor = first["next_cursor"]
            bench.page(
                "... the second page (through the cursor)", "/api/v1/opportunities", dict(mine_query, cursor=cursor),
                lambda uow: uow.opportunities.search(bench.viewer, opportunities, PageRequest(
                    limit=50, sort="-expected_order_date", cursor=cursor)),
                bench.floor(floor_sql.mine_open_opportunities(with_groups=bench.with_groups, after=True)),
                {"after_value": date.fromisoformat(last["expected_order_date"]), "after_id": UUID(last["id"])})

        q = args.query
        found = bench.page(
            f"text search on account name ({q!r}), by name, 50 per page", "/api/v1/accounts",
            {"q": q, "limit": 50, "sort": "name"},
            lambda uow: uow.accounts.search(bench.viewer, AccountQuery(q=q), PageRequest(limit=50, sort="name")),
            bench.floor(floor_sql.account_search(with_groups=bench.with_groups)),
            {"q": f"%{normalize_for_search(q)}%"})
        print(f"  ({len(found['items'])} items on the first page)")

        bench.page(
            "自担当 activities, newest first, 50 per page", "/api/v1/activities", {"mine": "true", "limit": 50},
            lambda uow: uow.activities.search(bench.viewer, ActivitySearch(mine=True), PageRequest(limit=50)),
            bench.floor(floor_sql.mine_activities(with_groups=bench.with_groups)))

        if not args.no_walk:
            walk(bench, mine_query)
    finally:
        client.close()


def walk(bench: Bench, mine_query: dict[str, Any]) -> None:
    """Page through all of the manager's open opportunities, watching the process's memory."""
    print("paging through all of the manager's open opportunities ...")
    query: dict[str, Any] = dict(mine_query, limit=200)
    pages = rows = 0
    marks = [rss_mib()]
    started = time.perf_counter()
    while True:
        body = bench.api("/api/v1/opportunities", query)
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
