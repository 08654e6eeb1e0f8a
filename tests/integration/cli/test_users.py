"""`dps user ...`: adding, listing, passwords, deactivation and API tokens, with their exit codes."""

from __future__ import annotations

from pathlib import Path

from tests.integration.cli.conftest import Dps, log_lines

PASSWORD = "Sales-2026-pass"


def _rows(output: str) -> dict[str, list[str]]:
    """`user list` rows by login id (the name may hold a space: take the columns around it)."""
    rows = {}
    for line in output.splitlines()[2:]:
        cells = line.split()
        rows[cells[0]] = [cells[0], " ".join(cells[1:-3]), *cells[-3:]]
    return rows


def test_user_add_with_password_on_stdin_then_list_shows_it(acme: Dps) -> None:
    added = acme("user", "add", "--tenant", "acme", "tanaka", "--name", "田中 美咲", "--email",
                 "tanaka@example.com", "--admin", "--password-stdin", input=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    assert "tanaka" in added.stdout
    assert "no password" not in added.output

    listed = acme("user", "list", "--tenant", "acme")
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.splitlines()[0].split() == ["LOGIN", "NAME", "LICENSE", "ACTIVE", "ADMIN"]
    assert _rows(listed.stdout)["tanaka"] == ["tanaka", "田中 美咲", "full", "yes", "yes"]


def test_user_add_without_terminal_or_stdin_creates_the_user_without_password(acme: Dps) -> None:
    added = acme("user", "add", "--tenant", "acme", "suzuki", "--name", "鈴木 花子", "--license", "light")
    assert added.exit_code == 0, added.output
    assert "no password set" in added.stderr
    assert "dps user set-password --tenant acme suzuki" in added.stderr
    assert _rows(acme("user", "list", "--tenant", "acme").stdout)["suzuki"][2] == "light"


def test_a_duplicate_login_exits_4(acme: Dps) -> None:
    assert acme("user", "add", "--tenant", "acme", "tanaka", "--name", "田中").exit_code == 0
    again = acme("user", "add", "--tenant", "acme", "tanaka", "--name", "田中 二郎")
    assert again.exit_code == 4, again.output
    assert "login id 'tanaka' is already used" in again.stderr


def test_an_invalid_email_exits_2_and_names_the_field(acme: Dps) -> None:
    result = acme("user", "add", "--tenant", "acme", "tanaka", "--name", "田中", "--email", "not-an-address")
    assert result.exit_code == 2, result.output
    assert "email" in result.stderr
    assert "not-an-address" in result.stderr
    assert "tanaka" not in acme("user", "list", "--tenant", "acme").stdout


def test_a_weak_password_exits_2(acme: Dps) -> None:
    result = acme("user", "add", "--tenant", "acme", "tanaka", "--name", "田中", "--password-stdin", input="short\n")
    assert result.exit_code == 2, result.output
    assert "password" in result.stderr


def test_an_unknown_tenant_exits_3(acme: Dps) -> None:
    for args in (
        ("user", "list", "--tenant", "nope"),
        ("user", "add", "--tenant", "nope", "tanaka", "--name", "田中"),
        ("org", "refresh", "--tenant", "nope"),
    ):
        result = acme(*args)
        assert result.exit_code == 3, (args, result.output)
        assert "unknown tenant 'nope'" in result.stderr
        assert "テナント 'nope' が見つかりません" in result.stderr


def test_an_unknown_user_exits_3(acme: Dps) -> None:
    result = acme("user", "deactivate", "--tenant", "acme", "ghost")
    assert result.exit_code == 3, result.output
    assert "unknown user 'ghost'" in result.stderr


def test_when_light_licences_run_out_the_next_light_user_exits_2(acme: Dps) -> None:
    for login in ("light1", "light2"):
        assert acme("user", "add", "--tenant", "acme", login, "--name", "ライト", "--license", "light").exit_code == 0
    third = acme("user", "add", "--tenant", "acme", "light3", "--name", "ライト", "--license", "light")
    assert third.exit_code == 2, third.output
    assert "licences" in third.stderr
    assert "license" in third.stderr
    full = acme("user", "add", "--tenant", "acme", "full1", "--name", "フル")
    assert full.exit_code == 0, full.output


def test_a_deactivated_user_leaves_the_list_but_stays_with_all(acme: Dps) -> None:
    assert acme("user", "add", "--tenant", "acme", "tanaka", "--name", "田中 美咲").exit_code == 0
    assert acme("user", "add", "--tenant", "acme", "sato", "--name", "佐藤 一郎").exit_code == 0

    gone = acme("user", "deactivate", "--tenant", "acme", "tanaka")
    assert gone.exit_code == 0, gone.output

    assert set(_rows(acme("user", "list", "--tenant", "acme").stdout)) == {"sato"}
    every = _rows(acme("user", "list", "--tenant", "acme", "--all").stdout)
    assert every["tanaka"][3] == "no"
    assert every["sato"][3] == "yes"
    twice = acme("user", "deactivate", "--tenant", "acme", "tanaka")
    assert twice.exit_code == 2, twice.output


def test_set_password_reads_stdin_and_refuses_without_a_terminal(acme: Dps) -> None:
    assert acme("user", "add", "--tenant", "acme", "tanaka", "--name", "田中").exit_code == 0
    no_tty = acme("user", "set-password", "--tenant", "acme", "tanaka")
    assert no_tty.exit_code == 2, no_tty.output
    assert "--password-stdin" in no_tty.stderr
    done = acme("user", "set-password", "--tenant", "acme", "tanaka", "--password-stdin", input=PASSWORD + "\n")
    assert done.exit_code == 0, done.output
    assert "tanaka" in done.stdout


def test_user_token_prints_a_bearer_once_on_stdout(acme: Dps) -> None:
    assert acme("user", "add", "--tenant", "acme", "tanaka", "--name", "田中").exit_code == 0
    result = acme("user", "token", "--tenant", "acme", "tanaka", "--name", "reporting")
    assert result.exit_code == 0, result.output
    [bearer] = result.stdout.splitlines()
    assert bearer.startswith("dps.")
    assert len(bearer.split(".")) == 4
    assert "shown once" in result.stderr
    assert bearer not in result.stderr


def test_user_add_writes_the_audit_line_to_the_tenants_master_log(acme: Dps, tmp_path: Path) -> None:
    result = acme("user", "add", "--tenant", "acme", "tanaka", "--name", "田中 美咲", "--password-stdin",
                  input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output

    lines = log_lines(tmp_path / "logs" / "acme" / "master.log")
    [line] = [entry for entry in lines if entry["entity"] == "user"]
    assert line["action"] == "create"
    assert line["actor"] == "cli:tester"
    assert line["tenant"] == "acme"
    assert line["request_id"].startswith("cli-")
    assert line["after"]["login_id"] == "tanaka"
    assert "password_hash" not in line["after"]
    assert PASSWORD not in (tmp_path / "logs" / "acme" / "master.log").read_text(encoding="utf-8")
    assert not (tmp_path / "logs" / "_system" / "master.log").exists()
