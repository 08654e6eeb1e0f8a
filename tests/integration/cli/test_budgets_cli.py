"""`dps budget list|delete`: batch deletion by fiscal year and organisation, with counts and exit codes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dps.application.auth.principals import system_principal
from dps.application.directory.companies import CreateCompanyCommand
from dps.application.directory.organizations import CreateOrganizationCommand
from dps.application.sales.budgets.manage import RegisterBudget
from dps.application.sales.budgets.queries import ListBudgets
from dps.application.sales.budgets.rules import BudgetInput, BudgetLineInput, BudgetQuery
from dps.application.shared.paging import PageRequest
from dps.bootstrap.container import Container, build_container
from dps.domain.shared.ids import OrganizationId
from dps.domain.shared.principal import Principal
from tests.integration.cli.conftest import Dps
from tests.integration.conftest import FAR_PAST, make_settings

BudgetsDb = tuple[Container, Principal, dict[str, OrganizationId]]


@pytest.fixture
def budgets_db(acme: Dps, tmp_path: Path) -> Iterator[BudgetsDb]:
    """Tenant acme with HQ > SALES > EAST and OTHER, and 2026 budgets for each (two kinds for EAST)
    plus one 2027 budget of SALES."""
    container = build_container(make_settings(tmp_path, f"sqlite:///{tmp_path / 'dps.sqlite3'}"))
    tenant = container.find_tenant()("acme")
    assert tenant is not None
    admin = system_principal(tenant.id, actor="test")
    company = container.create_company()(admin, CreateCompanyCommand(code="C1", name="ACME", valid_from=FAR_PAST))
    orgs: dict[str, OrganizationId] = {}
    parent = {"HQ": None, "SALES": "HQ", "EAST": "SALES", "OTHER": None}
    for code, up in parent.items():
        orgs[code] = container.create_organization()(admin, CreateOrganizationCommand(
            company.id, code, code, FAR_PAST, orgs[up] if up else None)).id
    container.refresh_org_closure()(admin)
    register = RegisterBudget(container.sales_deps())
    line = (BudgetLineInput("2026-04", 100),)
    for code in orgs:
        register(admin, BudgetInput(fiscal_year=2026, kind_code="orders", organization_id=orgs[code], lines=line))
    register(admin, BudgetInput(fiscal_year=2026, kind_code="sales", organization_id=orgs["EAST"]))
    register(admin, BudgetInput(fiscal_year=2027, kind_code="orders", organization_id=orgs["SALES"]))
    yield container, admin, orgs
    container.engine().dispose()


def _remaining(container: Container, admin: Principal) -> list[tuple[int, OrganizationId | None, str]]:
    page = ListBudgets(container.sales_deps())(admin, BudgetQuery(), PageRequest(limit=200))
    return sorted((v.budget.fiscal_year, v.budget.organization_id, v.budget.kind_code) for v in page.items)


def test_delete_with_yes_deletes_the_organisation_and_its_sub_organisations(
    acme: Dps, budgets_db: BudgetsDb
) -> None:
    container, admin, orgs = budgets_db
    result = acme("budget", "delete", "--tenant", "acme", "--fiscal-year", "2026", "--org", "SALES",
                  "--include-sub-orgs", "--kind", "orders", "--yes")
    assert result.exit_code == 0, result.output
    assert "deleted 2 budgets" in result.stdout
    assert _remaining(container, admin) == sorted([
        (2026, orgs["HQ"], "orders"), (2026, orgs["OTHER"], "orders"), (2026, orgs["EAST"], "sales"),
        (2027, orgs["SALES"], "orders"),
    ])
    again = acme("budget", "delete", "--tenant", "acme", "--fiscal-year", "2026", "--org", "SALES",
                 "--include-sub-orgs", "--yes")
    assert again.exit_code == 0, again.output
    assert "deleted 1 budgets" in again.stdout


def test_delete_asks_first_and_a_no_keeps_everything(
    acme: Dps, budgets_db: BudgetsDb
) -> None:
    container, admin, _orgs = budgets_db
    before = _remaining(container, admin)
    declined = acme("budget", "delete", "--tenant", "acme", "--fiscal-year", "2026", input="n\n")
    assert declined.exit_code == 0, declined.output
    assert "5" in declined.stdout  # the prompt shows how many would go
    assert "cancelled" in declined.stdout
    assert _remaining(container, admin) == before
    no_answer = acme("budget", "delete", "--tenant", "acme", "--fiscal-year", "2026")
    assert no_answer.exit_code == 2
    assert "--yes" in no_answer.output
    confirmed = acme("budget", "delete", "--tenant", "acme", "--fiscal-year", "2026", input="y\n")
    assert confirmed.exit_code == 0, confirmed.output
    assert "deleted 5 budgets" in confirmed.stdout
    assert [year for year, _, _ in _remaining(container, admin)] == [2027]


def test_list_shows_the_budgets_of_a_year(acme: Dps, budgets_db: BudgetsDb) -> None:
    result = acme("budget", "list", "--tenant", "acme", "--fiscal-year", "2026", "--org", "SALES",
                  "--include-sub-orgs")
    assert result.exit_code == 0, result.output
    rows = result.stdout.splitlines()[2:]
    assert sorted(row.split()[2] for row in rows) == ["EAST", "EAST", "SALES"]
    assert "3 budgets" in result.stderr


def test_unknown_tenant_or_organisation_exits_3_and_bad_usage_2(
    acme: Dps, budgets_db: BudgetsDb
) -> None:
    container, admin, _orgs = budgets_db
    before = _remaining(container, admin)
    no_tenant = acme("budget", "delete", "--tenant", "nope", "--fiscal-year", "2026", "--yes")
    assert no_tenant.exit_code == 3
    assert "nope" in no_tenant.stderr
    no_org = acme("budget", "delete", "--tenant", "acme", "--fiscal-year", "2026", "--org", "NOPE", "--yes")
    assert no_org.exit_code == 3
    assert "組織" in no_org.stderr
    assert "NOPE" in no_org.stderr
    no_user = acme("budget", "list", "--tenant", "acme", "--fiscal-year", "2026", "--user", "ghost")
    assert no_user.exit_code == 3
    sub_without_org = acme("budget", "delete", "--tenant", "acme", "--fiscal-year", "2026", "--include-sub-orgs")
    assert sub_without_org.exit_code == 2
    bad_kind = acme("budget", "delete", "--tenant", "acme", "--fiscal-year", "2026", "--kind", "order", "--yes")
    assert bad_kind.exit_code == 2
    assert "kind_code" in bad_kind.stderr
    no_year = acme("budget", "delete", "--tenant", "acme", "--yes")
    assert no_year.exit_code == 2
    assert _remaining(container, admin) == before
