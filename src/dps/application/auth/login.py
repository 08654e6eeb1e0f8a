"""Log in, resolve a session, log out, change one's password."""

from __future__ import annotations

import hashlib
import secrets

from attrs import frozen

from dps.application.auth.deps import AuthDeps
from dps.application.auth.principals import active_principal, principal_for
from dps.application.shared.errors import Invalid, NotFound, Unauthenticated, domain_rules
from dps.application.shared.time import today_in
from dps.domain.auth.sessions import WebSession
from dps.domain.directory.users import check_password_strength
from dps.domain.shared.ids import TenantId
from dps.domain.shared.principal import Principal

_GENERIC_FAILURE = "テナント、ログインIDまたはパスワードが正しくありません / wrong tenant, login id or password"


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@frozen
class LoginResult:
    tenant_id: TenantId
    session_secret: str
    principal: Principal


class LogIn:
    """Check a password and open a server-side session.

    - Unknown tenant, unknown or inactive user and wrong password fail alike (no user enumeration).
    - `LockoutPolicy.max_failures` wrong passwords in a row lock the account for a while.
    - Every success, failure and lockout is written to the tenant's security log.
    """

    def __init__(self, deps: AuthDeps) -> None:
        self._d = deps
        self._dummy_hash = deps.hasher.hash("dps-timing-equaliser")

    def __call__(self, tenant_code: str, login_id: str, password: str, *, remote_addr: str = "") -> LoginResult:
        now = self._d.clock.now()
        with self._d.tenancy() as tuow:
            tenant = tuow.tenants.get_by_code(tenant_code.strip())
        if tenant is None or not tenant.is_active:
            self._d.hasher.verify(self._dummy_hash, password)
            self._d.audit.security("login.failed", claimed_tenant=tenant_code, user=login_id, reason="unknown tenant",
                                   remote_addr=remote_addr)
            raise Unauthenticated(_GENERIC_FAILURE)
        with self._d.uow(tenant.id) as uow:
            user = uow.users.get_by_login(login_id.strip())
            if user is None or not user.is_active or user.password_hash is None:
                self._d.hasher.verify(self._dummy_hash, password)
                self._d.audit.security("login.failed", user=login_id, reason="unknown or inactive user",
                                       remote_addr=remote_addr)
                raise Unauthenticated(_GENERIC_FAILURE)
            if user.is_locked(now):
                self._d.audit.security("login.refused_locked", user=login_id, remote_addr=remote_addr,
                                       locked_until=user.locked_until.isoformat() if user.locked_until else None)
                raise Unauthenticated(
                    "ログイン失敗が続いたためアカウントがロックされています。しばらくしてから再度お試しください"
                    " / the account is locked after repeated failures; try again later"
                )
            if not self._d.hasher.verify(user.password_hash, password):
                locked = user.record_failed_login(now, self._d.lockout)
                uow.users.update(user)
                uow.commit()
                self._d.audit.security("login.failed", user=login_id, reason="wrong password",
                                       remote_addr=remote_addr)
                if locked:
                    self._d.audit.security("account.locked", user=login_id, remote_addr=remote_addr,
                                           locked_until=user.locked_until.isoformat() if user.locked_until else None)
                raise Unauthenticated(_GENERIC_FAILURE)
            user.record_successful_login()
            if self._d.hasher.needs_rehash(user.password_hash):
                user.set_password_hash(self._d.hasher.hash(password), now)
            uow.users.update(user)
            secret = secrets.token_urlsafe(32)
            uow.sessions.add(WebSession(
                key_hash=secret_hash(secret), tenant_id=tenant.id, user_id=user.id, created_at=now,
                expires_at=now + self._d.sessions.absolute, last_seen_at=now, idle_timeout=self._d.sessions.idle,
            ))
            principal = principal_for(uow, tenant.id, user, today_in(self._d.clock, user.time_zone))
            uow.commit()
        self._d.audit.security("login.succeeded", user=login_id, remote_addr=remote_addr)
        return LoginResult(tenant_id=tenant.id, session_secret=secret, principal=principal)


class ResolveSession:
    """The principal behind a session secret; Unauthenticated when it is unknown, expired or its user gone.

    The check only reads (a read-only unit of work: on a page request the use case that follows takes the
    tenant row it read, see `request_reads`); ending a dead session and the occasional touch of a live one
    write in a unit of work of their own."""

    def __init__(self, deps: AuthDeps) -> None:
        self._d = deps

    def __call__(self, tenant_id: TenantId, session_secret: str) -> Principal:
        now = self._d.clock.now()
        key = secret_hash(session_secret)
        with self._d.reading(tenant_id) as uow:
            try:
                tenant = uow.tenant()  # first: its directory version keys the principal memo
            except NotFound:
                raise Unauthenticated("session not found") from None
            session = uow.sessions.get(key)
            if session is None:
                raise Unauthenticated("session not found")
            alive = session.is_alive(now)
            principal = (active_principal(uow, tenant, session.user_id, self._d.clock)
                         if alive and tenant.is_active else None)
        if not alive:
            self._end(tenant_id, key)
            raise Unauthenticated("session expired")
        if principal is None:
            self._end(tenant_id, key)
            raise Unauthenticated("the user or the tenant is no longer active")
        if session.touch(now):
            with self._d.uow(tenant_id) as uow:
                uow.sessions.touch(session)
                uow.commit()
        return principal

    def _end(self, tenant_id: TenantId, key: str) -> None:
        with self._d.uow(tenant_id) as uow:
            uow.sessions.delete(key)
            uow.commit()


class LogOut:
    def __init__(self, deps: AuthDeps) -> None:
        self._d = deps

    def __call__(self, tenant_id: TenantId, session_secret: str, *, login_id: str = "") -> None:
        with self._d.uow(tenant_id) as uow:
            uow.sessions.delete(secret_hash(session_secret))
            uow.commit()
        self._d.audit.security("logout", user=login_id)


class ChangePassword:
    """A user changes their own password (light users too).

    - The current password must be right; the new one strong enough and different.
    - Every other session of the user ends.
    """

    def __init__(self, deps: AuthDeps) -> None:
        self._d = deps

    def __call__(
        self, principal: Principal, current: str, new: str, *, keep_session_secret: str | None = None
    ) -> None:
        with self._d.uow(principal.tenant_id) as uow:
            user = uow.users.get(principal.user_id)
            if user is None or user.password_hash is None:
                raise Unauthenticated("user not found")
            if not self._d.hasher.verify(user.password_hash, current):
                self._d.audit.security("password.change_failed", user=user.login_id, reason="wrong current password")
                raise Invalid.field(
                    "current_password", "現在のパスワードが正しくありません / the current password is wrong"
                )
            if new == current:
                raise Invalid.field(
                    "new_password", "新しいパスワードは現在と異なる必要があります / must differ from the current one"
                )
            with domain_rules():
                check_password_strength(new, login_id=user.login_id)
            user.set_password_hash(self._d.hasher.hash(new), self._d.clock.now())
            uow.users.update(user)
            keep = secret_hash(keep_session_secret) if keep_session_secret else None
            uow.sessions.delete_for_user(user.id, except_key_hash=keep)
            uow.commit()
        self._d.audit.security("password.changed", user=principal.login_id)
