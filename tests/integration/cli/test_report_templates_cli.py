"""`dps report template ...` in-process: add (a broken template exits 2 naming every cell), list, fill
with the kind's parameters, rm (unknown: exit 3); and `dps report run KIND --template NAME`."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from dps.application.auth.principals import system_principal
from dps.application.directory.companies import CreateCompanyCommand
from dps.application.directory.organizations import CreateOrganizationCommand
from dps.bootstrap.cli_main import context_object
from dps.bootstrap.container import Container
from dps.entrypoints.cli.errors import DpsGroup
from dps.entrypoints.cli.reports import report
from tests.integration.cli.conftest import Dps
from tests.integration.http.test_report_templates_api import template_bytes

root = DpsGroup(name="dps", commands={"report": report})


@pytest.fixture
def run(acme: Dps, cli_env: dict[str, str], cli_db: Container) -> Dps:
    tenant = cli_db.find_tenant()("acme")
    assert tenant is not None
    admin = system_principal(tenant.id)
    company = cli_db.create_company()(admin, CreateCompanyCommand("acme", "ACME株式会社", date(2000, 4, 1)))
    cli_db.create_organization()(admin, CreateOrganizationCommand(company.id, "sales", "営業部", date(2000, 4, 1)))
    cli_db.refresh_org_closure()(admin)

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(root, ["report", *args], env=cli_env, obj=context_object(), catch_exceptions=True)

    return invoke


def test_add_list_fill_and_rm(run: Dps, tmp_path: Path) -> None:
    good = tmp_path / "monthly.xlsx"
    good.write_bytes(template_bytes())
    added = run("template", "add", str(good), "--name", "月次", "--kind", "activities", "--tenant", "acme")
    assert added.exit_code == 0, added.output
    assert "5 プレースホルダ" in added.output
    listed = run("template", "list", "--tenant", "acme")
    assert listed.output.splitlines() == ["月次\tactivities\tmonthly.xlsx\t5"]

    out = tmp_path / "filled.xlsx"
    filled = run("template", "fill", "月次", "--tenant", "acme", "--org", "sales", "--param", "date_from=2026-04-01",
                 "--param", "date_to=2026-04-30", "--out", str(out))
    assert filled.exit_code == 0, filled.output
    assert "-> " in filled.output
    ws = load_workbook(io.BytesIO(out.read_bytes())).active
    assert ws is not None
    assert ws["A1"].value == "活動別 Activities"

    bad_param = run("template", "fill", "月次", "--tenant", "acme", "--param", "oops", "--out", str(out))
    assert bad_param.exit_code == 2
    removed = run("template", "rm", "月次", "--tenant", "acme")
    assert removed.exit_code == 0, removed.output
    assert run("template", "rm", "月次", "--tenant", "acme").exit_code == 3


def test_a_broken_template_exits_2_with_every_cell(run: Dps, tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(template_bytes(B3="{{row.colour}}", D9="{{row.}}"))
    got = run("template", "add", str(bad), "--name", "壊れ", "--kind", "activities", "--tenant", "acme")
    assert got.exit_code == 2
    assert "Sheet!B3" in got.output
    assert "Sheet!D9" in got.output


def test_report_run_fills_a_template_by_name(run: Dps, tmp_path: Path) -> None:
    source = tmp_path / "monthly.xlsx"
    source.write_bytes(template_bytes())
    added = run("template", "add", str(source), "--name", "月次", "--kind", "activities", "--tenant", "acme")
    assert added.exit_code == 0, added.output
    out = tmp_path / "run.xlsx"
    done = run("run", "activities", "--tenant", "acme", "--org", "sales", "--from", "2026-04-01", "--to",
               "2026-04-30", "--template", "月次", "--out", str(out))
    assert done.exit_code == 0, done.output
    ws = load_workbook(io.BytesIO(out.read_bytes())).active
    assert ws is not None
    assert ws["A1"].value == "活動別 Activities"
    assert (ws["A3"].value, ws["A4"].value) == ("sales", "合計")  # the template's block and totals row
    as_csv = run("run", "activities", "--tenant", "acme", "--from", "2026-04-01", "--to", "2026-04-30",
                 "--template", "月次", "--format", "csv", "--out", str(tmp_path / "x.csv"))
    assert as_csv.exit_code == 2
    missing = run("run", "activities", "--tenant", "acme", "--from", "2026-04-01", "--to", "2026-04-30",
                  "--template", "ない", "--out", str(tmp_path / "y.xlsx"))
    assert missing.exit_code == 3
