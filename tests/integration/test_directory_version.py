"""The tenant's directory version: every write a principal or a viewer depends on bumps it, in the
same transaction, through one mechanism that no write path can forget."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from dps.adapters.db.repositories.tenancy import DIRECTORY_TABLES
from dps.adapters.db.tables import auth as auth_tables
from dps.adapters.db.tables import directory as directory_tables
from dps.adapters.db.tables.directory import group_roles
from dps.application.auth.principals import principal_for
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
from dps.application.shared.errors import Unauthenticated
from dps.bootstrap.container import Container
from dps.domain.directory.users import User
from dps.domain.shared.principal import License, Principal, Role
from dps.domain.tenancy.tenants import Tenant
from tests.integration.conftest import FAR_PAST

PASSWORD = "Sales-2026-pass"
TODAY = date(2026, 11, 25)


def version(c: Container, tenant: Tenant) -> int:
    found = c.get_tenant()(tenant.id)
    assert found is not None
    return found.directory_version


def test_a_new_tenant_starts_at_version_one(container: Container, tenant: Tenant) -> None:
    assert tenant.directory_version == 1
    assert version(container, tenant) == 1


def test_every_directory_and_token_write_use_case_bumps_the_version(
    container: Container, tenant: Tenant, admin: Principal
) -> None:
    """Each step is a use case that changes what principals or viewers are built from: each must
    move the version forward, once per transaction."""
    c = container
    made: dict[str, Any] = {}

    def user_principal() -> Principal:
        with c.uow()(tenant.id) as uow:
            return principal_for(uow, tenant.id, made["user"], TODAY)

    steps: list[tuple[str, Callable[[], object]]] = [
        ("add company", lambda: made.setdefault(
            "company", c.create_company()(admin, CreateCompanyCommand("C1", "ACME", FAR_PAST)))),
        ("add organisation", lambda: made.setdefault("hq", c.create_organization()(
            admin, CreateOrganizationCommand(made["company"].id, "HQ", "本社", FAR_PAST)))),
        ("add child organisation", lambda: made.setdefault("sales", c.create_organization()(
            admin, CreateOrganizationCommand(made["company"].id, "S", "営業部", FAR_PAST, made["hq"].id)))),
        ("add another organisation", lambda: made.setdefault("other", c.create_organization()(
            admin, CreateOrganizationCommand(made["company"].id, "O", "管理部", FAR_PAST, made["hq"].id)))),
        ("rename organisation", lambda: c.rename_organization()(
            admin, RenameOrganizationCommand(made["sales"].id, "営業本部", date(2025, 4, 1), 1))),
        ("move organisation", lambda: c.move_organization()(
            admin, MoveOrganizationCommand(made["other"].id, made["sales"].id, date(2025, 4, 1), 1))),
        ("close organisation", lambda: c.close_organization()(
            admin, CloseOrganizationCommand(made["other"].id, date(2026, 4, 1), 2))),
        ("add manager position", lambda: made.setdefault("post", c.create_position()(
            admin, CreatePositionCommand(made["company"].id, "MGR", "部長", 80, True)))),
        ("add user", lambda: made.setdefault("user", c.add_user()(
            admin, AddUserCommand(login_id="tanaka", name="田中", license=License.FULL, password=PASSWORD)))),
        ("assign affiliation", lambda: c.assign_affiliation()(admin, AssignAffiliationCommand(
            made["user"].id, made["sales"].id, FAR_PAST, position_id=made["post"].id))),
        ("add public group", lambda: made.setdefault("group", c.create_public_group()(
            admin, CreatePublicGroupCommand("KEY", "重点顧客", FAR_PAST, role_codes=(("L", "リーダー"),))))),
        ("add group member", lambda: made.setdefault("membership", c.add_group_member()(
            admin, AddGroupMemberCommand(made["group"].id, made["user"].id, FAR_PAST)))),
        ("remove group member", lambda: c.remove_group_member()(admin, made["membership"].id)),
        ("refresh the closure", lambda: c.refresh_org_closure()(admin, TODAY)),
        ("issue an API token", lambda: made.setdefault(
            "token", c.issue_api_token()(user_principal(), "cli"))),
        ("revoke an API token", lambda: c.revoke_api_token()(user_principal(), made["token"].token.id)),
        ("deactivate user", lambda: c.deactivate_user()(admin, "tanaka")),
    ]
    for name, step in steps:
        before = version(c, tenant)
        step()
        assert version(c, tenant) == before + 1, name


def test_login_bookkeeping_leaves_the_version_alone(container: Container, tenant: Tenant, admin: Principal) -> None:
    """Failed-login counters, lockouts and password hashes are not principal facts: logging in all
    morning must not throw away every cached principal of the tenant."""
    c = container
    c.add_user()(admin, AddUserCommand(login_id="tanaka", name="田中", license=License.FULL, password=PASSWORD))
    before = version(c, tenant)
    with pytest.raises(Unauthenticated):
        c.log_in()("acme", "tanaka", "wrong-password")
    result = c.log_in()("acme", "tanaka", PASSWORD)
    c.resolve_session()(tenant.id, result.session_secret)
    c.change_password()(result.principal, PASSWORD, "Another-2026-pass")
    c.set_user_password()(admin, "tanaka", "Third-2026-pass!")
    c.log_out()(tenant.id, result.session_secret)
    assert version(c, tenant) == before


@pytest.mark.parametrize("change", [
    lambda u: setattr(u, "name", "田中 二郎"),
    lambda u: setattr(u, "license", License.LIGHT),
    lambda u: setattr(u, "time_zone", "Europe/Paris"),
    lambda u: setattr(u, "locale", "en"),
    lambda u: setattr(u, "roles", frozenset({Role.SEE_ALL})),
])
def test_a_user_update_that_changes_a_principal_fact_bumps(
    container: Container, tenant: Tenant, admin: Principal, change: Callable[[User], None]
) -> None:
    user = container.add_user()(admin, AddUserCommand(login_id="tanaka", name="田中", license=License.FULL))
    before = version(container, tenant)
    with container.uow()(tenant.id) as uow:
        loaded = uow.users.get(user.id)
        assert loaded is not None
        change(loaded)
        uow.users.update(loaded)
        uow.commit()
    assert version(container, tenant) == before + 1


def test_a_user_updated_without_being_read_first_bumps(container: Container, tenant: Tenant, admin: Principal) -> None:
    """The repository cannot tell what changed, so it assumes the worst."""
    user = container.add_user()(admin, AddUserCommand(login_id="tanaka", name="田中", license=License.FULL))
    before = version(container, tenant)
    with container.uow()(tenant.id) as uow:
        uow.users.update(user)
        uow.commit()
    assert version(container, tenant) == before + 1


def test_a_write_that_rolls_back_leaves_the_version_alone(container: Container, tenant: Tenant) -> None:
    with container.uow()(tenant.id) as uow:
        uow.positions.get_many([])  # a read marks nothing
        assert uow.directory_memo() is not None
        with uow.conn.begin_nested():
            uow.conn.execute(sa.delete(group_roles).where(group_roles.c.tenant_id == tenant.id))
        assert uow.directory_memo() is None  # its own reads are nobody's truth until it commits
    assert version(container, tenant) == 1


def test_any_core_write_to_a_directory_table_counts_even_without_a_repository_method(
    container: Container, tenant: Tenant
) -> None:
    """The mechanism watches statements, not methods: a future write path cannot forget it."""
    with container.uow()(tenant.id) as uow:
        uow.conn.execute(sa.update(directory_tables.users).where(directory_tables.users.c.tenant_id == tenant.id)
                     .values(name="x"))
        uow.commit()
        assert uow.directory_memo() is not None  # a new transaction starts clean
        uow.commit()  # nothing written since: no bump
    assert version(container, tenant) == 2


@pytest.mark.parametrize(("how", "sql", "marks"), [
    ("text", "UPDATE users SET name = 'x' WHERE tenant_id = :t", True),
    ("driver", "DELETE FROM group_memberships WHERE tenant_id = '{t}'", True),
    ("text", "delete from org_closure where tenant_id = :t", True),
    ("text", "SELECT count(*) FROM users WHERE tenant_id = :t", False),
    ("text", "DELETE FROM record_staff WHERE tenant_id = :t AND user_id IN (SELECT id FROM users)", False),
    ("driver", "UPDATE web_sessions SET idle_seconds = 1 WHERE tenant_id = '{t}'", False),
])
def test_writes_sent_as_sql_text_count_too(container: Container, tenant: Tenant, how: str, sql: str,
                                           marks: bool) -> None:
    with container.uow()(tenant.id) as uow:
        if how == "text":
            uow.conn.execute(sa.text(sql).bindparams(sa.bindparam("t", type_=sa.Uuid)), {"t": tenant.id})
        else:
            t = tenant.id if uow.conn.dialect.name == "postgresql" else tenant.id.hex
            uow.conn.exec_driver_sql(sql.format(t=t))
        assert (uow.directory_memo() is None) is marks
        uow.commit()
    assert version(container, tenant) == (2 if marks else 1)


def test_every_directory_table_and_the_token_table_are_watched_and_sessions_are_not() -> None:
    directory = {t.name for t in vars(directory_tables).values() if isinstance(t, sa.Table)}
    assert directory >= {"users", "affiliations", "group_memberships", "public_groups", "positions",
                         "organizations", "organization_versions", "org_closure", "org_closure_state"}
    assert directory | {auth_tables.api_tokens.name} == DIRECTORY_TABLES
    assert auth_tables.web_sessions.name not in DIRECTORY_TABLES
