"""`dps demo seed` and `dps org refresh`; the demo seed itself on both database engines."""

from __future__ import annotations

import re
from pathlib import Path

from dps.application.auth.principals import system_principal
from dps.application.demo.seed import DEMO_PASSWORD, SeedDemo
from dps.bootstrap.container import Container
from dps.bootstrap.runtime import seed_demo
from dps.domain.shared.principal import License
from tests.integration.cli.conftest import Dps


def _summary(container: Container, code: str) -> dict[str, object]:
    tenant = container.find_tenant()(code)
    assert tenant is not None
    with container.uow()(tenant.id) as uow:
        users = uow.users.list()
        affiliations = [a for u in users for a in uow.affiliations.for_user(u.id)]
        memberships = [m for u in users for m in uow.group_memberships.for_user(u.id)]
        return {
            "users": len(users),
            "licences": {u.license for u in users},
            "admins": [u.login_id for u in users if u.is_admin],
            "levels": 1 + max(row.depth for row in uow.org_closure.rows()),
            "companies": len(uow.companies.list()),
            "groups": len(uow.public_groups.list()),
            "positions": len(uow.positions.list()),
            "concurrent": sum(1 for a in affiliations if not a.is_primary),
            "without_primary": [u.login_id for u in users
                                if not any(a.is_primary for a in affiliations if a.user_id == u.id)],
            "memberships": len(memberships),
        }


def test_demo_seed_creates_a_realistic_tenant_once(migrated: Dps, cli_db: Container, tmp_path: Path) -> None:
    first = migrated("demo", "seed")
    assert first.exit_code == 0, first.output
    assert "demo" in first.stdout
    assert DEMO_PASSWORD in first.stdout
    assert "production" in first.stderr

    summary = _summary(cli_db, "demo")
    assert summary["users"] >= 12  # type: ignore[operator]
    assert summary["licences"] == {License.FULL, License.LIGHT}
    assert summary["admins"] == ["admin"]
    assert summary["levels"] >= 4  # type: ignore[operator]
    assert summary["companies"] == 2
    assert summary["groups"] == 2
    assert summary["positions"] == 10
    assert summary["concurrent"] >= 1  # type: ignore[operator]
    assert summary["without_primary"] == []
    assert summary["memberships"] >= 4  # type: ignore[operator]
    assert (tmp_path / "logs" / "demo" / "master.log").exists()

    second = migrated("demo", "seed")
    assert second.exit_code == 0, second.output
    assert "already exists" in second.stdout
    assert _summary(cli_db, "demo") == summary


def test_demo_seed_can_name_another_tenant(migrated: Dps, cli_db: Container) -> None:
    result = migrated("demo", "seed", "--tenant", "trial")
    assert result.exit_code == 0, result.output
    assert cli_db.find_tenant()("trial") is not None
    assert cli_db.find_tenant()("demo") is None


def test_org_refresh_prints_the_counts_and_is_idempotent(migrated: Dps) -> None:
    assert migrated("demo", "seed").exit_code == 0
    first = migrated("org", "refresh", "--tenant", "demo")
    assert first.exit_code == 0, first.output
    match = re.search(r"(\d+) organisations, (\d+) rows written", first.stdout)
    assert match is not None, first.stdout
    organisations, rows = int(match[1]), int(match[2])
    assert organisations == 15
    assert rows > organisations

    again = migrated("org", "refresh", "--tenant", "demo")
    assert f"{organisations} organisations, {rows} rows written" in again.stdout

    before = migrated("org", "refresh", "--tenant", "demo", "--as-of", "2019-04-01")
    assert before.exit_code == 0, before.output
    assert "as of 2019-04-01: 0 organisations, 0 rows written" in before.stdout
    bad = migrated("org", "refresh", "--tenant", "demo", "--as-of", "01/04/2026")
    assert bad.exit_code == 2


def _seed(container: Container) -> SeedDemo:
    return seed_demo(container)


def test_the_demo_seed_runs_on_both_engines(container: Container) -> None:
    result = _seed(container)()
    assert result.created
    assert len(result.logins) >= 12
    assert {login.license for login in result.logins} == {License.FULL, License.LIGHT}
    assert [login.login_id for login in result.logins if login.is_admin] == ["admin"]
    assert result.org_refresh is not None
    assert result.org_refresh.organizations == 15

    login = container.log_in()("demo", "admin", DEMO_PASSWORD)
    assert login.principal.is_admin
    assert login.principal.primary_organization_id is not None
    light = container.log_in()("demo", "yoshida", DEMO_PASSWORD)
    assert not light.principal.can_write_records
    assert light.principal.group_ids

    again = _seed(container)()
    assert not again.created
    assert again.logins == []
    tenant = container.find_tenant()("demo")
    assert tenant is not None
    users = container.list_users()(system_principal(tenant.id))
    assert len(users) == len(result.logins)
