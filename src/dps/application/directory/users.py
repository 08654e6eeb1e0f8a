"""Use cases on users (ユーザ): add within the licence count, set a password, deactivate, list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from attrs import frozen

from dps.application.directory.deps import DirectoryDeps
from dps.application.directory.memo import UserSummary
from dps.application.shared.audit import log_master_change
from dps.application.shared.errors import Conflict, NotFound, domain_rules
from dps.application.shared.guards import ensure_admin
from dps.application.shared.snapshots import snapshot
from dps.application.shared.time import check_time_zone
from dps.domain.directory.users import User, check_password_strength, validate_login_id
from dps.domain.shared.ids import UserId
from dps.domain.shared.principal import License, Principal, Role


@frozen
class AddUserCommand:
    login_id: str
    name: str
    license: License
    email: str = ""
    kana: str = ""
    password: str | None = None
    locale: str = "ja"
    time_zone: str = "Asia/Tokyo"
    roles: frozenset[Role] = frozenset()


class AddUser:
    """Register a user.

    - Tenant administrators only.
    - The login id is unique within the tenant.
    - An active user takes one licence of its type; none left, no new user (T2).
    - A password, when given, must be strong enough; it is stored as an argon2 hash only.
    """

    def __init__(self, deps: DirectoryDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: AddUserCommand) -> User:
        ensure_admin(principal, self._d.audit, "user.add")
        now = self._d.clock.now()
        check_time_zone(cmd.time_zone)
        with self._d.uow(principal.tenant_id) as uow:
            with domain_rules():
                login_id = validate_login_id(cmd.login_id)
                user = User(
                    id=UserId(self._d.ids.new_id()), login_id=login_id, name=cmd.name, license=cmd.license,
                    email=cmd.email, kana=cmd.kana, locale=cmd.locale, time_zone=cmd.time_zone,
                    roles=cmd.roles,
                )
                if cmd.password is not None:
                    check_password_strength(cmd.password, login_id=login_id)
            if uow.users.get_by_login(login_id) is not None:
                raise Conflict(f"login id '{login_id}' is already used", field="login_id")
            with domain_rules():
                uow.tenant().check_license_available(cmd.license, uow.users.count_active(cmd.license))
            if cmd.password is not None:
                user.set_password_hash(self._d.hasher.hash(cmd.password), now)
            uow.users.add(user)
            uow.commit()
        log_master_change(self._d.audit, principal, "user", "create", user)
        return user


class SetUserPassword:
    """An administrator sets a user's password (and so unlocks the account)."""

    def __init__(self, deps: DirectoryDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, login_id: str, password: str) -> User:
        ensure_admin(principal, self._d.audit, "user.set_password")
        with self._d.uow(principal.tenant_id) as uow:
            user = uow.users.get_by_login(login_id)
            if user is None:
                raise NotFound("user", login_id)
            with domain_rules():
                check_password_strength(password, login_id=user.login_id)
            user.set_password_hash(self._d.hasher.hash(password), self._d.clock.now())
            uow.users.update(user)
            uow.commit()
        self._d.audit.security("password.set_by_admin", user=user.login_id, actor=principal.login_id)
        return user


class DeactivateUser:
    """Deactivate a user: no more logins, the licence is freed; records stay."""

    def __init__(self, deps: DirectoryDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, login_id: str) -> User:
        ensure_admin(principal, self._d.audit, "user.deactivate")
        with self._d.uow(principal.tenant_id) as uow:
            user = uow.users.get_by_login(login_id)
            if user is None:
                raise NotFound("user", login_id)
            before = snapshot(user)
            with domain_rules():
                user.deactivate()
            uow.users.update(user)
            uow.commit()
        log_master_change(self._d.audit, principal, "user", "deactivate", user, before=before)
        self._d.audit.security("user.deactivated", user=user.login_id, actor=principal.login_id)
        return user


class ListUsers:
    def __init__(self, deps: DirectoryDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, *, include_inactive: bool = False) -> Sequence[User]:
        with self._d.uow(principal.tenant_id) as uow:
            return uow.users.list(include_inactive=include_inactive)


class ChangeMyPreferences:
    """A user sets their own display language (ja / en) and time zone; any licence may."""

    def __init__(self, deps: DirectoryDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, *, locale: str, time_zone: str) -> User:
        check_time_zone(time_zone)
        with self._d.uow(principal.tenant_id) as uow:
            user = uow.users.get(principal.user_id)
            if user is None:
                raise NotFound("user", principal.login_id)
            before = snapshot(user)
            with domain_rules():
                user.change_profile(locale=locale, time_zone=time_zone)
            uow.users.update(user)
            uow.commit()
        log_master_change(self._d.audit, principal, "user", "preferences", user, before=before)
        return user


class UserIndex:
    """Every user's summary (name, login id, active; inactive users too: they still own records), for
    naming owners, staff and allow-lists on a page. Memoised per tenant directory version, so a page pays
    one small version read, not a read of every user, while nothing in the directory changes."""

    def __init__(self, deps: DirectoryDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal) -> Mapping[UserId, UserSummary]:
        with self._d.reading(principal.tenant_id) as uow:
            tenant = uow.tenant()
            memo = uow.directory_memo()
            key = (tenant.id, tenant.directory_version)
            found = memo.user_names.get(key) if memo is not None else None
            if found is not None:
                return found
            index = MappingProxyType({
                u.id: UserSummary(name=u.name, login_id=u.login_id, is_active=u.is_active, kana=u.kana)
                for u in uow.users.list(include_inactive=True)
            })
            if memo is not None:
                memo.user_names.put(key, index)
            return index
