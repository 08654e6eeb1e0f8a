"""Login, sessions, lockout and API tokens against the real databases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dependency_injector import providers

from dps.application.directory.users import AddUserCommand
from dps.application.shared.errors import Invalid, Unauthenticated
from dps.bootstrap.container import Container
from dps.domain.shared.principal import License, Principal
from dps.domain.tenancy.tenants import Tenant
from tests.fakes.clock import FakeClock

PASSWORD = "Sales-2026-pass"


@pytest.fixture
def clock(container: Container) -> Iterator[FakeClock]:
    fake = FakeClock()
    container.clock.override(providers.Object(fake))
    yield fake
    container.clock.reset_override()


@pytest.fixture
def user(container: Container, admin: Principal, clock: FakeClock):  # type: ignore[no-untyped-def]
    return container.add_user()(admin, AddUserCommand(
        login_id="tanaka", name="田中 一郎", license=License.FULL, password=PASSWORD))


def test_login_opens_a_session_that_resolves_to_the_principal(container: Container, tenant: Tenant, user) -> None:  # type: ignore[no-untyped-def]
    result = container.log_in()("acme", "tanaka", PASSWORD)
    principal = container.resolve_session()(tenant.id, result.session_secret)
    assert principal.user_id == user.id
    assert principal.license is License.FULL


@pytest.mark.parametrize(("tenant_code", "login", "password"), [
    ("nope", "tanaka", PASSWORD), ("acme", "nobody", PASSWORD), ("acme", "tanaka", "wrong-password"),
])
def test_failures_look_alike(container: Container, user, tenant_code: str, login: str, password: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Unauthenticated) as e:
        container.log_in()(tenant_code, login, password)
    assert "wrong tenant, login id or password" in e.value.message


def test_five_failures_lock_the_account_for_a_while(container: Container, user, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            container.log_in()("acme", "tanaka", "wrong-password")
    with pytest.raises(Unauthenticated) as e:
        container.log_in()("acme", "tanaka", PASSWORD)
    assert "locked" in e.value.message
    clock.advance(minutes=16)
    container.log_in()("acme", "tanaka", PASSWORD)


def test_sessions_end_when_idle_or_old(container: Container, tenant: Tenant, user, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    idle = container.log_in()("acme", "tanaka", PASSWORD).session_secret
    clock.advance(hours=2, minutes=1)
    with pytest.raises(Unauthenticated):
        container.resolve_session()(tenant.id, idle)
    busy = container.log_in()("acme", "tanaka", PASSWORD).session_secret
    for _ in range(12):  # active every hour, still ends 12 h after login
        clock.advance(minutes=59)
        container.resolve_session()(tenant.id, busy)
    clock.advance(minutes=13)
    with pytest.raises(Unauthenticated):
        container.resolve_session()(tenant.id, busy)


def test_a_session_is_bound_to_its_tenant(container: Container, tenant: Tenant, user) -> None:  # type: ignore[no-untyped-def]
    from dps.application.tenancy.tenants import CreateTenantCommand

    other = container.create_tenant()(CreateTenantCommand(code="other-co", name="他社"))
    secret = container.log_in()("acme", "tanaka", PASSWORD).session_secret
    with pytest.raises(Unauthenticated):
        container.resolve_session()(other.id, secret)


def test_logout_and_deactivation_end_sessions(container: Container, admin: Principal, tenant: Tenant, user) -> None:  # type: ignore[no-untyped-def]
    s1 = container.log_in()("acme", "tanaka", PASSWORD).session_secret
    container.log_out()(tenant.id, s1)
    with pytest.raises(Unauthenticated):
        container.resolve_session()(tenant.id, s1)
    s2 = container.log_in()("acme", "tanaka", PASSWORD).session_secret
    container.deactivate_user()(admin, "tanaka")
    with pytest.raises(Unauthenticated):
        container.resolve_session()(tenant.id, s2)


def test_change_password_ends_other_sessions(container: Container, tenant: Tenant, user) -> None:  # type: ignore[no-untyped-def]
    keep = container.log_in()("acme", "tanaka", PASSWORD)
    other = container.log_in()("acme", "tanaka", PASSWORD).session_secret
    with pytest.raises(Invalid) as e:
        container.change_password()(keep.principal, "not-it", "New-pass-2026!")
    assert "current_password" in e.value.errors
    container.change_password()(keep.principal, PASSWORD, "New-pass-2026!", keep_session_secret=keep.session_secret)
    container.resolve_session()(tenant.id, keep.session_secret)
    with pytest.raises(Unauthenticated):
        container.resolve_session()(tenant.id, other)
    with pytest.raises(Unauthenticated):
        container.log_in()("acme", "tanaka", PASSWORD)
    container.log_in()("acme", "tanaka", "New-pass-2026!")


def test_api_tokens_resolve_until_revoked(container: Container, user) -> None:  # type: ignore[no-untyped-def]
    principal = container.log_in()("acme", "tanaka", PASSWORD).principal
    issued = container.issue_api_token()(principal, "batch")
    assert issued.bearer.startswith("dps.")
    assert container.resolve_api_token()(issued.bearer).user_id == user.id
    tampered = issued.bearer[:-2] + ("AA" if not issued.bearer.endswith("AA") else "BB")
    with pytest.raises(Unauthenticated):
        container.resolve_api_token()(tampered)
    container.revoke_api_token()(principal, issued.token.id)
    with pytest.raises(Unauthenticated):
        container.resolve_api_token()(issued.bearer)


def test_passwords_are_stored_as_argon2_hashes(container: Container, admin: Principal, user) -> None:  # type: ignore[no-untyped-def]
    with container.uow()(admin.tenant_id) as uow:
        stored = uow.users.get_by_login("tanaka")
    assert stored is not None
    assert stored.password_hash is not None
    assert stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash


def test_an_unreachable_database_is_service_unavailable(container: Container) -> None:
    from dps.adapters.db.engine import create_engine
    from dps.application.shared.errors import ServiceUnavailable

    container.engine.override(create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    with pytest.raises(ServiceUnavailable):
        container.log_in()("acme", "tanaka", PASSWORD)
