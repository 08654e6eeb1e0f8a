"""Helpers of the real-browser and query-count tests: a small realistic world made through the use cases
and the JSON API, logging in through the real /login form, screenshots, and an SQL statement counter."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from attrs import define, field

from dps.application.auth.principals import system_principal
from dps.application.directory.affiliations import AssignAffiliationCommand
from dps.application.directory.companies import CreateCompanyCommand
from dps.application.directory.organizations import CreateOrganizationCommand
from dps.application.directory.positions import CreatePositionCommand
from dps.application.directory.users import AddUserCommand
from dps.application.tenancy.tenants import CreateTenantCommand
from dps.bootstrap.container import Container
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.shared.principal import License, Principal, Role

REPO_ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = REPO_ROOT / "var" / "screenshots"
PC = {"width": 1280, "height": 800}
MOBILE = {"width": 375, "height": 812}
HTML = "text/html; charset=utf-8"
SINCE = date(2000, 4, 1)
TENANT = "acme"
PASSWORDS = {
    "alice": "Alice-Browser-2026", "bob": "Bob-Browser-2026", "carol": "Carol-Browser-2026",
    "lena": "Lena-Browser-2026", "root": "Root-Browser-2026",
}
NAMES = {"alice": "青木 亜希", "bob": "坂本 ボブ", "carol": "千葉 花子", "lena": "林 玲奈", "root": "管理 太郎"}


@define
class People:
    """The directory: alice (full, 営業一課), bob (full, manager of 営業部 above it), carol (full, 開発部),
    lena (light, 営業一課), root (tenant administrator, for the catalogue)."""

    container: Container
    admin: Principal
    ids: dict[str, UserId] = field(factory=dict)
    orgs: dict[str, OrganizationId] = field(factory=dict)
    bearers: dict[str, str] = field(factory=dict)

    def auth(self, login: str) -> dict[str, str]:
        if login not in self.bearers:
            self.bearers[login] = self.container.issue_api_token_for_user()(self.admin, login, "ui-test").bearer
        return {"Authorization": f"Bearer {self.bearers[login]}"}


def make_people(container: Container) -> People:
    tenant = container.create_tenant()(CreateTenantCommand(code=TENANT, name="ACME株式会社", full_licenses=10,
                                                           light_licenses=5))
    admin = system_principal(tenant.id, actor="ui-test")
    people = People(container=container, admin=admin)
    company = container.create_company()(admin, CreateCompanyCommand("acme", "ACME株式会社", SINCE))
    manager = container.create_position()(admin, CreatePositionCommand(company.id, "mgr", "部長", 10, is_manager=True))
    for code, name, parent in (("hq", "本社", None), ("sales", "営業部", "hq"), ("sales1", "営業一課", "sales"),
                               ("dev", "開発部", "hq")):
        org = container.create_organization()(admin, CreateOrganizationCommand(
            company.id, code, name, SINCE, parent_id=people.orgs[parent] if parent else None))
        people.orgs[code] = org.id
    for login, org_code, license, position in (
        ("alice", "sales1", License.FULL, None), ("bob", "sales", License.FULL, manager.id),
        ("carol", "dev", License.FULL, None), ("lena", "sales1", License.LIGHT, None),
        ("root", "hq", License.FULL, None),
    ):
        roles = frozenset({Role.TENANT_ADMIN}) if login == "root" else frozenset()
        user = container.add_user()(admin, AddUserCommand(
            login_id=login, name=NAMES[login], license=license, password=PASSWORDS[login], roles=roles))
        people.ids[login] = user.id
        container.assign_affiliation()(admin, AssignAffiliationCommand(
            user.id, people.orgs[org_code], SINCE, position_id=position))
    container.refresh_org_closure()(admin)
    return people


def created(response: Any) -> dict[str, Any]:
    assert response.status_code in (200, 201), f"{response.status_code}: {response.text[:500]}"
    body: dict[str, Any] = response.json()
    return body


def budget_lines(base: int = 1000) -> list[dict[str, str]]:
    months = [(2026, m) for m in range(4, 13)] + [(2027, m) for m in (1, 2, 3)]
    return [{"month": f"{y}-{m:02d}", "amount": str(base * m)} for y, m in months]


@define
class Sales:
    """The sales records of the world, as the API answered them (id, version, url, ...)."""

    account: dict[str, Any]
    persons: list[dict[str, Any]]
    products: list[dict[str, Any]]
    opportunity: dict[str, Any]
    """基幹システム更改: alice's, stage 20 (提案), two product lines."""
    moving: dict[str, Any]
    """ステージ移動案件: alice's, stage 10; the mobile activity moves it on."""
    secret: dict[str, Any]
    """極秘案件: alice's, 非公開 with an empty allow-list (carol may not see it)."""
    activity: dict[str, Any]
    """初回訪問: alice's actual visit on 基幹システム更改 (comments and likes)."""
    planned: dict[str, Any]
    lead: dict[str, Any]
    campaign: dict[str, Any]
    budget: dict[str, Any]


