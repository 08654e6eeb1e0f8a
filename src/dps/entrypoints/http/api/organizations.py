"""The organisation tree (組織): list as of a date, open, rename, move, close.

Changes carry the ``expected_version`` the client read; a stale one answers 409 with the
``current_version``.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec
from litestar import get, post

from dps.application.directory.organizations import (
    CloseOrganization,
    CloseOrganizationCommand,
    CreateOrganization,
    CreateOrganizationCommand,
    ListOrganizations,
    MoveOrganization,
    MoveOrganizationCommand,
    OrganizationView,
    RenameOrganization,
    RenameOrganizationCommand,
)
from dps.domain.directory.organizations import Organization
from dps.domain.shared.ids import CompanyId, OrganizationId
from dps.domain.shared.principal import Principal


class OrganizationOut(msgspec.Struct):
    """An organisation as it stands on the requested date."""

    id: UUID
    company_id: UUID
    code: str
    name: str
    kana: str
    parent_id: UUID | None
    valid_from: date
    valid_to: date | None
    sort_key: int
    version: int


class OrgVersionOut(msgspec.Struct):
    valid_from: date
    valid_to: date | None
    name: str
    kana: str
    parent_id: UUID | None
    sort_key: int


class OrganizationHistoryOut(msgspec.Struct):
    """An organisation with every version of its name and place in the tree."""

    id: UUID
    company_id: UUID
    code: str
    valid_from: date
    valid_to: date | None
    version: int
    versions: list[OrgVersionOut]


class NewOrganizationIn(msgspec.Struct):
    company_id: UUID
    code: str
    name: str
    valid_from: date
    parent_id: UUID | None = None
    kana: str = ""
    sort_key: int = 0


class RenameIn(msgspec.Struct):
    name: str
    effective_from: date
    expected_version: int
    kana: str | None = None


class MoveIn(msgspec.Struct):
    parent_id: UUID | None
    effective_from: date
    expected_version: int


class CloseIn(msgspec.Struct):
    effective_from: date
    expected_version: int


def view_out(v: OrganizationView) -> OrganizationOut:
    return OrganizationOut(
        id=v.id, company_id=v.company_id, code=v.code, name=v.name, kana=v.kana, parent_id=v.parent_id,
        valid_from=v.valid_from, valid_to=v.valid_to, sort_key=v.sort_key, version=v.version,
    )


def history_out(o: Organization) -> OrganizationHistoryOut:
    return OrganizationHistoryOut(
        id=o.id, company_id=o.company_id, code=o.code, valid_from=o.valid_from, valid_to=o.valid_to,
        version=o.version,
        versions=[
            OrgVersionOut(
                valid_from=v.period.start, valid_to=v.period.end, name=v.name, kana=v.kana,
                parent_id=v.parent_id, sort_key=v.sort_key,
            )
            for v in o.versions
        ],
    )


def _parent(raw: UUID | None) -> OrganizationId | None:
    return OrganizationId(raw) if raw is not None else None


@get("/organizations", summary="Organisations valid on a date (default today), in tree order", sync_to_thread=True)
def list_organizations_handler(
    principal: Principal, list_organizations: ListOrganizations, as_of: date | None = None
) -> list[OrganizationOut]:
    return [view_out(v) for v in list_organizations(principal, as_of)]


@post("/organizations", summary="Open an organisation (tenant administrators)", status_code=201, sync_to_thread=True)
def create_organization_handler(
    principal: Principal, data: NewOrganizationIn, create_organization: CreateOrganization
) -> OrganizationHistoryOut:
    cmd = CreateOrganizationCommand(
        company_id=CompanyId(data.company_id), code=data.code, name=data.name, valid_from=data.valid_from,
        parent_id=_parent(data.parent_id), kana=data.kana, sort_key=data.sort_key,
    )
    return history_out(create_organization(principal, cmd))


@post("/organizations/{organization_id:uuid}/rename", summary="Rename from a date on", status_code=200,
      sync_to_thread=True)
def rename_organization_handler(
    principal: Principal, organization_id: UUID, data: RenameIn, rename_organization: RenameOrganization
) -> OrganizationHistoryOut:
    cmd = RenameOrganizationCommand(
        organization_id=OrganizationId(organization_id), name=data.name, effective_from=data.effective_from,
        expected_version=data.expected_version, kana=data.kana,
    )
    return history_out(rename_organization(principal, cmd))


@post("/organizations/{organization_id:uuid}/move", summary="Move under another parent from a date on",
      status_code=200, sync_to_thread=True)
def move_organization_handler(
    principal: Principal, organization_id: UUID, data: MoveIn, move_organization: MoveOrganization
) -> OrganizationHistoryOut:
    cmd = MoveOrganizationCommand(
        organization_id=OrganizationId(organization_id), parent_id=_parent(data.parent_id),
        effective_from=data.effective_from, expected_version=data.expected_version,
    )
    return history_out(move_organization(principal, cmd))


@post("/organizations/{organization_id:uuid}/close", summary="Close from a date on", status_code=200,
      sync_to_thread=True)
def close_organization_handler(
    principal: Principal, organization_id: UUID, data: CloseIn, close_organization: CloseOrganization
) -> OrganizationHistoryOut:
    cmd = CloseOrganizationCommand(
        organization_id=OrganizationId(organization_id), effective_from=data.effective_from,
        expected_version=data.expected_version,
    )
    return history_out(close_organization(principal, cmd))
