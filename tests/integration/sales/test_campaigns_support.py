"""The directory the campaign and lead tests share: 本社 > 営業部 > 営業一課 and 開発部, users in them, the
closure refreshed, principals built as a request builds them, and shortcuts to make records."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from attrs import define, field

from dps.application.auth.principals import principal_for
from dps.application.directory.affiliations import AssignAffiliationCommand
from dps.application.directory.companies import CreateCompanyCommand
from dps.application.directory.organizations import CreateOrganizationCommand
from dps.application.directory.users import AddUserCommand
from dps.application.sales.campaigns.commands import RegisterCampaignCommand
from dps.application.sales.campaigns.manage import RegisterCampaign
from dps.application.sales.deps import SalesDeps
from dps.application.sales.leads.commands import RegisterLeadCommand
from dps.application.sales.leads.manage import RegisterLead
from dps.bootstrap.container import Container
from dps.domain.sales.accounts import Account
from dps.domain.sales.campaigns import Campaign
from dps.domain.sales.leads import Lead
from dps.domain.sales.persons import Person
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.shared.principal import License, Principal
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.records import Restriction

SINCE = date(2000, 4, 1)
START = date(2026, 5, 10)


@define
class Office:
    container: Container
    tenant: Tenant
    admin: Principal
    deps: SalesDeps
    orgs: dict[str, OrganizationId] = field(factory=dict)
    users: dict[str, UserId] = field(factory=dict)

    def principal(self, login: str) -> Principal:
        with self.container.uow()(self.tenant.id) as uow:
            user = uow.users.get_by_login(login)
            assert user is not None
            return principal_for(uow, self.tenant.id, user, date.today())

    def campaign(self, actor: str, name: str = "新製品セミナー", **values: Any) -> Campaign:
        values.setdefault("starts_on", START)
        return RegisterCampaign(self.deps)(self.principal(actor), RegisterCampaignCommand(name=name, **values))

    def lead(self, actor: str, company: str = "株式会社サンプル", last_name: str = "山田", **values: Any) -> Lead:
        values.setdefault("source_code", "seminar")
        cmd = RegisterLeadCommand(company_name=company, last_name=last_name, **values)
        return RegisterLead(self.deps)(self.principal(actor), cmd).lead

    def only(self, *logins: str) -> Restriction:
        """A 非公開 allow-list of these users."""
        return Restriction(users=frozenset(self.users[u] for u in logins))

    def account(self, actor: str, name: str = "既存の会社", restriction: Restriction | None = None) -> Account:
        """An account saved straight through its store (the account use cases are not under test here)."""
        account = Account(id=self.container.ids().new_id(), name=name, restriction=restriction)
        self._save(actor, account)
        return account

    def person(self, actor: str, last_name: str = "佐藤", restriction: Restriction | None = None) -> Person:
        """A person in a new account of its own, saved straight through the stores."""
        account = self.account(actor, f"{last_name}の会社")
        person = Person(id=self.container.ids().new_id(), account_id=account.id, last_name=last_name,
                        restriction=restriction)
        self._save(actor, person)
        return person

    def _save(self, actor: str, record: Account | Person) -> None:
        who = self.principal(actor)
        record.assign_owner(who.user_id, who.primary_organization_id)
        record.stamp_created(who.user_id, self.container.clock().now())
        with self.container.uow()(self.tenant.id) as uow:
            if isinstance(record, Account):
                uow.accounts.add(record)
            else:
                uow.persons.add(record)
            uow.commit()

    def count(self, table: sa.Table) -> int:
        """Rows of the tenant in `table`."""
        with self.container.engine().connect() as conn:
            query = sa.select(sa.func.count()).select_from(table).where(table.c.tenant_id == self.tenant.id)
            return int(conn.execute(query).scalar() or 0)


def build_office(container: Container, tenant: Tenant, admin: Principal) -> Office:
    """Users: alice (営業部), carol (営業一課), dave (開発部), erin (no organisation), lucy (light, 営業部)."""
    o = Office(container=container, tenant=tenant, admin=admin, deps=container.sales_deps())
    company = container.create_company()(admin, CreateCompanyCommand("acme", "ACME株式会社", SINCE))
    for code, name, parent in (("hq", "本社", None), ("sales", "営業部", "hq"), ("sales1", "営業一課", "sales"),
                               ("dev", "開発部", "hq")):
        org = container.create_organization()(admin, CreateOrganizationCommand(
            company.id, code, name, SINCE, parent_id=o.orgs[parent] if parent else None))
        o.orgs[code] = org.id
    for login, org_code, license in (("alice", "sales", License.FULL), ("carol", "sales1", License.FULL),
                                     ("dave", "dev", License.FULL), ("erin", None, License.FULL),
                                     ("lucy", "sales", License.LIGHT)):
        user = container.add_user()(admin, AddUserCommand(login_id=login, name=f"{login} 太郎", license=license))
        o.users[login] = user.id
        if org_code:
            container.assign_affiliation()(admin, AssignAffiliationCommand(user.id, o.orgs[org_code], SINCE))
    container.refresh_org_closure()(admin)
    return o
