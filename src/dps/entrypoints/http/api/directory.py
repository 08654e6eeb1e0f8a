"""Companies (会社), public groups (パブリックグループ) and the org refresh (集計組織最新化)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec
from litestar import get, post

from dps.application.directory.companies import CreateCompany, CreateCompanyCommand, ListCompanies
from dps.application.directory.groups import ListPublicGroups
from dps.application.directory.org_refresh import RefreshOrgClosure
from dps.domain.directory.companies import Company
from dps.domain.shared.principal import Principal


class CompanyOut(msgspec.Struct):
    id: UUID
    code: str
    name: str
    kana: str
    valid_from: date
    version: int


class NewCompanyIn(msgspec.Struct):
    code: str
    name: str
    valid_from: date
    kana: str = ""


class GroupRoleOut(msgspec.Struct):
    code: str
    name: str


class PublicGroupOut(msgspec.Struct):
    id: UUID
    code: str
    name: str
    valid_from: date
    valid_to: date | None
    parent_id: UUID | None
    roles: list[GroupRoleOut]


class OrgRefreshIn(msgspec.Struct):
    as_of: date | None = None


class OrgRefreshOut(msgspec.Struct):
    as_of: date
    organizations: int
    rows: int


def company_out(c: Company) -> CompanyOut:
    return CompanyOut(id=c.id, code=c.code, name=c.name, kana=c.kana, valid_from=c.valid_from, version=c.version)


@get("/companies", summary="Companies of the tenant", sync_to_thread=True)
def list_companies_handler(principal: Principal, list_companies: ListCompanies) -> list[CompanyOut]:
    return [company_out(c) for c in list_companies(principal)]


@post("/companies", summary="Register a company (tenant administrators)", status_code=201, sync_to_thread=True)
def create_company_handler(principal: Principal, data: NewCompanyIn, create_company: CreateCompany) -> CompanyOut:
    cmd = CreateCompanyCommand(code=data.code, name=data.name, valid_from=data.valid_from, kana=data.kana)
    return company_out(create_company(principal, cmd))


@get("/public-groups", summary="Public groups with their roles", sync_to_thread=True)
def list_public_groups_handler(principal: Principal, list_public_groups: ListPublicGroups) -> list[PublicGroupOut]:
    return [
        PublicGroupOut(
            id=g.id, code=g.code, name=g.name, valid_from=g.period.start, valid_to=g.period.end,
            parent_id=g.parent_id, roles=[GroupRoleOut(code=r.code, name=r.name) for r in g.roles],
        )
        for g in list_public_groups(principal)
    ]


@post(
    "/org-refresh", summary="Rebuild the aggregation organisations (tenant administrators)", status_code=200,
    sync_to_thread=True,
)
def org_refresh_handler(
    principal: Principal, refresh_org_closure: RefreshOrgClosure, data: OrgRefreshIn | None = None
) -> OrgRefreshOut:
    result = refresh_org_closure(principal, data.as_of if data else None)
    return OrgRefreshOut(as_of=result.as_of, organizations=result.organizations, rows=result.rows)
