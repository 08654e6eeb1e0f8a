"""`dps report run` in-process (smoke): the activity report as CSV and the pipeline as xlsx (number
formats, frozen header, totals row), `--as` a user and `--org` by code; a missing period exits 2."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from dps.adapters.db.tables.sales_accounts import accounts
from dps.adapters.db.tables.sales_activities import activities
from dps.adapters.db.tables.sales_opportunities import opportunities
from dps.application.auth.principals import system_principal
from dps.application.directory.affiliations import AssignAffiliationCommand
from dps.application.directory.companies import CreateCompanyCommand
from dps.application.directory.organizations import CreateOrganizationCommand
from dps.application.directory.users import AddUserCommand
from dps.bootstrap.container import Container
from dps.domain.shared.principal import License
from tests.integration.cli.conftest import Dps

SINCE = date(2000, 4, 1)


@pytest.fixture
def world(acme: Dps, cli_db: Container) -> Dps:
    """本社 (hq) > 営業部 (sales); sato in 営業部 owns two activities and an open opportunity."""
    c = cli_db
    tenant = c.find_tenant()("acme")
    assert tenant is not None
    admin = system_principal(tenant.id)
    company = c.create_company()(admin, CreateCompanyCommand("acme", "ACME株式会社", SINCE))
    hq = c.create_organization()(admin, CreateOrganizationCommand(company.id, "hq", "本社", SINCE))
    sales = c.create_organization()(admin, CreateOrganizationCommand(company.id, "sales", "営業部", SINCE,
                                                                     parent_id=hq.id))
    sato = c.add_user()(admin, AddUserCommand(login_id="sato", name="佐藤", license=License.FULL))
    c.assign_affiliation()(admin, AssignAffiliationCommand(sato.id, sales.id, SINCE))
    c.refresh_org_closure()(admin)
    now = datetime.now(UTC)
    owned = {"tenant_id": tenant.id, "owner_id": sato.id, "owner_organization_id": sales.id, "created_by": sato.id,
             "created_at": now, "updated_at": now}
    with c.engine().begin() as conn:
        account = uuid.uuid4()
        conn.execute(accounts.insert().values(id=account, name="得意先", **owned))
        for day in (date(2026, 4, 3), date(2026, 5, 3)):
            conn.execute(activities.insert().values(id=uuid.uuid4(), status="done", kind_code="visit", subject="s",
                                                    activity_date=day, account_id=account, **owned))
        conn.execute(opportunities.insert().values(
            id=uuid.uuid4(), name="案件", account_id=account, stage_code="20", certainty_code="B", is_open=True,
            expected_order_date=date(2026, 6, 1), expected_amount=Decimal(2000), **owned))
    return acme


def test_activity_report_as_csv(world: Dps, tmp_path: Path) -> None:
    out = tmp_path / "act.csv"
    result = world("report", "run", "activities", "--tenant", "acme", "--from", "2026-04-01", "--to",
                   "2026-05-31", "--format", "csv", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "0 restricted records" in result.output
    lines = out.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("組織コード Org code,組織名 Organisation,月 Month,訪問 Visit 予定 Planned")
    body = [line.split(",") for line in lines[1:]]
    sales = [row for row in body if row[0] == "sales"]
    assert [(row[2], row[4], row[-1]) for row in sales] == [("2026-04", "1", "1"), ("2026-05", "1", "1")]
    assert body[-1][0] == "合計 Total"
    assert body[-1][-1] == "2"


def test_pipeline_as_xlsx_as_a_user(world: Dps, tmp_path: Path) -> None:
    out = tmp_path / "pipeline.xlsx"
    result = world("report", "run", "pipeline", "--tenant", "acme", "--as", "sato", "--org", "hq",
                   "--fiscal-year", "2026", "--out", str(out))
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows.index(next(r for r in rows if r[0] == "区分 Row"))
    assert sheet.freeze_panes == f"E{header + 2}"
    june = next(r for r in rows if r[1] == "sales" and r[3] is not None and r[3].month == 6)
    columns = rows[header]
    assert june[columns.index("見込 B (50%)")] == 2000
    assert june[columns.index("着地 Landing")] == 1000
    last = rows[-1]
    assert last[0] == "合計 Total"
    assert last[columns.index("着地 Landing")] == 1000
    cell = sheet.cell(row=header + 2, column=columns.index("予算 Budget") + 1)
    assert cell.number_format == "#,##0"
    assert sheet.cell(row=header + 1, column=1).font.bold


def test_a_missing_period_is_bad_usage(world: Dps, tmp_path: Path) -> None:
    result = world("report", "run", "activities", "--tenant", "acme", "--out", str(tmp_path / "x.csv"))
    assert result.exit_code == 2, result.output
