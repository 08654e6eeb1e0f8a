"""ユーザ User: a person who logs in, with a licence, locale, time zone and login-failure state."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from attrs import define, field, frozen

from dps.domain.directory.codes import validate_name
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import UserId
from dps.domain.shared.principal import License, Role
from dps.domain.tenancy.tenants import validate_time_zone_name

_LOGIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{1,99}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LOCALES = ("ja", "en")


def validate_login_id(login_id: str) -> str:
    login_id = login_id.strip()
    if not _LOGIN.match(login_id):
        raise DomainError(
            f"login id '{login_id}' must be 2-100 characters of letters, digits and _ . @ + -", field="login_id"
        )
    return login_id


def validate_email(email: str) -> str:
    email = email.strip()
    if email and not _EMAIL.match(email):
        raise DomainError(f"'{email}' is not a valid e-mail address", field="email")
    return email


def validate_locale(locale: str) -> str:
    if locale not in LOCALES:
        raise DomainError(f"locale must be one of {', '.join(LOCALES)}", field="locale")
    return locale


def check_password_strength(password: str, *, login_id: str) -> None:
    """At least 10 characters, not the login id, not one repeated character."""
    if len(password) < 10:
        raise DomainError("password must be at least 10 characters", field="password")
    if password.lower() == login_id.lower():
        raise DomainError("password must differ from the login id", field="password")
    if len(set(password)) < 4:
        raise DomainError("password must use at least 4 different characters", field="password")


@frozen
class LockoutPolicy:
    """After `max_failures` wrong passwords in a row the account locks for `lock_for`."""

    max_failures: int = 5
    lock_for: timedelta = timedelta(minutes=15)


@define(eq=False)
class User:
    id: UserId
    login_id: str = field(converter=validate_login_id)
    name: str = field(converter=validate_name)
    license: License
    email: str = field(default="", converter=validate_email)
    kana: str = ""
    locale: str = field(default="ja", converter=validate_locale)
    time_zone: str = field(default="Asia/Tokyo", converter=validate_time_zone_name)
    is_active: bool = True
    roles: frozenset[Role] = field(factory=frozenset)
    password_hash: str | None = None
    failed_logins: int = 0
    locked_until: datetime | None = None
    password_changed_at: datetime | None = None
    version: int = 1

    @property
    def is_admin(self) -> bool:
        return Role.TENANT_ADMIN in self.roles

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def can_log_in(self, now: datetime) -> bool:
        return self.is_active and self.password_hash is not None and not self.is_locked(now)

    def record_failed_login(self, now: datetime, policy: LockoutPolicy) -> bool:
        """Count a wrong password; returns True when this failure locks the account."""
        self.failed_logins += 1
        if self.failed_logins >= policy.max_failures:
            self.locked_until = now + policy.lock_for
            self.failed_logins = 0
            return True
        return False

    def record_successful_login(self) -> None:
        self.failed_logins = 0
        self.locked_until = None

    def set_password_hash(self, password_hash: str, now: datetime) -> None:
        self.password_hash = password_hash
        self.password_changed_at = now
        self.failed_logins = 0
        self.locked_until = None

    def deactivate(self) -> None:
        if not self.is_active:
            raise DomainError(f"user '{self.login_id}' is already inactive", field="login_id")
        self.is_active = False

    def change_profile(
        self, *, name: str | None = None, email: str | None = None, locale: str | None = None,
        time_zone: str | None = None, kana: str | None = None,
    ) -> None:
        if name is not None:
            self.name = validate_name(name)
        if email is not None:
            self.email = validate_email(email)
        if locale is not None:
            self.locale = validate_locale(locale)
        if time_zone is not None:
            self.time_zone = validate_time_zone_name(time_zone)
        if kana is not None:
            self.kana = kana
