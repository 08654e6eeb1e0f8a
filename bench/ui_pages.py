"""Web UI pages at scale on PostgreSQL: the HTML list and detail pages, rendered in-process.

    .venv/bin/python bench/ui_pages.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/dps_bench]
                                       [--rounds 20] [--query さくらでんき]

Uses the tenant "bench" that `sales_scale.py` generates (run that first; this script never generates)
and its manager of the second-level organisation org0001. It gives that user a known password
(SetUserPassword) and logs in through the LogIn use case, so the pages are fetched with a real session
cookie, like a browser's. Each page is timed (median and p95 of `--rounds` runs, after one warm-up)
beside its floor measured in the same run: the same page's JSON API call (same filters, 50 rows), which
does the same use case work without the HTML. Printed per page: the HTML page's median and p95, the
API's, the ratio page / API, the SQL statements the page sends, and the target (page median < 150 ms).

    page: 自担当 opportunities    /opportunities?mine=true      vs GET /api/v1/opportunities?mine=true&limit=50
    page: account search          /accounts?q=...               vs GET /api/v1/accounts?q=...&limit=50
    page: 自担当 activities       /activities?mine=true         vs GET /api/v1/activities?mine=true&limit=50
    page: persons                 /persons                      vs GET /api/v1/persons?limit=50
    page: an opportunity          /opportunities/{id}           vs GET /api/v1/opportunities/{id}
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import captured_statements, p95, timed
from bench.sales_scale import TENANT, AsgiClient

from dps.adapters.logs.channels import configure_logging
from dps.application.auth.principals import system_principal
from dps.bootstrap.container import build_container
from dps.bootstrap.settings import Settings
from dps.entrypoints.http.app import create_app
from dps.entrypoints.http.deps import HttpSettings
from dps.entrypoints.http.sessions import COOKIE_NAME, SessionCookies

TARGET_MS = 150.0
PASSWORD = "Bench-UI-pages-2026!"
ROW = re.compile(r"<tr[^>]*\bdata-id=")


def manager_login(engine: sa.Engine, tenant_id: Any) -> str:
    """The manager of org0001 (the same user sales_scale.py measures as)."""
    with engine.connect() as conn:
        login: str = conn.execute(sa.text(
            "SELECT u.login_id FROM organizations o JOIN affiliations f ON f.organization_id = o.id "
            "JOIN users u ON u.id = f.user_id JOIN positions p ON p.id = f.position_id "
            "WHERE o.tenant_id = :t AND o.code = 'org0001' AND p.is_manager"), {"t": tenant_id}).scalar_one()
    return login


class Pages:
    """The app in-process with the manager's session cookie (pages) and bearer token (API)."""

    def __init__(self, client: AsgiClient, engine: sa.Engine, cookie: str, bearer: str, rounds: int) -> None:
        self.client, self.engine, self.rounds = client, engine, rounds
        self.page_headers = {"Cookie": f"{COOKIE_NAME}={cookie}", "Accept": "text/html"}
        self.api_headers = {"Authorization": f"Bearer {bearer}"}

    def get(self, path: str, query: dict[str, Any], headers: dict[str, str]) -> str:
        response = self.client.get(path, params=query, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"{path} {query} -> {response.status_code}: {response.text[:300]}")
        return response.text

    def measure(self, label: str, path: str, query: dict[str, Any], api_path: str, api_query: dict[str, Any]) -> None:
        html = self.get(path, query, self.page_headers)
        if "/login" in html[:2000] and 'name="password"' in html:
            raise SystemExit(f"{path}: the session cookie was refused (got the login page)")
        with captured_statements(self.engine) as statements:
            self.get(path, query, self.page_headers)
        page = timed(lambda: self.get(path, query, self.page_headers), self.rounds)
        api = timed(lambda: self.get(api_path, api_query, self.api_headers), self.rounds)
        med_page, med_api = statistics.median(page), statistics.median(api)
        verdict = "ok" if med_page < TARGET_MS else "OVER TARGET"
        print(f"{label}\n  GET {path} {query or ''}  ({len(ROW.findall(html))} rows, {len(html):,} bytes, "
              f"{len(statements)} SQL statements)")
        print(f"  HTML page              median {med_page:7.1f} ms   p95 {p95(page):7.1f} ms   "
              f"[target median < {TARGET_MS:.0f} ms: {verdict}]")
        print(f"  JSON API (floor)       median {med_api:7.1f} ms   p95 {p95(api):7.1f} ms   GET {api_path}")
        print(f"  ratio page / API (median)  {med_page / max(med_api, 1e-6):5.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get(
        "DPS_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/dps_bench"))
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--query", default="さくらでんき", help="account search text (kana or kanji)")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="dps-bench-ui-"))
    settings = Settings(data_dir=data_dir, database_url=args.url, log_dir=data_dir / "logs",
                        secret_key="bench-secret-key-0123456789abcdef", password_hash_memory_kib=1024)
    configure_logging(settings.log_dir, level="WARNING")  # the request and screen logs would flood the figures
    container = build_container(settings)
    engine: sa.Engine = container.engine()
    tenant = container.find_tenant()(TENANT)
    if tenant is None:
        raise SystemExit(f"no tenant {TENANT!r} at {args.url}: run bench/sales_scale.py first")
    admin = system_principal(tenant.id, actor="bench")
    login = manager_login(engine, tenant.id)
    container.set_user_password()(admin, login, PASSWORD)
    session = container.log_in()(TENANT, login, PASSWORD)
    http = HttpSettings.of(settings)
    cookie = SessionCookies(secret_key=http.secret_key, secure=http.secure_cookies).value(
        session.tenant_id, session.session_secret)
    bearer = container.issue_api_token_for_user()(admin, login, "bench-ui").bearer
    print(f"manager {login} of org0001; {args.rounds} rounds per page")

    client = AsgiClient(create_app(container))
    try:
        pages = Pages(client, engine, cookie, bearer, args.rounds)
        first = client.get("/api/v1/opportunities", params={"mine": "true", "limit": 1},
                           headers=pages.api_headers).json()["items"]
        pages.measure("自担当 opportunities, 50 per page", "/opportunities", {"mine": "true"},
                      "/api/v1/opportunities", {"mine": "true", "limit": 50})
        pages.measure(f"account search ({args.query!r}), 50 per page", "/accounts", {"q": args.query},
                      "/api/v1/accounts", {"q": args.query, "limit": 50})
        pages.measure("自担当 activities, 50 per page", "/activities", {"mine": "true"},
                      "/api/v1/activities", {"mine": "true", "limit": 50})
        pages.measure("persons, 50 per page", "/persons", {}, "/api/v1/persons", {"limit": 50})
        if first:
            opportunity = first[0]["id"]
            pages.measure("an opportunity's detail page", f"/opportunities/{opportunity}", {},
                          f"/api/v1/opportunities/{opportunity}", {})
    finally:
        client.close()


if __name__ == "__main__":
    main()
