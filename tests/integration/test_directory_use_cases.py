"""Directory use cases against the real SQL adapters, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from dps.application.auth.principals import system_principal
from dps.application.directory.affiliations import AssignAffiliationCommand
from dps.application.directory.companies import CreateCompanyCommand
from dps.application.directory.groups import AddGroupMemberCommand, CreatePublicGroupCommand
from dps.application.directory.organizations import (
    CloseOrganizationCommand,
    CreateOrganizationCommand,
    MoveOrganizationCommand,
    RenameOrganizationCommand,
)
from dps.application.directory.positions import CreatePositionCommand
from dps.application.directory.users import AddUserCommand
from dps.application.shared.errors import Conflict, Forbidden, Invalid, NotFound
from dps.application.tenancy.tenants import CreateTenantCommand
from dps.bootstrap.container import Container
from dps.domain.shared.principal import License, Principal, Role
from dps.domain.tenancy.tenants import Tenant
from tests.integration.conftest import FAR_PAST

PASSWORD = "Sales-2026-pass"


def setup_company(c: Container, admin: Principal):  # type: ignore[no-untyped-def]
    company = c.create_company()(admin, CreateCompanyCommand(code="C1", name="ACME株式会社", valid_from=FAR_PAST))
    top = c.create_organization()(admin, CreateOrganizationCommand(company.id, "HQ", "本社", FAR_PAST))
    sales = c.create_organization()(admin, CreateOrganizationCommand(company.id, "SALES", "営業本部", FAR_PAST, top.id))
    east = c.create_organization()(
        admin, CreateOrganizationCommand(company.id, "EAST", "東日本営業部", FAR_PAST, sales.id)
    )
    return company, top, sales, east


def test_org_tree_changes_persist_with_history(container: Container, admin: Principal) -> None:
    _company, _top, sales, _east = setup_company(container, admin)
    renamed = container.rename_organization()(
        admin, RenameOrganizationCommand(sales.id, "営業統括本部", date(2025, 4, 1), expected_version=1)
    )
    assert renamed.version == 2
    before = {v.code: v.name for v in container.list_organizations()(admin, date(2025, 3, 31))}
    after = {v.code: v.name for v in container.list_organizations()(admin, date(2025, 4, 1))}
    assert before["SALES"] == "営業本部"
    assert after["SALES"] == "営業統括本部"
    assert [v.code for v in container.list_organizations()(admin, date(2025, 4, 1))] == ["HQ", "SALES", "EAST"]


def test_stale_version_is_a_conflict_and_changes_nothing(container: Container, admin: Principal) -> None:
    _, _, sales, _ = setup_company(container, admin)
    container.rename_organization()(admin, RenameOrganizationCommand(sales.id, "A", date(2025, 4, 1), 1))
    with pytest.raises(Conflict) as e:
        container.rename_organization()(admin, RenameOrganizationCommand(sales.id, "B", date(2025, 4, 1), 1))
    assert e.value.current_version == 2
    names = {v.code: v.name for v in container.list_organizations()(admin, date(2026, 1, 1))}
    assert names["SALES"] == "A"


def test_a_cycle_is_refused_and_the_tree_is_unchanged(container: Container, admin: Principal) -> None:
    _, top, _, east = setup_company(container, admin)
    with pytest.raises(Invalid) as e:
        container.move_organization()(admin, MoveOrganizationCommand(top.id, east.id, date(2025, 4, 1), 1))
    assert "parent_id" in e.value.errors
    views = {v.code: v for v in container.list_organizations()(admin, date(2026, 1, 1))}
    assert views["HQ"].parent_id is None
    assert views["HQ"].version == 1


def test_closing_a_parent_with_children_is_refused(container: Container, admin: Principal) -> None:
    _, _, sales, _ = setup_company(container, admin)
    with pytest.raises(Invalid):
        container.close_organization()(admin, CloseOrganizationCommand(sales.id, date(2025, 4, 1), 1))


def test_organisation_needs_an_existing_company(container: Container, admin: Principal, tenant: Tenant) -> None:
    from uuid import uuid4

    with pytest.raises(NotFound):
        container.create_organization()(admin, CreateOrganizationCommand(uuid4(), "X", "X", FAR_PAST))  # type: ignore[arg-type]


def test_duplicate_codes_and_logins_are_conflicts(container: Container, admin: Principal) -> None:
    setup_company(container, admin)
    with pytest.raises(Conflict):
        container.create_company()(admin, CreateCompanyCommand(code="C1", name="dup", valid_from=FAR_PAST))
    container.add_user()(admin, AddUserCommand(login_id="sato", name="佐藤", license=License.FULL))
    with pytest.raises(Conflict) as e:
        container.add_user()(admin, AddUserCommand(login_id="sato", name="佐藤2", license=License.FULL))
    assert e.value.field == "login_id"


def test_licence_count_limits_active_users_and_deactivation_frees_one(
    container: Container, admin: Principal
) -> None:
    add = container.add_user()
    for i in range(3):  # the fixture tenant has 3 light licences
        add(admin, AddUserCommand(login_id=f"light{i}", name=f"ライト{i}", license=License.LIGHT))
    with pytest.raises(Invalid) as e:
        add(admin, AddUserCommand(login_id="light3", name="ライト3", license=License.LIGHT))
    assert "license" in e.value.errors
    container.deactivate_user()(admin, "light0")
    add(admin, AddUserCommand(login_id="light3", name="ライト3", license=License.LIGHT))
    logins = [u.login_id for u in container.list_users()(admin)]
    assert "light0" not in logins
    assert "light3" in logins


def test_light_and_non_admin_users_cannot_change_the_directory(container: Container, admin: Principal) -> None:
    user = container.add_user()(admin, AddUserCommand(login_id="light", name="ライト", license=License.LIGHT,
                                                      roles=frozenset({Role.TENANT_ADMIN})))
    light_admin = Principal(tenant_id=admin.tenant_id, user_id=user.id, login_id="light", name="ライト",
                            license=License.LIGHT, roles=frozenset({Role.TENANT_ADMIN}))
    full_user = Principal(tenant_id=admin.tenant_id, user_id=user.id, login_id="full", name="フル",
                          license=License.FULL)
    for p in (light_admin, full_user):
        with pytest.raises(Forbidden):
            container.create_company()(p, CreateCompanyCommand(code="C9", name="x", valid_from=FAR_PAST))
        with pytest.raises(Forbidden):
            container.add_user()(p, AddUserCommand(login_id="x1", name="x", license=License.FULL))
    assert container.list_companies()(admin) == []


def test_primary_affiliation_is_unique_at_any_date(container: Container, admin: Principal) -> None:
    company, _, sales, east = setup_company(container, admin)
    manager = container.create_position()(admin, CreatePositionCommand(company.id, "MGR", "部長", 80, True))
    user = container.add_user()(admin, AddUserCommand(login_id="suzuki", name="鈴木", license=License.FULL))
    container.assign_affiliation()(admin, AssignAffiliationCommand(user.id, sales.id, FAR_PAST, position_id=manager.id))
    with pytest.raises(Invalid) as e:
        container.assign_affiliation()(admin, AssignAffiliationCommand(user.id, east.id, date(2024, 4, 1)))
    assert "is_primary" in e.value.errors
    concurrent = AssignAffiliationCommand(user.id, east.id, date(2024, 4, 1), is_primary=False)
    container.assign_affiliation()(admin, concurrent)
    affs = container.list_affiliations()(admin, user.id)
    assert sorted(a.is_primary for a in affs) == [False, True]


def test_group_membership_and_roles(container: Container, admin: Principal) -> None:
    group = container.create_public_group()(admin, CreatePublicGroupCommand(
        "KEY", "重点顧客プロジェクト", FAR_PAST, role_codes=(("LEAD", "リーダー"), ("MEMBER", "メンバー"))))
    user = container.add_user()(admin, AddUserCommand(login_id="ito", name="伊藤", license=License.FULL))
    m = container.add_group_member()(admin, AddGroupMemberCommand(group.id, user.id, FAR_PAST, role_code="LEAD"))
    assert m.role_id == next(r.id for r in group.roles if r.code == "LEAD")
    with pytest.raises(Invalid):
        container.add_group_member()(admin, AddGroupMemberCommand(group.id, user.id, date(2021, 1, 1)))
    with pytest.raises(NotFound):
        container.add_group_member()(admin, AddGroupMemberCommand(group.id, user.id, FAR_PAST, role_code="NOPE"))
    [stored] = container.list_public_groups()(admin)
    assert {r.code for r in stored.roles} == {"LEAD", "MEMBER"}


def test_tenants_never_see_each_other(container: Container, admin: Principal) -> None:
    setup_company(container, admin)
    container.add_user()(admin, AddUserCommand(login_id="sato", name="佐藤", license=License.FULL))
    other = container.create_tenant()(CreateTenantCommand(code="other-co", name="他社"))
    other_admin = system_principal(other.id)
    assert container.list_companies()(other_admin) == []
    assert container.list_users()(other_admin) == []
    assert container.list_organizations()(other_admin) == []
    # the same codes are free in the other tenant
    container.create_company()(other_admin, CreateCompanyCommand(code="C1", name="他社本体", valid_from=FAR_PAST))
    container.add_user()(other_admin, AddUserCommand(login_id="sato", name="佐藤", license=License.FULL))
    assert [c.name for c in container.list_companies()(admin)] == ["ACME株式会社"]


def test_an_unknown_time_zone_is_refused(container: Container, admin: Principal) -> None:
    command = AddUserCommand(login_id="tz", name="x", license=License.FULL, time_zone="Asia/Tokio")
    with pytest.raises(Invalid) as e:
        container.add_user()(admin, command)
    assert "time_zone" in e.value.errors
    with pytest.raises(Invalid):
        container.create_tenant()(CreateTenantCommand(code="tz-co", name="x", time_zone="Mars/Olympus"))
