"""予算 use cases against the real SQL store, on SQLite and PostgreSQL: register, view, list, edit,
delete, bulk delete; duplicates, months outside the year, stale versions, light users, the strict
update rule."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa
from attrs import define, field
from dependency_injector import providers

from dps.adapters.db.tables.tenancy import tenants
from dps.application.auth.principals import principal_for
from dps.application.directory.affiliations import AssignAffiliationCommand
from dps.application.directory.companies import CreateCompanyCommand
from dps.application.directory.organizations import CreateOrganizationCommand
from dps.application.directory.positions import CreatePositionCommand
from dps.application.directory.users import AddUserCommand
from dps.application.sales.budgets.bulk_delete import DeleteBudgets, DeleteBudgetsCommand
from dps.application.sales.budgets.manage import (
    DeleteBudget,
    DeleteBudgetCommand,
    EditBudget,
    EditBudgetCommand,
    RegisterBudget,
)
from dps.application.sales.budgets.queries import GetBudget, ListBudgets
from dps.application.sales.budgets.rules import BudgetInput, BudgetLineInput, BudgetQuery
from dps.application.shared.errors import Conflict, Forbidden, Invalid, NotFound
from dps.application.shared.paging import PageRequest
from dps.bootstrap.container import Container
from dps.domain.sales.budgets import Budget
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.shared.principal import License, Principal
from dps.domain.tenancy.tenants import Tenant
from tests.integration.conftest import FAR_PAST


@define
class RecordingAudit:
    """The audit port, remembering every entry."""

    security_events: list[dict[str, Any]] = field(factory=list)
    changes: list[dict[str, Any]] = field(factory=list)

    def security(self, event: str, **fields: Any) -> None:
        self.security_events.append({"event": event, **fields})

    def master_change(self, *, entity: str, record_id: UUID | str, action: str, actor: str,
                      before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> None:
        self.changes.append({"entity": entity, "record_id": str(record_id), "action": action, "actor": actor,
                             "before": before, "after": after})

    def application(self, event: str, **fields: Any) -> None:
        pass


@define
class World:
    c: Container
    tenant: Tenant
    admin: Principal
    audit: RecordingAudit
    orgs: dict[str, OrganizationId]
    users: dict[str, Principal]

    def strict(self, engine: sa.Engine) -> None:
        with engine.begin() as conn:
            conn.execute(tenants.update().where(tenants.c.id == self.tenant.id).values(update_rule="strict"))

    def register(self, who: Principal | None = None, **kw: Any) -> Budget:
        return RegisterBudget(self.c.sales_deps())(who or self.admin, budget_input(**kw))

    def ids(self, **query: Any) -> set[UUID]:
        page = ListBudgets(self.c.sales_deps())(self.admin, BudgetQuery(**query), PageRequest(limit=200))
        return {v.budget.id for v in page.items}


def budget_input(*, year: int = 2026, kind: str = "orders", org: OrganizationId | None = None,
                 user: UserId | None = None, by_category: bool = False, notes: str = "",
                 lines: tuple[BudgetLineInput, ...] | None = None) -> BudgetInput:
    if lines is None:
        lines = tuple(BudgetLineInput(f"{year + (m < 4)}-{m:02d}", 100 * m) for m in (*range(4, 13), 1, 2, 3))
    return BudgetInput(fiscal_year=year, kind_code=kind, organization_id=org, user_id=user, by_category=by_category,
                       notes=notes, lines=lines)


@pytest.fixture
def world(container: Container, tenant: Tenant, admin: Principal) -> World:
    """HQ > SALES > (EAST, WEST); OTHER beside HQ. manager: 部長 of SALES; member: in EAST; outsider: in
    OTHER; light: a light user in EAST."""
    audit = RecordingAudit()
    container.audit.override(providers.Object(audit))
    company = container.create_company()(admin, CreateCompanyCommand(code="C1", name="ACME", valid_from=FAR_PAST))
    org = container.create_organization()
    hq = org(admin, CreateOrganizationCommand(company.id, "HQ", "本社", FAR_PAST))
    sales = org(admin, CreateOrganizationCommand(company.id, "SALES", "営業本部", FAR_PAST, hq.id))
    east = org(admin, CreateOrganizationCommand(company.id, "EAST", "東日本営業部", FAR_PAST, sales.id))
    west = org(admin, CreateOrganizationCommand(company.id, "WEST", "西日本営業部", FAR_PAST, sales.id))
    other = org(admin, CreateOrganizationCommand(company.id, "OTHER", "管理部", FAR_PAST))
    boss = container.create_position()(admin, CreatePositionCommand(company.id, "BUCHO", "部長", is_manager=True))
    placements = {"manager": (sales.id, boss.id), "member": (east.id, None), "outsider": (other.id, None),
                  "light": (east.id, None)}
    for login, (org_id, position) in placements.items():
        license = License.LIGHT if login == "light" else License.FULL
        user = container.add_user()(admin, AddUserCommand(login_id=login, name=login, license=license))
        container.assign_affiliation()(admin, AssignAffiliationCommand(user.id, org_id, FAR_PAST, position_id=position))
    container.refresh_org_closure()(admin)
    principals = {}
    with container.uow()(tenant.id) as uow:
        for login in placements:
            user = uow.users.get_by_login(login)
            assert user is not None
            principals[login] = principal_for(uow, tenant.id, user, date.today())
    orgs = {o.code: o.id for o in (hq, sales, east, west, other)}
    audit.changes.clear()
    return World(c=container, tenant=tenant, admin=admin, audit=audit, orgs=orgs, users=principals)


def test_register_view_edit_and_delete(world: World) -> None:
    deps = world.c.sales_deps()
    member = world.users["member"]
    created = world.register(org=world.orgs["EAST"], user=member.user_id, notes="  上期重点  ")
    assert created.version == 1
    assert created.fiscal_year_start_month == 4

    view = GetBudget(deps)(world.users["light"], created.id)  # every licensed user reads budgets
    b = view.budget
    assert (view.target.organization_code, view.target.organization_name) == ("EAST", "東日本営業部")
    assert view.target.user_login == "member"
    assert b.notes == "上期重点"
    assert len(b.lines) == 12
    assert b.lines[0].month == date(2026, 4, 1)
    assert b.lines[-1].month == date(2027, 3, 1)
    assert b.total == Decimal(100 * 78)
    assert b.quarter_totals() == (Decimal(1500), Decimal(2400), Decimal(3300), Decimal(600))
    assert b.half_totals() == (Decimal(3900), Decimal(3900))
    assert b.created_by is None  # the operator is no user of the tenant

    lines = (BudgetLineInput("2026-04", "1,000,000"), BudgetLineInput("2026-05-01", 2000.5))
    edited = EditBudget(deps)(member, EditBudgetCommand(created.id, 1, budget_input(
        org=world.orgs["EAST"], user=member.user_id, kind="sales", lines=lines)))
    assert edited.version == 2
    again = GetBudget(deps)(member, created.id).budget
    assert again.kind_code == "sales"
    assert [(x.month, x.amount) for x in again.lines] == [
        (date(2026, 4, 1), Decimal("1000000")), (date(2026, 5, 1), Decimal("2000.5"))]
    assert again.updated_by == member.user_id
    assert again.version == 2

    with pytest.raises(Conflict) as stale:
        EditBudget(deps)(member, EditBudgetCommand(created.id, 1, budget_input(org=world.orgs["EAST"])))
    assert stale.value.current_version == 2
    assert GetBudget(deps)(member, created.id).budget.kind_code == "sales"

    with pytest.raises(Conflict):
        DeleteBudget(deps)(member, DeleteBudgetCommand(created.id, expected_version=1))
    DeleteBudget(deps)(member, DeleteBudgetCommand(created.id, expected_version=2))
    with pytest.raises(NotFound):
        GetBudget(deps)(member, created.id)
    with pytest.raises(NotFound):
        DeleteBudget(deps)(member, DeleteBudgetCommand(created.id))
    actions = [(c["action"], c["before"] is not None, c["after"] is not None) for c in world.audit.changes]
    assert actions == [("create", False, True), ("update", True, True), ("delete", True, False)]
    assert world.audit.changes[1]["before"]["kind_code"] == "orders"
    assert world.audit.changes[1]["after"]["kind_code"] == "sales"


def test_a_second_budget_for_the_same_year_target_and_kind_is_a_conflict(world: World) -> None:
    sales = world.orgs["SALES"]
    first = world.register(org=sales)
    with pytest.raises(Conflict) as e:
        world.register(org=sales, notes="again")
    assert "already exists" in e.value.message
    assert e.value.field == "kind_code"
    # another kind, another year, per category, or with a user: all different budgets
    world.register(org=sales, kind="sales")
    world.register(org=sales, year=2027)
    world.register(org=sales, by_category=True,
                   lines=(BudgetLineInput("2026-04", 1, "hardware"), BudgetLineInput("2026-04", 2, "service")))
    world.register(org=sales, user=world.users["manager"].user_id)
    second = world.register(org=world.orgs["EAST"])
    with pytest.raises(Conflict):  # editing into an existing key is refused too
        EditBudget(world.c.sales_deps())(world.admin, EditBudgetCommand(second.id, 1, budget_input(org=sales)))
    assert len(world.ids(fiscal_year=2026)) == 5
    assert first.id in world.ids(fiscal_year=2026, organization_id=sales, kind_code="orders")


def test_a_month_outside_the_fiscal_year_is_invalid_and_names_the_line(world: World) -> None:
    lines = (BudgetLineInput("2026-04", 1), BudgetLineInput("2027-04", 1))
    with pytest.raises(Invalid) as e:
        world.register(org=world.orgs["SALES"], lines=lines)
    assert list(e.value.errors) == ["lines[1].month"]
    assert "outside fiscal year 2026" in e.value.errors["lines[1].month"]
    with pytest.raises(Invalid) as bad_amount:
        world.register(org=world.orgs["SALES"], lines=(BudgetLineInput("2026-04", "12x"),))
    assert list(bad_amount.value.errors) == ["lines[0].amount"]
    with pytest.raises(Invalid) as bad_kind:
        world.register(org=world.orgs["SALES"], kind="nonsense")
    assert "kind_code" in bad_kind.value.errors
    assert world.ids(fiscal_year=2026) == set()


def test_targets_must_exist_and_the_user_belong_to_the_organisation(world: World) -> None:
    with pytest.raises(Invalid) as e:
        world.register(org=OrganizationId(uuid4()))
    assert "organization_id" in e.value.errors
    with pytest.raises(Invalid) as e:
        world.register(user=UserId(uuid4()))
    assert "user_id" in e.value.errors
    with pytest.raises(Invalid) as e:
        world.register(org=world.orgs["WEST"], user=world.users["member"].user_id)
    assert "user_id" in e.value.errors
    # a member of EAST belongs to SALES through its sub-organisation
    assert world.register(org=world.orgs["SALES"], user=world.users["member"].user_id).user_id is not None


def test_a_light_user_reads_but_may_not_change_budgets(world: World) -> None:
    deps = world.c.sales_deps()
    light = world.users["light"]
    budget = world.register(org=world.orgs["EAST"])
    with pytest.raises(Forbidden):
        world.register(light, org=world.orgs["EAST"], kind="sales")
    with pytest.raises(Forbidden):
        EditBudget(deps)(light, EditBudgetCommand(budget.id, 1, budget_input(org=world.orgs["EAST"])))
    with pytest.raises(Forbidden):
        DeleteBudget(deps)(light, DeleteBudgetCommand(budget.id))
    with pytest.raises(Forbidden):
        DeleteBudgets(deps)(light, DeleteBudgetsCommand(ids=(budget.id,)))
    page = ListBudgets(deps)(light, BudgetQuery(fiscal_year=2026), PageRequest())
    assert [v.budget.id for v in page.items] == [budget.id]
    assert any(e["event"] == "permission.denied" and e["user"] == "light" for e in world.audit.security_events)


def test_strict_rule_admits_admins_the_target_user_and_managers_only(world: World, engine: sa.Engine) -> None:
    world.strict(engine)
    deps = world.c.sales_deps()
    manager, member, outsider = world.users["manager"], world.users["member"], world.users["outsider"]
    east = world.orgs["EAST"]

    with pytest.raises(Forbidden):
        world.register(outsider, org=east)
    with pytest.raises(Forbidden):
        world.register(outsider, user=member.user_id)
    with pytest.raises(Forbidden):
        world.register(member, org=east)  # a plain member does not plan the organisation's budget
    mine = world.register(member, user=member.user_id)
    by_manager = world.register(manager, org=east)  # EAST lies under the manager's SALES
    for_member = world.register(manager, user=member.user_id, kind="sales")  # member works in EAST
    with pytest.raises(Forbidden):
        world.register(manager, org=world.orgs["OTHER"])
    by_admin = world.register(org=world.orgs["OTHER"])

    with pytest.raises(Forbidden):
        EditBudget(deps)(outsider, EditBudgetCommand(by_manager.id, 1, budget_input(org=east, notes="x")))
    with pytest.raises(Forbidden):  # the manager may not move a budget out of their organisations
        EditBudget(deps)(manager, EditBudgetCommand(by_manager.id, 1, budget_input(org=world.orgs["OTHER"])))
    EditBudget(deps)(manager, EditBudgetCommand(by_manager.id, 1, budget_input(org=east, notes="ok")))
    with pytest.raises(Forbidden):
        DeleteBudget(deps)(outsider, DeleteBudgetCommand(mine.id))
    with pytest.raises(Forbidden):  # one budget beyond reach refuses the whole batch
        DeleteBudgets(deps)(manager, DeleteBudgetsCommand(ids=(by_manager.id, by_admin.id)))
    assert world.ids(fiscal_year=2026) == {mine.id, by_manager.id, for_member.id, by_admin.id}
    DeleteBudget(deps)(member, DeleteBudgetCommand(mine.id))
    result = DeleteBudgets(deps)(manager, DeleteBudgetsCommand(ids=(by_manager.id, for_member.id)))
    assert result.deleted == 2
    assert world.ids(fiscal_year=2026) == {by_admin.id}
    denied = [e for e in world.audit.security_events if e["event"] == "permission.denied"]
    assert {e["user"] for e in denied} == {"outsider", "member", "manager"}


def test_bulk_delete_by_organisation_with_sub_organisations_deletes_exactly_those(world: World) -> None:
    o = world.orgs
    deps = world.c.sales_deps()
    keep = {
        world.register(org=o["HQ"]).id,
        world.register(org=o["OTHER"]).id,
        world.register(user=world.users["member"].user_id).id,  # no organisation: not selected
        world.register(org=o["SALES"], year=2025).id,
        world.register(org=o["EAST"], year=2027).id,
    }
    sales = world.register(org=o["SALES"]).id
    east = world.register(org=o["EAST"]).id
    east_sales = world.register(org=o["EAST"], kind="sales").id
    west = world.register(org=o["WEST"], user=None).id
    with_user = world.register(org=o["EAST"], user=world.users["member"].user_id).id

    only_sales = DeleteBudgets(deps)(world.admin, DeleteBudgetsCommand(
        query=BudgetQuery(fiscal_year=2026, organization_id=o["SALES"]), dry_run=True))
    assert (only_sales.matched, only_sales.deleted) == (1, 0)
    by_kind = DeleteBudgets(deps)(world.admin, DeleteBudgetsCommand(
        query=BudgetQuery(fiscal_year=2026, organization_id=o["SALES"], include_sub_orgs=True, kind_code="sales")))
    assert by_kind.deleted == 1
    assert east_sales not in world.ids()

    world.audit.changes.clear()
    result = DeleteBudgets(deps)(world.admin, DeleteBudgetsCommand(
        query=BudgetQuery(fiscal_year=2026, organization_id=o["SALES"], include_sub_orgs=True)))
    assert result.deleted == 4
    assert world.ids() == keep
    logged = {UUID(c["record_id"]) for c in world.audit.changes if c["action"] == "delete"}
    assert logged == {sales, east, west, with_user}

    with pytest.raises(NotFound):  # all or nothing: an unknown id deletes nothing
        DeleteBudgets(deps)(world.admin, DeleteBudgetsCommand(ids=(*keep, uuid4())))
    assert world.ids() == keep
    with pytest.raises(Invalid):
        DeleteBudgets(deps)(world.admin, DeleteBudgetsCommand(query=BudgetQuery(organization_id=o["HQ"])))
    with pytest.raises(Invalid):
        DeleteBudgets(deps)(world.admin, DeleteBudgetsCommand())
    assert DeleteBudgets(deps)(world.admin, DeleteBudgetsCommand(ids=tuple(keep))).deleted == len(keep)
    assert world.ids() == set()


def test_list_filters_and_pages(world: World) -> None:
    o = world.orgs
    deps = world.c.sales_deps()
    made = [world.register(org=o[code], kind=kind).id
            for code in ("HQ", "SALES", "EAST") for kind in ("orders", "sales")]
    made.append(world.register(user=world.users["member"].user_id).id)
    seen: list[UUID] = []
    cursor = None
    while True:
        page = ListBudgets(deps)(world.admin, BudgetQuery(fiscal_year=2026),
                                 PageRequest(limit=2, cursor=cursor, sort="-kind_code"))
        seen += [v.budget.id for v in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert sorted(seen) == sorted(made)
    assert len(world.ids(fiscal_year=2026, organization_id=o["SALES"])) == 2
    assert len(world.ids(fiscal_year=2026, organization_id=o["SALES"], include_sub_orgs=True)) == 4
    assert len(world.ids(fiscal_year=2026, kind_code="sales")) == 3
    assert world.ids(user_id=world.users["member"].user_id) == {made[-1]}
    assert world.ids(fiscal_year=2025) == set()
    with pytest.raises(Invalid):
        ListBudgets(deps)(world.admin, BudgetQuery(), PageRequest(sort="nonsense"))
