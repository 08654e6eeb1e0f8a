"""GET /api/v1/me: who the bearer token speaks for."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from attrs import evolve
from litestar import Request, get, patch

from dps.application.directory.users import ChangeMyPreferences
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.context import request_info


class MeOut(msgspec.Struct):
    tenant: str
    tenant_id: UUID
    user_id: UUID
    login_id: str
    name: str
    license: str
    roles: list[str]
    organization_ids: list[UUID]
    primary_organization_id: UUID | None
    group_ids: list[UUID]
    locale: str
    time_zone: str


@get("/me", summary="The acting user (principal) of the token", sync_to_thread=False)
def me(request: Request[Any, Any, Any], principal: Principal) -> MeOut:
    return me_out(request, principal)


def me_out(request: Request[Any, Any, Any], principal: Principal) -> MeOut:
    return MeOut(
        tenant=request_info(request.scope).tenant or "",
        tenant_id=principal.tenant_id,
        user_id=principal.user_id,
        login_id=principal.login_id,
        name=principal.name,
        license=principal.license.value,
        roles=sorted(r.value for r in principal.roles),
        organization_ids=sorted(principal.organization_ids, key=str),
        primary_organization_id=principal.primary_organization_id,
        group_ids=sorted(principal.group_ids, key=str),
        locale=principal.locale,
        time_zone=principal.time_zone,
    )


class PreferencesIn(msgspec.Struct):
    locale: str
    time_zone: str


@patch("/me", summary="Change my display language (ja / en) and time zone", sync_to_thread=True)
def change_me(
    request: Request[Any, Any, Any], principal: Principal, data: PreferencesIn,
    change_my_preferences: ChangeMyPreferences,
) -> MeOut:
    user = change_my_preferences(principal, locale=data.locale, time_zone=data.time_zone)
    return me_out(request, evolve(principal, locale=user.locale, time_zone=user.time_zone))