def seed_sales(api: httpx.Client, people: People) -> Sales:
    """The records every screen shows, made through the JSON API (so through the use cases); `api` is an
    httpx client of the live server or litestar's TestClient (a subclass)."""
    alice, root = people.auth("alice"), people.auth("root")
    products = [
        created(api.post("/api/v1/products", headers=root, json={
            "code": code, "name": name, "standard_price": price, "category_code": "software"}))
        for code, name, price in (("LIC-1", "年間ライセンス", "1500000"), ("SUP-1", "導入支援サービス", "800000"))
    ]
    account = created(api.post("/api/v1/accounts", headers=alice, json={
        "name": "東京商事", "kana": "トウキョウショウジ", "account_type_code": "customer"}))
    persons = [
        created(api.post("/api/v1/persons", headers=alice, json={
            "account_id": account["id"], "last_name": last, "first_name": first}))
        for last, first in (("木村", "一"), ("佐藤", "花子"))
    ]
    opportunity = created(api.post("/api/v1/opportunities", headers=alice, json={
        "name": "基幹システム更改", "account_id": account["id"], "stage_code": "20", "certainty_code": "B",
        "expected_order_date": "2026-12-15",
        "lines": [{"product_id": products[0]["id"], "quantity": 2},
                  {"product_name": "保守契約", "quantity": 1, "unit_price": "300000"}]}))
    moving = created(api.post("/api/v1/opportunities", headers=alice, json={
        "name": "ステージ移動案件", "account_id": account["id"], "stage_code": "10",
        "expected_order_date": "2027-01-20"}))
    secret = created(api.post("/api/v1/opportunities", headers=alice, json={
        "name": "極秘案件", "account_id": account["id"], "stage_code": "10", "restriction": {}}))
    activity = created(api.post("/api/v1/activities", headers=alice, json={
        "kind_code": "visit", "subject": "初回訪問", "status": "done", "activity_date": "2026-11-20",
        "opportunity_id": opportunity["id"], "person_ids": [persons[0]["id"]], "content": "要件をヒアリングした。"}))
    planned = created(api.post("/api/v1/activities", headers=alice, json={
        "kind_code": "call", "subject": "見積説明の電話", "activity_date": "2026-12-01",
        "account_id": account["id"]}))
    lead = created(api.post("/api/v1/leads", headers=alice, json={
        "company_name": "大阪物産", "last_name": "山田", "source_code": "exhibition"}))
    campaign = created(api.post("/api/v1/campaigns", headers=alice, json={
        "name": "新製品セミナー", "starts_on": "2026-05-10"}))
    budget = created(api.post("/api/v1/budgets", headers=alice, json={
        "fiscal_year": 2026, "kind_code": "orders", "organization_id": str(people.orgs["sales1"]),
        "lines": budget_lines()}))
    return Sales(account=account, persons=persons, products=products, opportunity=opportunity, moving=moving,
                 secret=secret, activity=activity, planned=planned, lead=lead, campaign=campaign, budget=budget)


@define
class StatementCounter:
    """Counts the SQL statements the engine sends while `counting` (the session lookup included)."""

    engine: sa.Engine
    statements: list[str] = field(factory=list)

    @contextmanager
    def counting(self) -> Iterator[list[str]]:
        found: list[str] = []

        def listen(_conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool) -> None:
            found.append(statement)

        sa.event.listen(self.engine, "before_cursor_execute", listen)
        try:
            yield found
        finally:
            sa.event.remove(self.engine, "before_cursor_execute", listen)
            self.statements = found


# --- browser helpers (Playwright sync API; `page` is a playwright Page) ---------------------------------

def login(page: Any, base_url: str, user: str, *, next_path: str = "/") -> None:
    """Log in through the real /login form and wait for the page behind it."""
    page.goto(f"{base_url}/login?next={next_path}")
    page.fill("input[name=tenant]", TENANT)
    page.fill("input[name=login_id]", user)
    page.fill("input[name=password]", PASSWORDS[user])
    with page.expect_navigation():
        page.click("form[action='/login'] button[type=submit]")
    assert "/login" not in page.url, f"{user} could not log in: {page.inner_text('body')[:300]}"


def screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    """A PNG of the page under var/screenshots/ (repository root), named `name`.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def html_response(response: Any) -> None:
    """A page answered 200 with text/html in UTF-8."""
    assert response is not None
    assert response.status == 200, f"{response.url} -> {response.status}"
    assert response.headers.get("content-type") == HTML, response.headers.get("content-type")
