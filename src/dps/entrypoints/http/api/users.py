"""Users (ユーザ): list the active ones, add one (administrators)."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

import msgspec
from litestar import get, post

from dps.application.directory.users import AddUser, AddUserCommand, ListUsers
from dps.domain.directory.users import User
from dps.domain.shared.principal import License, Principal, Role


class UserOut(msgspec.Struct):
    id: UUID
    login_id: str
    name: str
    kana: str
    email: str
    license: str
    locale: str
    is_active: bool


class NewUserIn(msgspec.Struct):
    login_id: str
    name: str
    license: Literal["full", "light"]
    email: str = ""
    kana: str = ""
    password: str | None = None
    locale: str = "ja"
    time_zone: str = "Asia/Tokyo"
    is_admin: bool = False


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id, login_id=user.login_id, name=user.name, kana=user.kana, email=user.email,
        license=user.license.value, locale=user.locale, is_active=user.is_active,
    )


@get("/users", summary="Active users of the tenant", sync_to_thread=True)
def list_users_handler(principal: Principal, list_users: ListUsers) -> list[UserOut]:
    return [user_out(u) for u in list_users(principal)]


@post("/users", summary="Add a user (tenant administrators)", status_code=201, sync_to_thread=True)
def add_user_handler(principal: Principal, data: NewUserIn, add_user: AddUser) -> UserOut:
    cmd = AddUserCommand(
        login_id=data.login_id, name=data.name, license=License(data.license), email=data.email,
        kana=data.kana, password=data.password, locale=data.locale, time_zone=data.time_zone,
        roles=frozenset({Role.TENANT_ADMIN}) if data.is_admin else frozenset(),
    )
    return user_out(add_user(principal, cmd))
