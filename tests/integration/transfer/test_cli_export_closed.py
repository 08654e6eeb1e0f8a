"""`dps export accounts --closed true|false`: only the closed (閉鎖) or only the open accounts; any other
value is a usage error (exit 2) naming the option."""

from __future__ import annotations

from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest

from tests.integration.cli.conftest import Dps, _clean_env_and_logging, cli_env, dps, migrated  # noqa: F401


@pytest.fixture
def acme(migrated: Dps, tmp_path: Path) -> Dps:  # noqa: F811 - the fixture imported above
    assert migrated("tenant", "create", "acme", "--name", "ACME株式会社").exit_code == 0
    template = tmp_path / "t.xlsx"
    assert migrated("export-template", "accounts", str(template), "--tenant", "acme").exit_code == 0
    wb = openpyxl.load_workbook(template)
    ws = wb.worksheets[0]
    cells = [c.value for c in ws[2]]
    keys = [str(cells[0]).split(":", 1)[1], *[str(k) if k else "" for k in cells[1:]]]
    for row in ({"name": "旧A社", "code": "A", "closed_on": "2023-03-31", "close_cause": "11"},
                {"name": "B社", "code": "B"}):
        ws.append([row.get(k) for k in keys])
    wb.save(tmp_path / "a.xlsx")
    done = migrated("import", "accounts", str(tmp_path / "a.xlsx"), "--tenant", "acme", "--quiet")
    assert done.exit_code == 0, done.output
    return migrated


def _names(path: Path) -> list[str]:
    rows = list(openpyxl.load_workbook(path).worksheets[0].iter_rows(values_only=True))
    keys = [str(rows[1][0]).split(":", 1)[1], *[str(k) for k in rows[1][1:]]]
    return sorted(str(dict(zip(keys, r, strict=False))["name"]) for r in rows[2:])


@pytest.mark.parametrize(("closed", "expected"), [("true", ["旧A社"]), ("false", ["B社"]), (None, ["B社", "旧A社"])])
def test_export_closed_filter(acme: Dps, tmp_path: Path, closed: str | None, expected: list[str]) -> None:
    out = tmp_path / "out.xlsx"
    args = ["export", "accounts", str(out), "--tenant", "acme", "--quiet"]
    result = acme(*args, *(["--closed", closed] if closed else []))
    assert result.exit_code == 0, result.output
    assert f"exported {len(expected)} rows" in result.output
    assert _names(out) == expected


def test_a_bad_closed_value_is_a_usage_error(acme: Dps, tmp_path: Path) -> None:
    result = acme("export", "accounts", str(tmp_path / "x.xlsx"), "--tenant", "acme", "--closed", "maybe")
    assert result.exit_code == 2
    assert "--closed" in result.output
