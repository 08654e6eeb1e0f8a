"""Excel templates through the use cases on SQLite and PostgreSQL: upload (checked against the kind,
every problem by cell address), list (per tenant), download, delete (owner or administrator; refused
while a report definition uses it), and fill with a report run as the acting user - whose visibility
decides the figures and the left-out count (R7)."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from attrs import evolve
from openpyxl import Workbook, load_workbook

from dps.adapters.db.tables.reports import report_definitions
from dps.adapters.excel.template_filler import XlsxTemplateEngine
from dps.application.auth.principals import system_principal
from dps.application.reports.templates.ports import ReportTemplate
from dps.application.reports.templates.use_cases import (
    DeleteReportTemplate,
    DownloadReportTemplate,
    FillReportTemplate,
    FillReportTemplateCommand,
    GetReportTemplate,
    ListReportTemplates,
    UploadReportTemplate,
    UploadReportTemplateCommand,
)
from dps.application.shared.errors import Conflict, Forbidden, Invalid, NotFound
from dps.application.tenancy.tenants import CreateTenantCommand
from dps.bootstrap.container import Container
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from tests.integration.reports.report_seed import seed_reports
from tests.integration.sales.test_opportunities_support import Sales, build_sales

ENGINE = XlsxTemplateEngine()
PERIOD = {"date_from": "2025-04-01", "date_to": "2025-05-31"}


@pytest.fixture
def s(container: Container, engine: sa.Engine, tenant: Tenant, admin: Principal) -> Sales:
    sales = build_sales(container, engine, tenant, admin)
    seed_reports(sales)
    return sales


def activity_template(**extra: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "活動"
    ws["A1"], ws["A2"], ws["A3"] = "{{report.title}}", "{{param.organization}} {{param.period}}", "{{report.left_out}}"
    ws["A5"], ws["B5"], ws["C5"], ws["D5"] = "{{row.org_code}}", "{{row.org_name}}", "{{row.month}}", "{{row.total}}"
    ws["C5"].number_format = "yyyy/mm"
    ws["A6"], ws["D6"], ws["E6"] = "合計", "{{total.total}}", "=SUM(D5:D5)"
    for ref, value in extra.items():
        ws[ref] = value
    wb.create_sheet("メモ")["A1"] = "static"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(s: Sales, principal: Principal, name: str = "月次活動", data: bytes | None = None,
           kind: str | None = "activities", file_name: str = "monthly.xlsx") -> ReportTemplate:
    cmd = UploadReportTemplateCommand(name=name, file_name=file_name, data=io.BytesIO(data or activity_template()),
                                      kind=kind)
    return UploadReportTemplate(s.deps, ENGINE)(principal, cmd)


def fill(s: Sales, principal: Principal, template: ReportTemplate, out: Path,
         **params: str) -> list[tuple[object, ...]]:
    FillReportTemplate(s.deps, ENGINE)(principal, FillReportTemplateCommand(
        template_id=template.id, params={**PERIOD, "organization_id": str(s.orgs["hq"]), **params}), out)
    return [tuple(r) for r in load_workbook(out)["活動"].iter_rows(min_row=1, max_col=5, values_only=True)]


def test_upload_keeps_the_file_and_its_placeholders(s: Sales) -> None:
    alice = s.principal("alice")
    data = activity_template()
    saved = upload(s, alice, data=data)
    assert saved.owner_id == s.users["alice"]
    assert [(p.address, p.placeholder.text) for p in saved.placeholders][:3] == [
        ("活動!A1", "{{report.title}}"), ("活動!A2", "{{param.organization}}"), ("活動!A2", "{{param.period}}")]
    listed = ListReportTemplates(s.deps)(s.principal("dave"))
    assert [(t.name, t.kind, len(t.placeholders)) for t in listed] == [("月次活動", "activities", 9)]
    download = DownloadReportTemplate(s.deps)(s.principal("lucy"), saved.id)
    with download.stream as f:
        assert f.read() == data


def test_a_broken_template_is_refused_with_every_cell_address(s: Sales) -> None:
    bad = activity_template(A8="{{row.colour}}", B9="{{nope}}", F5="{{row.}}")
    with pytest.raises(Invalid) as e:
        upload(s, s.principal("alice"), data=bad)
    assert set(e.value.errors) == {"活動!A8", "活動!B9", "活動!F5"}
    assert "not a column" in e.value.errors["活動!A8"] or "contiguous" in e.value.errors["活動!A8"]
    with pytest.raises(Invalid) as e:
        upload(s, s.principal("alice"), data=b"PK not really", file_name="x.xlsx")
    assert list(e.value.errors) == ["file"]
    with pytest.raises(Invalid) as e:
        upload(s, s.principal("alice"), file_name="x.csv")
    assert list(e.value.errors) == ["file"]
    assert ListReportTemplates(s.deps)(s.principal("alice")) == []


def test_unbound_templates_skip_the_column_check_but_fill_checks_it(s: Sales, tmp_path: Path) -> None:
    saved = upload(s, s.principal("alice"), data=activity_template(F5="{{row.colour}}"), kind=None)
    assert saved.kind is None
    with pytest.raises(Invalid) as e:
        FillReportTemplate(s.deps, ENGINE)(s.principal("alice"), FillReportTemplateCommand(
            template_id=saved.id, kind="activities", params=PERIOD), tmp_path / "o.xlsx")
    assert list(e.value.errors) == ["活動!F5"]


def test_size_limit_names_and_licences(s: Sales) -> None:
    with pytest.raises(Forbidden):
        upload(s, s.principal("lucy"))
    upload(s, s.principal("alice"))
    with pytest.raises(Invalid) as e:
        upload(s, s.principal("carol"))
    assert list(e.value.errors) == ["name"]
    small = evolve(s.deps, max_upload_bytes=1000)
    with pytest.raises(Invalid) as e:
        UploadReportTemplate(small, ENGINE)(s.principal("alice"), UploadReportTemplateCommand(
            name="big", file_name="big.xlsx", data=io.BytesIO(activity_template())))
    assert "1000" in e.value.errors["file"]


def test_fill_uses_the_acting_users_visibility(s: Sales, tmp_path: Path) -> None:
    template = upload(s, s.principal("alice"))
    admin_rows = fill(s, s.principal("alice"), template, tmp_path / "alice.xlsx")
    dave_rows = fill(s, s.principal("dave"), template, tmp_path / "dave.xlsx")
    assert admin_rows[0][0] == "活動別 Activities"
    assert dave_rows[2][0] == 3  # dave may not see 3 restricted activities: left out and said so
    assert admin_rows[2][0] == 1  # alice may not see the operator's restricted one
    body = [r[:4] for r in dave_rows[4:10]]
    assert [(code, month, total) for code, _name, month, total in body] == [
        ("hq", datetime(2025, 4, 1), 1), ("hq", datetime(2025, 5, 1), 0),
        ("dev", datetime(2025, 4, 1), 1), ("dev", datetime(2025, 5, 1), 0),
        ("sales", datetime(2025, 4, 1), 2), ("sales", datetime(2025, 5, 1), 1)]
    assert dave_rows[10][0] == "合計"
    assert dave_rows[10][3] == 5
    assert dave_rows[10][4] == "=SUM(D5:D10)"
    assert load_workbook(tmp_path / "dave.xlsx")["メモ"]["A1"].value == "static"


def test_fill_checks_the_kind(s: Sales, tmp_path: Path) -> None:
    template = upload(s, s.principal("alice"))
    with pytest.raises(Invalid) as e:
        FillReportTemplate(s.deps, ENGINE)(s.principal("alice"), FillReportTemplateCommand(
            template_id=template.id, kind="pipeline"), tmp_path / "o.xlsx")
    assert list(e.value.errors) == ["kind"]
    with pytest.raises(Invalid) as e:  # the kind's own parameters are checked as always
        FillReportTemplate(s.deps, ENGINE)(s.principal("alice"), FillReportTemplateCommand(
            template_id=template.id), tmp_path / "o.xlsx")
    assert set(e.value.errors) == {"date_from", "date_to"}


def test_delete_by_owner_or_administrator_and_never_while_used(s: Sales, admin: Principal) -> None:
    template = upload(s, s.principal("alice"))
    with pytest.raises(Forbidden):
        DeleteReportTemplate(s.deps)(s.principal("carol"), template.id)
    now = datetime.now(UTC)
    definition = uuid.uuid4()
    with s.engine.begin() as conn:
        conn.execute(report_definitions.insert().values(
            tenant_id=s.tenant.id, id=definition, name="定義", kind="activities", template_id=template.id,
            created_at=now, updated_at=now))
    with pytest.raises(Conflict):
        DeleteReportTemplate(s.deps)(s.principal("alice"), template.id)
    with s.engine.begin() as conn:
        conn.execute(report_definitions.delete().where(report_definitions.c.id == definition))
    DeleteReportTemplate(s.deps)(admin, template.id)
    assert ListReportTemplates(s.deps)(admin) == []
    with pytest.raises(NotFound):
        DownloadReportTemplate(s.deps)(admin, template.id)
    with pytest.raises(NotFound):
        s.deps.files.open(s.tenant.id, template.storage_key)


def test_another_tenants_templates_are_not_there(s: Sales, container: Container) -> None:
    template = upload(s, s.principal("alice"))
    other = container.create_tenant()(CreateTenantCommand(code="other", name="他社", full_licenses=1,
                                                          light_licenses=0))
    stranger = system_principal(other.id)
    assert ListReportTemplates(s.deps)(stranger) == []
    with pytest.raises(NotFound):
        GetReportTemplate(s.deps)(stranger, template.id)
    with pytest.raises(NotFound):
        DeleteReportTemplate(s.deps)(stranger, template.id)
