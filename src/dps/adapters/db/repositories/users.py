"""SQL repository for users."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.tenancy import DirectoryChanges
from dps.adapters.db.tables.directory import users
from dps.application.directory.ports import UserRepository
from dps.domain.directory.users import User
from dps.domain.shared.ids import TenantId, UserId
from dps.domain.shared.principal import License, Role


def _user(r: Any) -> User:
    return User(
        id=r.id, login_id=r.login_id, name=r.name, license=License(r.license), email=r.email, kana=r.kana,
        locale=r.locale, time_zone=r.time_zone, is_active=r.is_active,
        roles=frozenset(Role(x) for x in r.roles.split(",") if x),
        password_hash=r.password_hash, failed_logins=r.failed_logins, locked_until=r.locked_until,
        password_changed_at=r.password_changed_at, version=r.version,
    )


def _values(u: User) -> dict[str, Any]:
    return {
        "login_id": u.login_id, "name": u.name, "kana": u.kana, "email": u.email, "license": u.license.value,
        "locale": u.locale, "time_zone": u.time_zone, "is_active": u.is_active,
        "roles": ",".join(sorted(r.value for r in u.roles)), "password_hash": u.password_hash,
        "failed_logins": u.failed_logins, "locked_until": u.locked_until,
        "password_changed_at": u.password_changed_at,
    }


def _principal_facts(u: User) -> tuple[Any, ...]:
    """What a Principal takes from the user row: a change to any of these must bump the directory version."""
    return (u.login_id, u.name, u.license, u.roles, u.is_active, u.locale, u.time_zone)


class SqlUserRepository(TenantScoped, UserRepository):
    def __init__(self, conn: sa.Connection, tenant_id: TenantId, changes: DirectoryChanges | None = None) -> None:
        super().__init__(conn, tenant_id)
        self._changes = changes
        self._loaded: dict[UserId, tuple[Any, ...]] = {}
        """The principal facts of each user as read in this unit of work."""

    def get(self, user_id: UserId) -> User | None:
        r = self._conn.execute(self._select(users, users.c.id == user_id)).first()
        return self._remember(_user(r)) if r else None

    def get_by_login(self, login_id: str) -> User | None:
        r = self._conn.execute(self._select(users, users.c.login_id == login_id)).first()
        return self._remember(_user(r)) if r else None

    def list(self, *, include_inactive: bool = False) -> Sequence[User]:
        q = self._select(users).order_by(users.c.login_id)
        if not include_inactive:
            q = q.where(users.c.is_active.is_(True))
        return [self._remember(_user(r)) for r in self._conn.execute(q)]

    def _remember(self, user: User) -> User:
        self._loaded[user.id] = _principal_facts(user)
        return user

    def count_active(self, license: License) -> int:
        q = sa.select(sa.func.count()).select_from(users).where(
            users.c.tenant_id == self._tenant, users.c.is_active.is_(True), users.c.license == license.value
        )
        return int(self._conn.execute(q).scalar_one())

    def add(self, user: User) -> None:
        self._insert(users, _values(user) | {"id": user.id, "version": 1}, what=f"user '{user.login_id}'")

    def update(self, user: User) -> None:
        """An update that leaves the principal facts as they were read (a login counter, a password hash)
        does not bump the directory version; anything else, or a user not read here, does."""
        facts = _principal_facts(user)
        if self._changes is not None and self._loaded.get(user.id) == facts:
            with self._changes.neutral():
                user.version = self._update_versioned(users, user.id, user.version, _values(user), what="user")
        else:
            user.version = self._update_versioned(users, user.id, user.version, _values(user), what="user")
        self._loaded[user.id] = facts
