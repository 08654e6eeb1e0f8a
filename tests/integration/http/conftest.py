"""HTTP tests: litestar's TestClient over create_app(container), on SQLite, logs in tmp_path/logs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import structlog
from attrs import define, field
from dependency_injector import providers
from litestar.testing import TestClient

from dps.adapters.logs.channels import configure_logging, reset_logging
from dps.application.auth.principals import system_principal
from dps.application.directory.affiliations import AssignAffiliationCommand
from dps.application.directory.companies import CreateCompanyCommand
from dps.application.directory.organizations import CreateOrganizationCommand
from dps.application.directory.users import AddUserCommand
from dps.application.tenancy.tenants import CreateTenantCommand
from dps.bootstrap.container import Container
from dps.domain.directory.organizations import Organization
from dps.domain.shared.principal import License, Principal, Role
from dps.domain.tenancy.tenants import Tenant
from dps.entrypoints.http.app import create_app
from tests.fakes.registry import FakeRegistry, sample_registry
from tests.integration.conftest import make_container

PASSWORD = "Correct-Horse-42"
LIGHT_PASSWORD = "Light-Battery-77"
CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


class ShiftedClock:
    """The real time plus an offset tests can move forward (session expiry)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


@define
class World:
    container: Container
    tenant: Tenant
    admin: Principal
    organization: Organization
    clock: ShiftedClock
    log_dir: Path
    users: dict[str, str] = field(factory=dict)
    """login id -> password."""

    def lines(self, kind: str, tenant: str = "acme") -> list[dict[str, Any]]:
        path = self.log_dir / tenant / f"{kind}.log"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]

    def events(self, kind: str, tenant: str = "acme") -> list[str]:
        return [line["event"] for line in self.lines(kind, tenant)]

    def add_user(self, login_id: str, *, license: License = License.FULL, admin: bool = False,
                 password: str = PASSWORD, email: str = "") -> None:
        self.container.add_user()(self.admin, AddUserCommand(
            login_id=login_id, name=f"{login_id.title()} 太郎", license=license, password=password, email=email,
            roles=frozenset({Role.TENANT_ADMIN}) if admin else frozenset(),
        ))
        self.users[login_id] = password

    def bearer(self, login_id: str) -> str:
        return self.container.issue_api_token_for_user()(self.admin, login_id).bearer


@pytest.fixture
def app_container(tmp_path: Path, sqlite_engine: sa.Engine) -> Iterator[Container]:
    container = make_container(tmp_path, sqlite_engine)
    configure_logging(tmp_path / "logs")
    structlog.contextvars.clear_contextvars()
    yield container
    structlog.contextvars.clear_contextvars()
    reset_logging()
    container.engine.reset_override()
    container.clock.reset_override()


@pytest.fixture
def world(app_container: Container, tmp_path: Path) -> World:
    """Tenant acme with 営業部 (sales) and two users: alice (full, admin, in 営業部) and bob (light)."""
    clock = ShiftedClock()
    app_container.clock.override(providers.Object(clock))
    tenant = app_container.create_tenant()(
        CreateTenantCommand(code="acme", name="ACME株式会社", full_licenses=5, light_licenses=3)
    )
    admin = system_principal(tenant.id, actor="test-admin")
    company = app_container.create_company()(admin, CreateCompanyCommand("acme", "ACME株式会社", date(2000, 4, 1)))
    org = app_container.create_organization()(
        admin, CreateOrganizationCommand(company.id, "sales", "営業部", date(2000, 4, 1))
    )
    w = World(container=app_container, tenant=tenant, admin=admin, organization=org, clock=clock,
              log_dir=tmp_path / "logs")
    w.add_user("alice", admin=True)
    w.add_user("bob", license=License.LIGHT, password=LIGHT_PASSWORD)
    alice = next(u for u in app_container.list_users()(admin) if u.login_id == "alice")
    app_container.assign_affiliation()(admin, AssignAffiliationCommand(alice.id, org.id, date(2000, 4, 1)))
    return w


@pytest.fixture
def client(app_container: Container) -> Iterator[TestClient[Any]]:
    with TestClient(create_app(app_container)) as c:
        yield c


def csrf_token(client: TestClient[Any], path: str = "/login") -> str:
    page = client.get(path)
    match = CSRF_FIELD.search(page.text)
    assert match, f"no CSRF field on {path}"
    return match.group(1)


def log_in(client: TestClient[Any], login_id: str, password: str, *, tenant: str = "acme",
           next: str = "/") -> Any:
    token = csrf_token(client)
    return client.post(
        "/login", data={"tenant": tenant, "login_id": login_id, "password": password, "next": next,
                        "_csrf_token": token},
        follow_redirects=False,
    )


@pytest.fixture
def registry(app_container: Container) -> Iterator[FakeRegistry]:
    """The sample registry in place of the configured one."""
    fake = sample_registry()
    app_container.corporate_registry.override(providers.Object(fake))
    yield fake
    app_container.corporate_registry.reset_override()
