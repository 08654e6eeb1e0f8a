"""Helpers of the comment, like and notification tests (no tests here): parent records inserted
straight into their tables (the record aggregates are built by other work), and a small directory
of people in an organisation tree and a public group."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from attrs import frozen

from dps.adapters.db.repositories.sales.record_access import RECORD_TABLES
from dps.adapters.db.repositories.sales.record_rows import save_restriction, save_staff
from dps.adapters.db.tables.collaboration import notifications
from dps.application.auth.principals import principal_for
from dps.application.directory.affiliations import AssignAffiliationCommand
from dps.application.directory.companies import CreateCompanyCommand
from dps.application.directory.groups import AddGroupMemberCommand, CreatePublicGroupCommand
from dps.application.directory.organizations import CreateOrganizationCommand
from dps.application.directory.users import AddUserCommand
from dps.bootstrap.container import Container
from dps.domain.directory.users import User
from dps.domain.sales.records import RecordType, StaffMember
from dps.domain.shared.ids import OrganizationId, PublicGroupId, TenantId, UserId
from dps.domain.shared.principal import License, Principal
from dps.domain.visibility.records import Restriction

FAR_PAST = date(2000, 4, 1)
LEFT_ON = date(2020, 3, 31)
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

_REQUIRED: dict[RecordType, dict[str, Any]] = {
    RecordType.ACCOUNT: {},
    RecordType.CAMPAIGN: {"starts_on": date(2026, 4, 1)},
    RecordType.OPPORTUNITY: {"stage_code": "01"},
    RecordType.ACTIVITY: {"status": "done", "kind_code": "visit", "activity_date": date(2026, 1, 5)},
}
_LABEL = {RecordType.ACTIVITY: "subject"}


def insert_record(
    engine: sa.Engine, tenant_id: TenantId, record_type: RecordType, *, name: str = "テスト",
    owner: UserId | None = None, owner_org: OrganizationId | None = None, creator: UserId | None = None,
    staff: Iterable[UserId] = (), restriction: Restriction | None = None, opportunity_id: UUID | None = None,
) -> UUID:
    """One account, campaign, opportunity (with an account of its own) or activity row with its staff
    and 非公開 allow-list rows."""
    table = RECORD_TABLES[record_type]
    record_id = uuid.uuid4()
    values: dict[str, Any] = {
        "tenant_id": tenant_id, "id": record_id, "created_at": NOW, "updated_at": NOW, "owner_id": owner,
        "owner_organization_id": owner_org, "created_by": creator, "is_restricted": restriction is not None,
        _LABEL.get(record_type, "name"): name, **_REQUIRED[record_type],
    }
    if record_type is RecordType.OPPORTUNITY:
        values["account_id"] = insert_record(engine, tenant_id, RecordType.ACCOUNT, name=f"{name}の取引先")
    if record_type is RecordType.ACTIVITY:
        values["opportunity_id"] = opportunity_id
    with engine.begin() as conn:
        conn.execute(table.insert().values(**values))
        save_staff(conn, tenant_id, record_type, record_id, [StaffMember(user_id=u) for u in staff])
        save_restriction(conn, tenant_id, record_type, record_id, restriction)
    return record_id


def restrict(engine: sa.Engine, tenant_id: TenantId, record_type: RecordType, record_id: UUID,
             restriction: Restriction | None) -> None:
    """Turn 非公開 on (with its allow-list) or off after the fact."""
    table = RECORD_TABLES[record_type]
    with engine.begin() as conn:
        conn.execute(table.update().where(table.c.tenant_id == tenant_id, table.c.id == record_id)
                     .values(is_restricted=restriction is not None))
        save_restriction(conn, tenant_id, record_type, record_id, restriction)


def principal_of(container: Container, tenant_id: TenantId, user: User) -> Principal:
    today = date.today()
    with container.uow()(tenant_id) as uow:
        return principal_for(uow, tenant_id, user, today)


@frozen
class Directory:
    """本社 HQ > 営業本部 SALES > 第1課 TEAM1, and HQ > 管理本部 ADMIN; public group KEY > KEY_EAST.

    - oscar (full, TEAM1), sam (full, SALES), alice (full, ADMIN), olga (full, ADMIN);
    - frank (full): in TEAM1 until 2020-03-31, in ADMIN since;
    - luke (light, TEAM1); gina (light, no organisation, member of KEY_EAST)."""

    tenant_id: TenantId
    orgs: dict[str, OrganizationId]
    groups: dict[str, PublicGroupId]
    users: dict[str, User]
    principals: dict[str, Principal]

    def id(self, login: str) -> UserId:
        return self.users[login].id


def build_directory(container: Container, admin: Principal) -> Directory:
    c = container
    company = c.create_company()(admin, CreateCompanyCommand("C1", "ACME", FAR_PAST))
    org = c.create_organization()
    hq = org(admin, CreateOrganizationCommand(company.id, "HQ", "本社", FAR_PAST))
    sales = org(admin, CreateOrganizationCommand(company.id, "SALES", "営業本部", FAR_PAST, hq.id))
    team = org(admin, CreateOrganizationCommand(company.id, "TEAM1", "第1課", FAR_PAST, sales.id))
    adm = org(admin, CreateOrganizationCommand(company.id, "ADMIN", "管理本部", FAR_PAST, hq.id))
    key = c.create_public_group()(admin, CreatePublicGroupCommand("KEY", "重点顧客", FAR_PAST))
    east = c.create_public_group()(admin, CreatePublicGroupCommand("KEY_EAST", "東", FAR_PAST, parent_id=key.id))
    people = {
        "oscar": ("大山", License.FULL), "sam": ("佐藤", License.FULL), "alice": ("有田", License.FULL),
        "olga": ("岡田", License.FULL), "frank": ("福田", License.FULL), "luke": ("森", License.LIGHT),
        "gina": ("銀田", License.LIGHT),
    }
    users = {
        login: c.add_user()(admin, AddUserCommand(login_id=login, name=name, license=lic))
        for login, (name, lic) in people.items()
    }
    assign = c.assign_affiliation()
    for login, where in (("oscar", team), ("sam", sales), ("alice", adm), ("olga", adm), ("luke", team)):
        assign(admin, AssignAffiliationCommand(users[login].id, where.id, FAR_PAST))
    assign(admin, AssignAffiliationCommand(users["frank"].id, team.id, FAR_PAST, valid_to=LEFT_ON))
    assign(admin, AssignAffiliationCommand(users["frank"].id, adm.id, date(2020, 4, 1)))
    c.add_group_member()(admin, AddGroupMemberCommand(east.id, users["gina"].id, FAR_PAST))
    c.refresh_org_closure()(admin, date.today())
    return Directory(
        tenant_id=admin.tenant_id,
        orgs={"HQ": hq.id, "SALES": sales.id, "TEAM1": team.id, "ADMIN": adm.id},
        groups={"KEY": key.id, "KEY_EAST": east.id},
        users=users,
        principals={login: principal_of(c, admin.tenant_id, u) for login, u in users.items()},
    )


def notified(engine: sa.Engine, record_id: UUID) -> dict[UserId, list[str]]:
    """Who got which notification kinds about the record."""
    n = notifications
    found: dict[UserId, list[str]] = {}
    with engine.connect() as conn:
        for row in conn.execute(sa.select(n.c.user_id, n.c.kind).where(n.c.record_id == record_id)
                                .order_by(n.c.created_at)):
            found.setdefault(row.user_id, []).append(row.kind)
    return found
