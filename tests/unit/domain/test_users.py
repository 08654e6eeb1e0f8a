"""Users: login-failure lockout, password rules, field validation."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dps.domain.directory.users import LockoutPolicy, User, check_password_strength
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import UserId
from dps.domain.shared.principal import License, Principal, Role
from dps.domain.tenancy.tenants import Tenant

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def a_user(**kw: object) -> User:
    fields: dict[str, object] = {"login_id": "yamada", "name": "山田 太郎", "license": License.FULL, **kw}
    return User(id=UserId(uuid4()), **fields)  # type: ignore[arg-type]


@given(st.integers(min_value=1, max_value=12))
def test_account_locks_exactly_at_the_policy_threshold(failures: int) -> None:
    policy = LockoutPolicy(max_failures=5, lock_for=timedelta(minutes=15))
    user = a_user(password_hash="x")
    locked_at = [user.record_failed_login(NOW, policy) for _ in range(failures)]
    assert locked_at.count(True) == failures // 5
    assert user.is_locked(NOW) == (failures >= 5)
    assert not user.is_locked(NOW + timedelta(minutes=15))


def test_a_success_resets_the_failure_count() -> None:
    policy = LockoutPolicy()
    user = a_user(password_hash="x")
    for _ in range(4):
        user.record_failed_login(NOW, policy)
    user.record_successful_login()
    assert not user.record_failed_login(NOW, policy)


def test_inactive_or_passwordless_users_cannot_log_in() -> None:
    assert not a_user().can_log_in(NOW)
    user = a_user(password_hash="x")
    assert user.can_log_in(NOW)
    user.deactivate()
    assert not user.can_log_in(NOW)
    with pytest.raises(DomainError):
        user.deactivate()


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        pytest.param("short", False, id="too-short"),
        pytest.param("aaaaaaaaaaaa", False, id="one-character"),
        pytest.param("yamada", False, id="login-id"),
        pytest.param("Yamada-2026-x", True, id="good"),
    ],
)
def test_password_strength(password: str, ok: bool) -> None:
    if ok:
        check_password_strength(password, login_id="yamada")
    else:
        with pytest.raises(DomainError):
            check_password_strength(password, login_id="yamada")


@pytest.mark.parametrize(
    ("field", "value"),
    [("email", "not-an-email"), ("login_id", "a b"), ("locale", "fr"), ("time_zone", "Asia/Tokyo; rm")],
)
def test_invalid_fields_name_themselves(field: str, value: str) -> None:
    with pytest.raises(DomainError) as e:
        a_user(**{field: value})
    assert e.value.field == field


def test_light_principal_cannot_write_records_but_may_comment() -> None:
    p = Principal(tenant_id=uuid4(), user_id=uuid4(), login_id="x", name="x", license=License.LIGHT,  # type: ignore[arg-type]
                  roles=frozenset({Role.TENANT_ADMIN}))
    assert not p.can_write_records
    assert p.can_comment_and_like


@given(st.integers(0, 50), st.integers(0, 50))
def test_licence_count_bounds_active_users(limit: int, active: int) -> None:
    tenant = Tenant(id=uuid4(), code="acme", name="ACME", full_licenses=limit)  # type: ignore[arg-type]
    if active < limit:
        tenant.check_license_available(License.FULL, active)
    else:
        with pytest.raises(DomainError):
            tenant.check_license_available(License.FULL, active)
