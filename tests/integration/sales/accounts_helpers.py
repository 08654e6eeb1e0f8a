"""A small directory for the account/person tests: 本社 > 営業部 > 営業一課 and 開発部, users in them,
the closure refreshed, and principals built as a request would build them."""

from __future__ import annotations

from datetime import date
from typing import Any

from attrs import define, field

from dps.application.auth.principals import principal_for
from dps.application.directory.affiliations import AssignAffiliationCommand
from dps.application.directory.companies import CreateCompanyCommand
from dps.application.directory.organizations import CreateOrganizationCommand
from dps.application.directory.users import AddUserCommand
from dps.application.sales.accounts.commands import CreateAccount, CreateAccountCommand
from dps.application.sales.accounts.record_parts import RecordParts
from dps.application.sales.deps import SalesDeps
from dps.application.sales.persons.commands import CreatePerson, CreatePersonCommand
from dps.bootstrap.container import Container
from dps.domain.sales.accounts import Account
from dps.domain.sales.persons import Person
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.shared.principal import License, Principal
from dps.domain.tenancy.tenants import Tenant

SINCE = date(2000, 4, 1)

# valid 法人番号 (check digit computed by dps.domain.registry.corporate_number)
CORP_A = "5010001008846"
CORP_B = "7000012050002"


@define
class Directory:
    container: Container
    tenant: Tenant
    admin: Principal
    deps: SalesDeps
    orgs: dict[str, OrganizationId] = field(factory=dict)
    users: dict[str, UserId] = field(factory=dict)

    def principal(self, login: str) -> Principal:
        uow_factory = self.container.uow()
        with uow_factory(self.tenant.id) as uow:
            user = uow.users.get_by_login(login)
            assert user is not None
            return principal_for(uow, self.tenant.id, user, date.today())

    def account(self, actor: str, name: str, *, parts: RecordParts | None = None, **values: Any) -> Account:
        return CreateAccount(self.deps)(self.principal(actor), CreateAccountCommand(
            values={"name": name, **values}, parts=parts or RecordParts()))

    def person(self, actor: str, account: Account, last_name: str, *, parts: RecordParts | None = None,
               **values: Any) -> Person:
        return CreatePerson(self.deps)(self.principal(actor), CreatePersonCommand(
            account_id=account.id, values={"last_name": last_name, **values}, parts=parts or RecordParts()))


def build_directory(container: Container, tenant: Tenant, admin: Principal) -> Directory:
    """Users: alice (営業部), carol (営業一課), dave (開発部), erin (no organisation), lucy (light, 営業部)."""
    d = Directory(container=container, tenant=tenant, admin=admin, deps=container.sales_deps())
    company = container.create_company()(admin, CreateCompanyCommand("acme", "ACME株式会社", SINCE))
    for code, name, parent in (("hq", "本社", None), ("sales", "営業部", "hq"), ("sales1", "営業一課", "sales"),
                               ("dev", "開発部", "hq")):
        org = container.create_organization()(admin, CreateOrganizationCommand(
            company.id, code, name, SINCE, parent_id=d.orgs[parent] if parent else None))
        d.orgs[code] = org.id
    for login, org_code, license in (("alice", "sales", License.FULL), ("carol", "sales1", License.FULL),
                                     ("dave", "dev", License.FULL), ("erin", None, License.FULL),
                                     ("lucy", "sales", License.LIGHT)):
        user = container.add_user()(admin, AddUserCommand(login_id=login, name=f"{login} 太郎", license=license))
        d.users[login] = user.id
        if org_code:
            container.assign_affiliation()(admin, AssignAffiliationCommand(user.id, d.orgs[org_code], SINCE))
    container.refresh_org_closure()(admin)
    return d
