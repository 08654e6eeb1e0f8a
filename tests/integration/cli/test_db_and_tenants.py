"""`dps db` and `dps tenant`: schema revisions, provisioning, and their exit codes."""

from __future__ import annotations

from dps.adapters.db.migrations_runner import head_revision
from dps.bootstrap.container import Container
from dps.domain.visibility.policy import UpdateRule
from tests.integration.cli.conftest import Dps


def test_db_upgrade_then_current_shows_the_head_revision(dps: Dps) -> None:
    before = dps("db", "current")
    assert before.exit_code == 0, before.output
    assert "none" in before.stdout
    assert "dps db upgrade" in before.stdout

    upgraded = dps("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert f"revision {head_revision()}" in upgraded.stdout

    current = dps("db", "current")
    assert current.exit_code == 0, current.output
    assert f"current:  {head_revision()}" in current.stdout
    assert "up to date" in current.stdout


def test_db_upgrade_migrates_the_url_given_on_the_command_line(dps: Dps, tmp_path) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "elsewhere" / "other.sqlite3"
    result = dps("db", "upgrade", "--database-url", f"sqlite:///{other}")
    assert result.exit_code == 0, result.output
    assert other.exists()
    assert not (tmp_path / "dps.sqlite3").exists()
    assert dps("db", "current", "--database-url", f"sqlite:///{other}").stdout.count(str(head_revision())) == 2


UNREACHABLE = "postgresql://postgres@127.0.0.1:1/nowhere"


def test_an_unreachable_database_exits_6(dps: Dps) -> None:
    for args in (("db", "current", "--database-url", UNREACHABLE), ("db", "upgrade", "--database-url", UNREACHABLE)):
        result = dps(*args)
        assert result.exit_code == 6, (args, result.output)
        assert "database unavailable" in result.stderr
        assert "Traceback" not in result.output
    for args in (("tenant", "list"), ("user", "list", "--tenant", "acme")):  # through the unit of work
        result = dps(*args, env={"DPS_DATABASE_URL": UNREACHABLE})
        assert result.exit_code == 6, (args, result.output)
        assert "database unavailable" in result.stderr


def test_an_unmigrated_database_exits_6_and_says_to_upgrade(dps: Dps) -> None:
    result = dps("tenant", "list")
    assert result.exit_code == 6, result.output
    assert "dps db upgrade" in result.stderr


def test_a_malformed_database_url_is_invalid_input(dps: Dps) -> None:
    result = dps("db", "upgrade", "--database-url", "not a url")
    assert result.exit_code == 2, result.output
    assert "database_url" in result.stderr


def test_a_bad_setting_is_invalid_input(migrated: Dps) -> None:
    result = migrated("tenant", "list", env={"DPS_PORT": "eighty"})
    assert result.exit_code == 2, result.output
    assert "DPS_PORT" in result.stderr


def test_tenant_create_then_list_shows_it(migrated: Dps) -> None:
    created = migrated("tenant", "create", "acme", "--name", "株式会社アクメ", "--full-licenses", "50",
                       "--light-licenses", "20", "--time-zone", "Asia/Tokyo")
    assert created.exit_code == 0, created.output
    assert "acme" in created.stdout

    listed = migrated("tenant", "list")
    assert listed.exit_code == 0, listed.output
    [row] = [line for line in listed.stdout.splitlines() if line.startswith("acme")]
    assert row.split() == ["acme", "株式会社アクメ", "Asia/Tokyo", "50", "20", "yes", row.split()[-1]]


def test_a_duplicate_tenant_code_exits_4(migrated: Dps) -> None:
    assert migrated("tenant", "create", "acme", "--name", "ACME").exit_code == 0
    again = migrated("tenant", "create", "acme", "--name", "ACME 2")
    assert again.exit_code == 4, again.output
    assert "acme" in again.stderr
    assert "already used" in again.stderr


def test_an_invalid_tenant_code_or_time_zone_exits_2(migrated: Dps) -> None:
    bad_code = migrated("tenant", "create", "a_b", "--name", "X")
    assert bad_code.exit_code == 2, bad_code.output
    assert "code" in bad_code.stderr
    bad_zone = migrated("tenant", "create", "acme", "--name", "X", "--time-zone", "Asia/Tokio")
    assert bad_zone.exit_code == 2, bad_zone.output
    assert "Asia/Tokio" in bad_zone.stderr
    assert "acme" not in migrated("tenant", "list").stdout


def test_missing_required_options_are_usage_errors(migrated: Dps) -> None:
    result = migrated("tenant", "create", "acme")
    assert result.exit_code == 2
    assert "--name" in result.stderr


def test_tenant_create_takes_fiscal_year_start_and_update_rule(migrated: Dps, cli_db: Container) -> None:
    created = migrated("tenant", "create", "strictco", "--name", "厳格株式会社", "--fiscal-year-start", "1",
                       "--update-rule", "strict")
    assert created.exit_code == 0, created.output
    assert "strict" in created.stdout
    tenant = cli_db.find_tenant()("strictco")
    assert tenant is not None
    assert tenant.fiscal_year_start_month == 1
    assert tenant.update_rule is UpdateRule.STRICT
    assert migrated("tenant", "create", "x-co", "--name", "X", "--update-rule", "nobody").exit_code == 2
