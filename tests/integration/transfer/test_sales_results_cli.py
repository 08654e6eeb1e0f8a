"""`dps export-template / import sales-results` in-process: the CSV template carries the Japanese
headers, and a core-system CSV naming an unknown account exits 1 with the row and nothing imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.cli.conftest import Dps, _clean_env_and_logging, cli_env, dps, migrated  # noqa: F401


@pytest.fixture
def acme(migrated: Dps) -> Dps:  # noqa: F811 - the fixture imported above
    result = migrated("tenant", "create", "acme", "--name", "ACME株式会社")
    assert result.exit_code == 0, result.output
    return migrated


def test_template_and_a_refused_import(acme: Dps, tmp_path: Path) -> None:
    template = tmp_path / "sales.csv"
    made = acme("export-template", "sales-results", str(template), "--tenant", "acme")
    assert made.exit_code == 0, made.output
    header = template.read_bytes().decode("utf-8-sig").splitlines()[0]
    assert header.startswith("販売実績ID,バージョン,取込区分,伝票番号,売上日,取引先")

    source = tmp_path / "core.csv"
    source.write_bytes("伝票番号,売上日,取引先,売上金額,担当者\r\nS-1,2026/4/1,NO-SUCH,100,admin\r\n".encode("cp932"))
    result = acme("import", "sales-results", str(source), "--tenant", "acme", "--quiet")
    assert result.exit_code == 1, result.output
    assert "NO-SUCH" in result.output
    assert (tmp_path / "core.errors.xlsx").exists()
