"""`dps import / export / export-template` in-process: exit codes 0 (done), 1 (rows with errors, error
workbook written, nothing imported), 2 (unreadable file / bad usage), 5 (forbidden)."""

from __future__ import annotations

from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest

from tests.integration.cli.conftest import Dps, _clean_env_and_logging, cli_env, dps, migrated  # noqa: F401


@pytest.fixture
def acme(migrated: Dps) -> Dps:  # noqa: F811 - the fixture imported above
    result = migrated("tenant", "create", "acme", "--name", "ACME株式会社")
    assert result.exit_code == 0, result.output
    return migrated


def _fill(template: Path, out: Path, rows: list[dict[str, object]]) -> Path:
    wb = openpyxl.load_workbook(template)
    ws = wb.worksheets[0]
    cells = [c.value for c in ws[2]]
    keys = [str(cells[0]).split(":", 1)[1], *[str(k) if k else "" for k in cells[1:]]]
    for row in rows:
        ws.append([row.get(k) for k in keys])
    wb.save(out)
    return out


def test_template_import_export_round_trip(acme: Dps, tmp_path: Path) -> None:
    template = tmp_path / "t.xlsx"
    assert acme("export-template", "accounts", str(template), "--tenant", "acme").exit_code == 0
    source = _fill(template, tmp_path / "a.xlsx", [{"name": "A社", "code": "A"}, {"name": "B社", "code": "B"}])

    dry = acme("import", "accounts", str(source), "--tenant", "acme", "--dry-run", "--quiet")
    assert dry.exit_code == 0, dry.output
    assert "dry run" in dry.output
    assert "inserted 2" in dry.output

    done = acme("import", "accounts", str(source), "--tenant", "acme", "--mode", "insert", "--quiet")
    assert done.exit_code == 0, done.output
    assert "inserted 2" in done.output

    again = acme("import", "accounts", str(source), "--tenant", "acme", "--mode", "insert", "--quiet")
    assert again.exit_code == 1
    assert "already exists" in again.output
    assert (tmp_path / "a.errors.xlsx").exists()

    out = tmp_path / "export.xlsx"
    exported = acme("export", "accounts", str(out), "--tenant", "acme", "--q", "A社", "--quiet")
    assert exported.exit_code == 0, exported.output
    assert "exported 1 rows" in exported.output


def test_bad_files_and_usage_exit_2(acme: Dps, tmp_path: Path) -> None:
    not_a_workbook = tmp_path / "x.xlsx"
    not_a_workbook.write_text("hello")
    result = acme("import", "accounts", str(not_a_workbook), "--tenant", "acme")
    assert result.exit_code == 2
    assert "cannot read" in result.output
    assert acme("import", "accounts", str(tmp_path / "missing.xlsx"), "--tenant", "acme").exit_code == 2
    assert acme("import", "spaceships", str(not_a_workbook), "--tenant", "acme").exit_code == 2


def test_acting_as_a_user_without_rights_is_forbidden(acme: Dps, tmp_path: Path) -> None:
    assert acme("user", "add", "--tenant", "acme", "sato", "--name", "佐藤").exit_code == 0
    template = tmp_path / "u.xlsx"
    assert acme("export-template", "users", str(template), "--tenant", "acme").exit_code == 0
    source = _fill(template, tmp_path / "in.xlsx", [{"login_id": "kato", "name": "加藤", "license": "full"}])
    result = acme("import", "users", str(source), "--tenant", "acme", "--as", "sato")
    assert result.exit_code == 5
    assert acme("import", "users", str(source), "--tenant", "acme", "--quiet").exit_code == 0
