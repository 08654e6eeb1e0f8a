"""API tokens checked once are trusted without database work until the tenant's directory changes
(ADR 23): on PostgreSQL the commit of any change to the tenant row (every directory write bumps it) or to
an API token notifies `dps_directory`, whatever wrote it; a lost listening connection trusts nothing.
SQLite has no notifications: every token is checked against the database."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient

from dps.adapters.db.directory_watch import DirectoryWatch
from dps.application.directory.users import AddUserCommand
from dps.application.shared.errors import Unauthenticated
from dps.bootstrap.container import Container
from dps.domain.shared.principal import License, Principal
from dps.domain.tenancy.tenants import Tenant
from dps.entrypoints.http.app import create_app
from tests.integration.conftest import _wipe, make_container, statements_sent


@pytest.fixture
def engine(_pg_engine: sa.Engine) -> Iterator[sa.Engine]:
    """PostgreSQL only (the conftest's `engine` takes SQLite too): notifications are PostgreSQL's."""
    _wipe(_pg_engine)
    yield _pg_engine
    _wipe(_pg_engine)


def eventually(condition: Callable[[], bool], what: str, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(0.02)


def listening(container: Container, tenant: Tenant) -> DirectoryWatch:
    watch = container.directory_freshness()
    assert isinstance(watch, DirectoryWatch)
    eventually(lambda: watch.stamp(tenant.id) is not None, "the directory watch listens")
    return watch


def trusted(container: Container, bearer: str) -> Principal:
    """Check the token until a check sticks (notifications of the set-up's own commits may still be on
    their way; each one rightly drops the check made before it)."""
    resolve = container.resolve_api_token()
    found: list[Principal] = []

    def check() -> bool:
        principal = resolve(bearer)
        if resolve.cached(bearer) != principal:
            return False
        found.append(principal)
        return True

    eventually(check, "a checked token is trusted")
    return found[-1]


@pytest.fixture
def bearer(container: Container, tenant: Tenant, admin: Principal) -> str:
    container.add_user()(admin, AddUserCommand(login_id="tanaka", name="田中 一郎", license=License.FULL,
                                               password="Sales-2026-pass"))
    return container.issue_api_token_for_user()(admin, "tanaka", "batch").bearer


def test_a_token_checked_once_is_trusted_without_the_database(container: Container, engine: sa.Engine,
                                                              tenant: Tenant, bearer: str) -> None:
    resolve = container.resolve_api_token()
    listening(container, tenant)
    assert resolve.cached(bearer) is None  # never checked yet
    principal = trusted(container, bearer)
    with statements_sent(engine) as statements:
        assert resolve.cached(bearer) == principal
    assert statements == []
    tampered = bearer[:-3] + ("xyz" if not bearer.endswith("xyz") else "abc")
    assert resolve.cached(tampered) is None  # the secret is compared every time
    with pytest.raises(Unauthenticated):
        resolve(tampered)


def _revoke_by_use_case(c: Container, tenant: Tenant, admin: Principal, bearer: str, engine: sa.Engine) -> None:
    owner = c.resolve_api_token()(bearer)  # the other process checks the token itself
    with engine.connect() as conn:
        token = conn.exec_driver_sql("SELECT id FROM api_tokens").scalar_one()
    c.revoke_api_token()(owner, token)


def _revoke_by_hand(c: Container, tenant: Tenant, admin: Principal, bearer: str, engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE api_tokens SET revoked_at = now()")


def _deactivate_user(c: Container, tenant: Tenant, admin: Principal, bearer: str, engine: sa.Engine) -> None:
    c.deactivate_user()(admin, "tanaka")


def _deactivate_tenant_by_hand(c: Container, tenant: Tenant, admin: Principal, bearer: str,
                               engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE tenants SET is_active = false")


@pytest.mark.parametrize("change", [_revoke_by_use_case, _revoke_by_hand, _deactivate_user,
                                    _deactivate_tenant_by_hand])
def test_a_change_made_anywhere_ends_the_trust(change: Callable[..., None], container: Container,
                                               engine: sa.Engine, tenant: Tenant, admin: Principal, bearer: str,
                                               tmp_path: Path) -> None:
    resolve = container.resolve_api_token()
    listening(container, tenant)
    trusted(container, bearer)
    elsewhere = make_container(tmp_path / "other", engine)  # another process: its own memo and caches
    change(elsewhere, tenant, admin, bearer, engine)
    eventually(lambda: resolve.cached(bearer) is None, "the notification ends the trust")
    with pytest.raises(Unauthenticated):
        resolve(bearer)
    assert resolve.cached(bearer) is None


def test_a_lost_listening_connection_trusts_nothing(container: Container, engine: sa.Engine, tenant: Tenant,
                                                    bearer: str) -> None:
    resolve = container.resolve_api_token()
    watch = listening(container, tenant)
    trusted(container, bearer)
    pid = watch.backend_pid
    with engine.begin() as conn:
        conn.exec_driver_sql("SELECT pg_terminate_backend(%(p)s)", {"p": pid})
    eventually(lambda: resolve.cached(bearer) is None, "a cut connection forgets every check")
    with statements_sent(engine) as statements:
        resolve(bearer)
    assert statements, "checked against the database again"
    eventually(lambda: watch.backend_pid not in (None, pid) and watch.stamp(tenant.id) is not None,
               "the watch listens again")
    trusted(container, bearer)


def test_an_api_request_with_a_trusted_token_sends_only_its_own_query(container: Container, engine: sa.Engine,
                                                                      tenant: Tenant, bearer: str) -> None:
    listening(container, tenant)
    trusted(container, bearer)
    headers = {"Authorization": f"Bearer {bearer}"}
    with TestClient(create_app(container)) as client:
        assert client.get("/api/v1/opportunities", headers=headers).status_code == 200
        with statements_sent(engine) as statements:
            response: Any = client.get("/api/v1/opportunities", headers=headers)
        assert response.status_code == 200, response.text
        assert len(statements) == 1 and "FROM opportunities" in statements[0], statements  # noqa: PT018
        with engine.begin() as conn:
            conn.exec_driver_sql("UPDATE api_tokens SET revoked_at = now()")
        eventually(lambda: container.resolve_api_token().cached(bearer) is None, "the revocation is noticed")
        assert client.get("/api/v1/opportunities", headers=headers).status_code == 401


def test_on_sqlite_every_token_is_checked_against_the_database(sqlite_engine: sa.Engine, tmp_path: Path) -> None:
    from dps.application.auth.principals import system_principal
    from dps.application.tenancy.tenants import CreateTenantCommand

    c = make_container(tmp_path, sqlite_engine)
    tenant = c.create_tenant()(CreateTenantCommand(code="acme", name="ACME株式会社", full_licenses=5,
                                                   light_licenses=3))
    admin = system_principal(tenant.id, actor="test-admin")
    c.add_user()(admin, AddUserCommand(login_id="tanaka", name="田中 一郎", license=License.FULL,
                                       password="Sales-2026-pass"))
    bearer = c.issue_api_token_for_user()(admin, "tanaka", "batch").bearer
    assert c.directory_freshness() is None
    c.resolve_api_token()(bearer)
    assert c.resolve_api_token().cached(bearer) is None
