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


def test_an_export_keeps_the_dates_asked_for(acme: Dps, tmp_path: Path) -> None:
    """`--from` / `--to` bound the sales date of a sales-results export (and of activities)."""
    assert acme("user", "add", "--tenant", "acme", "sato", "--name", "佐藤").exit_code == 0
    accounts = tmp_path / "accounts.csv"
    accounts.write_bytes("取引先コード,取引先名\r\nA-1,得意先\r\n".encode("utf-8-sig"))
    made = acme("import", "accounts", str(accounts), "--tenant", "acme", "--quiet")
    assert made.exit_code == 0, made.output
    sales = tmp_path / "sales.csv"
    rows = [f"S-{m},2026/{m}/15,A-1,{m}000,sato" for m in (3, 4, 5)]
    sales.write_bytes("\r\n".join(["伝票番号,売上日,取引先,売上金額,担当者", *rows]).encode("cp932"))
    loaded = acme("import", "sales-results", str(sales), "--tenant", "acme", "--quiet")
    assert loaded.exit_code == 0, loaded.output

    out = tmp_path / "april.csv"
    exported = acme("export", "sales-results", str(out), "--tenant", "acme", "--from", "2026-04-01",
                    "--to", "2026-04-30", "--quiet")
    assert exported.exit_code == 0, exported.output
    lines = out.read_bytes().decode("utf-8-sig").splitlines()
    slips = [line.split(",")[3] for line in lines[1:]]
    assert slips == ["S-4"]
    assert acme("export", "sales-results", str(out), "--tenant", "acme", "--from", "April").exit_code == 2
