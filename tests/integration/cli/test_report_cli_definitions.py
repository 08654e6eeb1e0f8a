"""`dps report run` by a saved definition's name (as a user who may use it) and by kind with
`--param` and `--columns`; `dps report list` shows the kinds and the definitions a user may use."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from dps.adapters.db.tables.sales_accounts import accounts
from dps.adapters.db.tables.sales_activities import activities
from dps.application.auth.principals import system_principal
from dps.application.directory.affiliations import AssignAffiliationCommand
from dps.application.directory.companies import CreateCompanyCommand
from dps.application.directory.organizations import CreateOrganizationCommand
from dps.application.directory.users import AddUserCommand
from dps.application.reports.definitions.manage import CreateReportDefinition
from dps.application.reports.definitions.rules import DefinitionInput
from dps.application.transfer.imports import ActingPrincipal
from dps.bootstrap.container import Container
from dps.domain.shared.principal import License
from tests.integration.cli.conftest import Dps

SINCE = date(2000, 4, 1)


@pytest.fixture
def world(acme: Dps, cli_db: Container) -> Dps:
    """本社 (hq) > 営業部 (sales), 開発部 (dev); sato (sales) owns visits on 4/3, 4/4 and 5/3; his
    definition 「月次活動」 is shared with 営業部; kato (dev) may not use it."""
    c = cli_db
    tenant = c.find_tenant()("acme")
    assert tenant is not None
    admin = system_principal(tenant.id)
    company = c.create_company()(admin, CreateCompanyCommand("acme", "ACME株式会社", SINCE))
    hq = c.create_organization()(admin, CreateOrganizationCommand(company.id, "hq", "本社", SINCE))
    sales = c.create_organization()(admin, CreateOrganizationCommand(company.id, "sales", "営業部", SINCE,
                                                                     parent_id=hq.id))
    dev = c.create_organization()(admin, CreateOrganizationCommand(company.id, "dev", "開発部", SINCE,
                                                                   parent_id=hq.id))
    sato = c.add_user()(admin, AddUserCommand(login_id="sato", name="佐藤", license=License.FULL))
    kato = c.add_user()(admin, AddUserCommand(login_id="kato", name="加藤", license=License.FULL))
    c.assign_affiliation()(admin, AssignAffiliationCommand(sato.id, sales.id, SINCE))
    c.assign_affiliation()(admin, AssignAffiliationCommand(kato.id, dev.id, SINCE))
    c.refresh_org_closure()(admin)
    now = datetime.now(UTC)
    owned = {"tenant_id": tenant.id, "owner_id": sato.id, "owner_organization_id": sales.id, "created_by": sato.id,
             "created_at": now, "updated_at": now}
    with c.engine().begin() as conn:
        account = uuid.uuid4()
        conn.execute(accounts.insert().values(id=account, name="得意先", **owned))
        for day in (date(2026, 4, 3), date(2026, 4, 4), date(2026, 5, 3)):
            conn.execute(activities.insert().values(id=uuid.uuid4(), status="done", kind_code="visit", subject="s",
                                                    activity_date=day, account_id=account, **owned))
    as_sato = ActingPrincipal(c.transfer_deps())(admin, "sato")
    CreateReportDefinition(c.sales_deps())(as_sato, DefinitionInput(
        name="月次活動", kind="activities", columns=("month", "total", "org_code"), sort_key="month",
        sort_desc=True, params={"organization_id": str(hq.id), "date_from": "2026-04-01", "date_to": "2026-05-31"},
        organization_ids=(sales.id,)))
    return acme


def _csv(path: Path) -> list[list[str]]:
    return [line.split(",") for line in path.read_bytes().decode("utf-8-sig").splitlines()]


def test_run_a_definition_by_its_name(world: Dps, tmp_path: Path) -> None:
    out = tmp_path / "monthly.csv"
    result = world("report", "run", "月次活動", "--tenant", "acme", "--as", "sato", "--format", "csv",
                   "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "月次活動:" in result.output
    rows = _csv(out)
    assert rows[0] == ["月 Month", "合計 Total", "組織コード Org code"]
    sales = [r for r in rows[1:] if r[2] == "sales"]
    assert sales == [["2026-05", "1", "sales"], ["2026-04", "2", "sales"]]  # sorted by month, descending
    assert rows[-1] == ["", "3", "合計 Total"]


def test_a_definition_takes_overrides_and_columns(world: Dps, tmp_path: Path) -> None:
    out = tmp_path / "april.csv"
    result = world("report", "run", "月次活動", "--tenant", "acme", "--as", "sato", "--param", "date_to=2026-04-30",
                   "--columns", "org_code,total", "--format", "csv", "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = _csv(out)
    assert rows[0] == ["組織コード Org code", "合計 Total"]
    assert ["sales", "2"] in rows
    assert rows[-1] == ["合計 Total", "2"]


def test_a_definition_the_user_may_not_use_is_not_found(world: Dps, tmp_path: Path) -> None:
    result = world("report", "run", "月次活動", "--tenant", "acme", "--as", "kato", "--format", "csv",
                   "--out", str(tmp_path / "x.csv"))
    assert result.exit_code == 3, result.output
    assert not (tmp_path / "x.csv").exists()


def test_run_a_kind_with_params_and_columns(world: Dps, tmp_path: Path) -> None:
    out = tmp_path / "kind.csv"
    result = world("report", "run", "activities", "--tenant", "acme", "--param", "date_from=2026-04-01",
                   "--param", "date_to=2026-05-31", "--org", "sales", "--columns", "month,kind.visit.done",
                   "--sort", "kind.visit.done", "--desc", "--format", "csv", "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = _csv(out)
    assert rows[0] == ["月 Month", "訪問 Visit 実施 Done"]
    assert rows[1:3] == [["2026-04", "2"], ["2026-05", "1"]]


@pytest.mark.parametrize("args", [
    ("--param", "no-equals-sign"),
    ("--param", "colour=red"),
    ("--columns", "total,bogus"),
])
def test_bad_params_or_columns_are_bad_usage(world: Dps, tmp_path: Path, args: tuple[str, ...]) -> None:
    result = world("report", "run", "activities", "--tenant", "acme", "--from", "2026-04-01", "--to", "2026-05-31",
                   *args, "--format", "csv", "--out", str(tmp_path / "x.csv"))
    assert result.exit_code == 2, result.output


def test_list_shows_kinds_and_usable_definitions(world: Dps) -> None:
    result = world("report", "list", "--tenant", "acme", "--as", "sato")
    assert result.exit_code == 0, result.output
    assert "activities\t活動別 Activities" in result.output
    assert "pipeline" in result.output
    assert "月次活動\tactivities\tsato\t組織 1 / グループ 0" in result.output
    other = world("report", "list", "--tenant", "acme", "--as", "kato")
    assert other.exit_code == 0, other.output
    assert "月次活動" not in other.output
    assert "(なし / none)" in other.output
