"""集計組織最新化 on the real databases: the stored closure equals a naive walk, and re-running changes nothing."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings

from dps.application.directory.companies import CreateCompanyCommand
from dps.application.directory.organizations import CreateOrganizationCommand, MoveOrganizationCommand
from dps.bootstrap.container import Container
from dps.domain.shared.principal import Principal
from tests.integration.conftest import FAR_PAST
from tests.strategies import forests, naive_closure


def _stored(container: Container, admin: Principal) -> set[tuple[object, object, int]]:
    with container.uow()(admin.tenant_id) as uow:
        return {(r.ancestor, r.descendant, r.depth) for r in uow.org_closure.rows()}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(forests(max_nodes=15))
def test_refreshed_closure_equals_a_naive_walk(
    container: Container, admin: Principal, parent_of: dict[int, int | None]
) -> None:
    with container.uow()(admin.tenant_id) as uow:  # each example starts from an empty directory
        from dps.adapters.db.tables.directory import companies, organization_versions, organizations

        for t in (organization_versions, organizations, companies):
            uow.conn.execute(t.delete())
        uow.commit()
    company = container.create_company()(admin, CreateCompanyCommand("C1", "ACME", FAR_PAST))
    ids: dict[int, object] = {}
    create = container.create_organization()
    pending = dict(parent_of)
    while pending:  # parents first
        for node, parent in list(pending.items()):
            if parent is None or parent in ids:
                ids[node] = create(admin, CreateOrganizationCommand(
                    company.id, f"O{node}", f"組織{node}", FAR_PAST, ids.get(parent) if parent is not None else None  # type: ignore[arg-type]
                )).id
                del pending[node]
    result = container.refresh_org_closure()(admin, date(2026, 4, 1))
    expected = {(ids[a], ids[d], depth) for a, d, depth in naive_closure(parent_of)}
    assert _stored(container, admin) == expected
    assert result.rows == len(expected)
    container.refresh_org_closure()(admin, date(2026, 4, 1))
    assert _stored(container, admin) == expected


def test_refresh_follows_the_tree_as_of_its_date(container: Container, admin: Principal) -> None:
    company = container.create_company()(admin, CreateCompanyCommand("C1", "ACME", FAR_PAST))
    create = container.create_organization()
    a = create(admin, CreateOrganizationCommand(company.id, "A", "A部", FAR_PAST))
    b = create(admin, CreateOrganizationCommand(company.id, "B", "B部", FAR_PAST))
    c = create(admin, CreateOrganizationCommand(company.id, "C", "C課", FAR_PAST, a.id))
    container.move_organization()(admin, MoveOrganizationCommand(c.id, b.id, date(2026, 4, 1), 1))
    refresh = container.refresh_org_closure()
    refresh(admin, date(2026, 3, 31))
    with container.uow()(admin.tenant_id) as uow:
        assert uow.org_closure.descendants_or_self([a.id]) == {a.id, c.id}
        assert uow.org_closure.as_of() == date(2026, 3, 31)
    refresh(admin, date(2026, 4, 1))
    with container.uow()(admin.tenant_id) as uow:
        assert uow.org_closure.descendants_or_self([a.id]) == {a.id}
        assert uow.org_closure.descendants_or_self([b.id]) == {b.id, c.id}
