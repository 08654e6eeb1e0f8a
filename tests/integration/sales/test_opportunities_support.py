"""Helpers of the opportunity and product tests (no tests here): a small directory (本社 > 営業部 >
営業一課, 開発部), principals as a request builds them, and accounts, persons, campaigns, comments,
likes, attachments and activities inserted straight into their tables (those aggregates are built
by other work; only their rows matter here)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from attrs import define, field

from dps.adapters.db.repositories.sales.record_rows import save_restriction
from dps.adapters.db.tables.collaboration import attachments, comments, likes
from dps.adapters.db.tables.sales_accounts import accounts, persons
from dps.adapters.db.tables.sales_activities import activities
from dps.adapters.db.tables.sales_campaigns import campaigns
from dps.application.auth.principals import principal_for
from dps.application.directory.affiliations import AssignAffiliationCommand
from dps.application.directory.companies import CreateCompanyCommand
from dps.application.directory.organizations import CreateOrganizationCommand
from dps.application.directory.users import AddUserCommand
from dps.application.sales.deps import SalesDeps
from dps.application.sales.opportunities.commands import (
    CreateOpportunityCommand,
    LineInput,
    OpportunityChanges,
)
from dps.application.sales.opportunities.manage import CreateOpportunity
from dps.bootstrap.container import Container
from dps.domain.sales.opportunities import Opportunity
from dps.domain.sales.records import RecordType
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.shared.principal import License, Principal
from dps.domain.shared.text import normalize_for_search
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.records import Restriction

SINCE = date(2000, 4, 1)
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@define
class Sales:
    """alice (営業部), carol (営業一課, under 営業部), dave (開発部), lucy (light, 営業部)."""

    container: Container
    engine: sa.Engine
    tenant: Tenant
    deps: SalesDeps
    orgs: dict[str, OrganizationId] = field(factory=dict)
    users: dict[str, UserId] = field(factory=dict)

    def principal(self, login: str) -> Principal:
        with self.container.uow()(self.tenant.id) as uow:
            user = uow.users.get_by_login(login)
            assert user is not None
            return principal_for(uow, self.tenant.id, user, date.today())

    def _insert(self, table: sa.Table, **values: Any) -> UUID:
        row_id = uuid.uuid4()
        with self.engine.begin() as conn:
            conn.execute(table.insert().values(tenant_id=self.tenant.id, id=row_id, **values))
        return row_id

    def account(self, name: str, *, kana: str = "", owner: str | None = None,
                restriction: Restriction | None = None) -> UUID:
        account_id = self._insert(
            accounts, name=name, kana=kana, search_text=normalize_for_search(name, kana), created_at=NOW,
            updated_at=NOW, owner_id=self.users[owner] if owner else None,
            created_by=self.users[owner] if owner else None, is_restricted=restriction is not None)
        if restriction is not None:
            with self.engine.begin() as conn:
                save_restriction(conn, self.tenant.id, RecordType.ACCOUNT, account_id, restriction)
        return account_id

    def person(self, account_id: UUID, last_name: str) -> UUID:
        return self._insert(persons, account_id=account_id, last_name=last_name, created_at=NOW, updated_at=NOW)

    def campaign(self, name: str) -> UUID:
        return self._insert(campaigns, name=name, starts_on=date(2026, 4, 1), created_at=NOW, updated_at=NOW)

    def comment(self, record_id: UUID, body: str, by: str) -> UUID:
        return self._insert(comments, record_type="opportunity", record_id=record_id, body=body,
                            created_by=self.users[by], created_at=NOW)

    def like(self, record_id: UUID, by: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(likes.insert().values(tenant_id=self.tenant.id, record_type="opportunity",
                                               record_id=record_id, user_id=self.users[by], created_at=NOW))

    def attachment(self, record_id: UUID) -> UUID:
        return self._insert(attachments, record_type="opportunity", record_id=record_id, file_name="見積書.pdf",
                            content_type="application/pdf", size_bytes=10, sha256="0" * 64,
                            storage_key=uuid.uuid4().hex, uploaded_at=NOW)

    def activity(self, opportunity_id: UUID, subject: str = "訪問") -> UUID:
        return self._insert(activities, subject=subject, status="done", kind_code="visit",
                            activity_date=date(2026, 1, 5), opportunity_id=opportunity_id, created_at=NOW,
                            updated_at=NOW)

    def count(self, table: sa.Table, record_id: UUID, column: str = "record_id") -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(table).where(
                table.c.tenant_id == self.tenant.id, table.c[column] == record_id)).scalar_one())

    def opportunity(self, actor: str, name: str, account_id: UUID, *, stage: str = "10", **details: Any) -> Opportunity:
        return CreateOpportunity(self.deps)(self.principal(actor), CreateOpportunityCommand(
            name=name, account_id=account_id, stage_code=stage, details=OpportunityChanges(**details)))


def build_sales(container: Container, engine: sa.Engine, tenant: Tenant, admin: Principal) -> Sales:
    s = Sales(container=container, engine=engine, tenant=tenant, deps=container.sales_deps())
    company = container.create_company()(admin, CreateCompanyCommand("acme", "ACME株式会社", SINCE))
    for code, name, parent in (("hq", "本社", None), ("sales", "営業部", "hq"), ("sales1", "営業一課", "sales"),
                               ("dev", "開発部", "hq")):
        org = container.create_organization()(admin, CreateOrganizationCommand(
            company.id, code, name, SINCE, parent_id=s.orgs[parent] if parent else None))
        s.orgs[code] = org.id
    for login, org_code, license in (("alice", "sales", License.FULL), ("carol", "sales1", License.FULL),
                                     ("dave", "dev", License.FULL), ("lucy", "sales", License.LIGHT)):
        user = container.add_user()(admin, AddUserCommand(login_id=login, name=f"{login} 太郎", license=license))
        s.users[login] = user.id
        container.assign_affiliation()(admin, AssignAffiliationCommand(user.id, s.orgs[org_code], SINCE))
    container.refresh_org_closure()(admin)
    return s


def line(quantity: object, unit_price: object | None = None, **kw: Any) -> LineInput:
    return LineInput(quantity=quantity, unit_price=unit_price, **kw)
