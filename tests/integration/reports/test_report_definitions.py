"""Saved report definitions (レポート定義) on SQLite and PostgreSQL: saving checks the kind's columns
and parameters, sharing with an organisation reaches its sub-organisations, others (and other
tenants) get NotFound, a stale version is a Conflict, copies are private, and a definition runs with
its columns in order and its sort through the acting user's visibility."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from dps.adapters.excel.report_writer import ReportFiles
from dps.application.auth.principals import system_principal
from dps.application.directory.groups import AddGroupMemberCommand, CreatePublicGroupCommand
from dps.application.reports.definitions.manage import (
    CopyDefinitionCommand,
    CopyReportDefinition,
    CreateReportDefinition,
    DeleteDefinitionCommand,
    DeleteReportDefinition,
    UpdateDefinitionCommand,
    UpdateReportDefinition,
)
from dps.application.reports.definitions.queries import (
    GetReportDefinition,
    ListReportDefinitions,
    ReportRequest,
    RunReport,
    RunReportDefinition,
    WriteReportDefinition,
    sort_table,
)
from dps.application.reports.definitions.rules import DefinitionInput
from dps.application.reports.exports import WriteReport
from dps.application.reports.tables import CellKind, Drill, ReportTable, TableColumn
from dps.application.shared.errors import Conflict, Forbidden, Invalid, NotFound
from dps.application.tenancy.tenants import CreateTenantCommand
from dps.bootstrap.container import Container
from dps.domain.reports.definitions import ReportDefinition
from dps.domain.shared.ids import PublicGroupId, UserId
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from tests.integration.reports.report_seed import seed_reports
from tests.integration.sales.test_opportunities_support import SINCE, Sales, build_sales

PERIOD = {"date_from": "2025-04-01", "date_to": "2025-05-31"}


@pytest.fixture
def s(container: Container, engine: sa.Engine, tenant: Tenant, admin: Principal) -> Sales:
    sales = build_sales(container, engine, tenant, admin)
    seed_reports(sales)
    return sales


def _input(s: Sales, name: str = "月次活動", **kw: object) -> DefinitionInput:
    values: dict[str, object] = {
        "kind": "activities", "columns": ("org_code", "month", "total"),
        "params": {"organization_id": str(s.orgs["hq"]), **PERIOD}, "sort_key": "total", "sort_desc": True, **kw}
    return DefinitionInput(name=name, **values)  # type: ignore[arg-type]


def _create(s: Sales, owner: str = "alice", **kw: object) -> ReportDefinition:
    return CreateReportDefinition(s.deps)(s.principal(owner), _input(s, **kw))


def _names(s: Sales, login: str) -> list[str]:
    return [v.definition.name for v in ListReportDefinitions(s.deps)(s.principal(login))]


def test_shared_with_an_organisation_reaches_its_sub_organisations_only(s: Sales) -> None:
    d = _create(s, organization_ids=(s.orgs["sales"],))
    assert d.owner_id == s.users["alice"]
    assert _names(s, "carol") == ["月次活動"]  # 営業一課 lies under 営業部
    view = GetReportDefinition(s.deps)(s.principal("carol"), d.id)
    assert (view.owner_login, view.definition.columns) == ("alice", ("org_code", "month", "total"))
    assert view.definition.sharing.organization_ids == {s.orgs["sales"]}
    assert _names(s, "dave") == []  # 開発部
    with pytest.raises(NotFound):
        GetReportDefinition(s.deps)(s.principal("dave"), d.id)
    with pytest.raises(NotFound):
        RunReportDefinition(s.deps)(s.principal("dave"), d.id)
    assert _names(s, "lucy") == ["月次活動"]  # light, in 営業部: may run it
    assert [v.definition.id for v in ListReportDefinitions(s.deps)(system_principal(s.tenant.id))] == [d.id]


def test_another_tenant_never_sees_a_definition(s: Sales) -> None:
    d = _create(s, shared_all=True)
    other = s.container.create_tenant()(CreateTenantCommand(code="other", name="他社", full_licenses=2,
                                                            light_licenses=0))
    operator = system_principal(other.id)
    assert ListReportDefinitions(s.deps)(operator) == []
    with pytest.raises(NotFound):
        GetReportDefinition(s.deps)(operator, d.id)
    with pytest.raises(NotFound):
        UpdateReportDefinition(s.deps)(operator, UpdateDefinitionCommand(d.id, 1, _input(s)))


def test_shared_with_a_public_group_reaches_its_members(s: Sales) -> None:
    admin = system_principal(s.tenant.id)
    group = s.container.create_public_group()(admin, CreatePublicGroupCommand("g1", "分析チーム", SINCE))
    s.container.add_group_member()(admin, AddGroupMemberCommand(PublicGroupId(group.id), UserId(s.users["dave"]),
                                                                SINCE))
    d = _create(s, group_ids=(group.id,))
    assert _names(s, "dave") == ["月次活動"]
    assert _names(s, "carol") == []
    assert GetReportDefinition(s.deps)(s.principal("dave"), d.id).definition.sharing.group_ids == {group.id}


def test_a_stale_version_is_a_conflict_with_the_current_one(s: Sales) -> None:
    d = _create(s)
    update = UpdateReportDefinition(s.deps)
    first = update(s.principal("alice"), UpdateDefinitionCommand(d.id, 1, _input(s, "月次活動 v2", shared_all=True)))
    assert (first.version, first.name, first.sharing.everyone) == (2, "月次活動 v2", True)
    with pytest.raises(Conflict) as e:
        update(s.principal("alice"), UpdateDefinitionCommand(d.id, 1, _input(s, "古い")))
    assert e.value.current_version == 2
    assert GetReportDefinition(s.deps)(s.principal("dave"), d.id).definition.name == "月次活動 v2"


def test_only_the_owner_and_administrators_change_or_delete(s: Sales) -> None:
    d = _create(s, shared_all=True)
    with pytest.raises(Forbidden):
        UpdateReportDefinition(s.deps)(s.principal("carol"), UpdateDefinitionCommand(d.id, 1, _input(s)))
    with pytest.raises(Forbidden):
        DeleteReportDefinition(s.deps)(s.principal("carol"), DeleteDefinitionCommand(d.id))
    with pytest.raises(Conflict):
        DeleteReportDefinition(s.deps)(s.principal("alice"), DeleteDefinitionCommand(d.id, expected_version=5))
    DeleteReportDefinition(s.deps)(system_principal(s.tenant.id), DeleteDefinitionCommand(d.id, 1))
    with pytest.raises(NotFound):
        GetReportDefinition(s.deps)(s.principal("alice"), d.id)


@pytest.mark.parametrize(("changes", "field", "named"), [
    ({"columns": ("org_code", "no_such_column"), "sort_key": None}, "columns[1]", "no_such_column"),
    ({"columns": (), "sort_key": "nope"}, "sort_key", "nope"),
    ({"params": {"colour": "red"}}, "params.colour", "colour"),
    ({"params": {"date_from": "April"}}, "params.date_from", "YYYY-MM-DD"),
    ({"kind": "no_such_kind"}, "kind", "activities"),
    ({"name": " "}, "name", "name"),
    ({"organization_ids": (UUID(int=7),)}, "organization_ids", str(UUID(int=7))),
    ({"group_ids": (UUID(int=8),)}, "group_ids", str(UUID(int=8))),
])
def test_bad_content_is_invalid_naming_the_field(s: Sales, changes: dict[str, object], field: str,
                                                 named: str) -> None:
    with pytest.raises(Invalid) as e:
        _create(s, **changes)
    assert field in e.value.errors
    assert named in e.value.errors[field]


def test_a_taken_name_is_invalid(s: Sales) -> None:
    _create(s)
    with pytest.raises(Invalid) as e:
        _create(s, owner="carol")
    assert "name" in e.value.errors


def test_a_copy_belongs_to_the_copier_and_is_shared_with_nobody(s: Sales) -> None:
    d = _create(s, organization_ids=(s.orgs["sales"],))
    copy = CopyReportDefinition(s.deps)(s.principal("carol"), CopyDefinitionCommand(d.id))
    assert (copy.name, copy.owner_id, copy.sharing.is_shared) == ("月次活動 のコピー", s.users["carol"], False)
    assert (copy.columns, dict(copy.params), copy.sort_key) == (d.columns, dict(d.params), d.sort_key)
    again = CopyReportDefinition(s.deps)(s.principal("carol"), CopyDefinitionCommand(d.id))
    assert again.name == "月次活動 のコピー (2)"
    assert _names(s, "alice") == ["月次活動"]  # carol's copies are hers
    assert _names(s, "carol") == ["月次活動", "月次活動 のコピー", "月次活動 のコピー (2)"]
    with pytest.raises(NotFound):
        CopyReportDefinition(s.deps)(s.principal("dave"), CopyDefinitionCommand(d.id))


def test_a_definition_runs_with_its_columns_in_order_and_its_sort(s: Sales) -> None:
    d = _create(s)
    table = RunReportDefinition(s.deps)(system_principal(s.tenant.id), d.id)
    assert table.title == "月次活動"
    assert [c.key for c in table.columns] == ["org_code", "month", "total"]
    apr, may = date(2025, 4, 1), date(2025, 5, 1)
    assert table.rows == (("sales", apr, 3), ("sales", may, 2), ("hq", apr, 1), ("dev", apr, 1), ("dev", may, 1),
                          ("hq", may, 0))
    assert table.totals == ("合計 Total", None, 8)
    drill = table.drills[(0, 2)]  # the drill-down follows its row
    assert drill.resource == "activities"
    assert ("organization_id", str(s.orgs["sales"])) in drill.filters
    assert ("date_from", "2025-04-01") in drill.filters
    assert (5, 2) not in table.drills  # hq in May: nothing to drill into
    as_alice = RunReportDefinition(s.deps)(s.principal("alice"), d.id, {"date_to": "2025-04-30"})
    assert as_alice.rows == (("sales", apr, 2), ("hq", apr, 1), ("dev", apr, 1))
    assert as_alice.left_out == 1


def test_sorting_keeps_subtotal_groups(s: Sales) -> None:
    request = ReportRequest("pipeline", {"organization_id": str(s.orgs["hq"]), "fiscal_year": "2025"},
                            ("name", "month", "actual", "budget"), "budget", sort_desc=True)
    plain = RunReport(s.deps)(system_principal(s.tenant.id), ReportRequest("pipeline", request.params))
    table = RunReport(s.deps)(system_principal(s.tenant.id), request)
    assert table.levels == plain.levels
    assert [c.key for c in table.columns] == ["name", "month", "actual", "budget"]
    group: list[tuple[object, ...]] = []
    for row, level in zip(table.rows, table.levels, strict=True):
        if level:
            assert all(r[0] == row[0] for r in group)  # a group keeps to its row
            assert [r[3] for r in group] == sorted((r[3] for r in group), reverse=True)  # type: ignore[type-var]
            group = []
        else:
            group.append(row)
    first_sales = next(r for r in table.rows if r[0] == "営業部")
    assert first_sales[1] == date(2025, 6, 1)  # 営業部's biggest budget month comes first


def test_an_ad_hoc_run_names_an_unknown_column_or_sort(s: Sales) -> None:
    run = RunReport(s.deps)
    with pytest.raises(Invalid) as e:
        run(system_principal(s.tenant.id), ReportRequest("activities", PERIOD, ("total", "bogus")))
    assert "bogus" in e.value.errors["columns"]
    with pytest.raises(Invalid) as e:
        run(system_principal(s.tenant.id), ReportRequest("activities", PERIOD, ("total",), "month"))
    assert "month" in e.value.errors["sort"]


def test_a_definition_is_written_as_a_file(s: Sales, tmp_path: Path) -> None:
    d = _create(s)
    out = tmp_path / "d.csv"
    WriteReportDefinition(s.deps, WriteReport(ReportFiles()))(s.principal("alice"), d.id, out, "csv")
    lines = out.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0] == "組織コード Org code,月 Month,合計 Total"
    assert lines[1] == "sales,2025-04,2"


def _statements(engine: sa.Engine, action: Callable[[], object]) -> list[str]:
    statements: list[str] = []

    def listen(*args: object) -> None:
        statements.append(str(args[2]))

    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        action()
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)
    return statements


def test_a_definition_runs_in_a_fixed_number_of_statements_more_than_its_kind(s: Sales, engine: sa.Engine) -> None:
    d = _create(s, name="先行", kind="pipeline", columns=("name", "month", "actual"), sort_key="actual",
                params={"organization_id": str(s.orgs["hq"]), "fiscal_year": "2025"})
    admin = system_principal(s.tenant.id)
    RunReportDefinition(s.deps)(admin, d.id)  # warm the viewer memo
    saved = _statements(engine, lambda: RunReportDefinition(s.deps)(admin, d.id))
    plain = _statements(engine, lambda: RunReport(s.deps)(admin, ReportRequest.of(d)))
    assert len(saved) - len(plain) <= 4  # the tenant, the definition with its owner, its shares
    assert not [q for q in saved if "report_definition" in q and "GROUP BY" in q.upper()]


def test_listing_runs_a_fixed_number_of_statements(s: Sales, engine: sa.Engine) -> None:
    for i in range(6):
        _create(s, name=f"定義{i}", organization_ids=(s.orgs["sales"],), shared_all=i % 2 == 0)
    carol = s.principal("carol")
    ListReportDefinitions(s.deps)(carol)  # warm the viewer memo
    found: list[object] = []
    statements = _statements(engine, lambda: found.extend(ListReportDefinitions(s.deps)(carol)))
    assert len(found) == 6
    assert len([q for q in statements if "report_definition" in q]) == 2  # the definitions, their shares


@given(st.lists(st.tuples(st.one_of(st.none(), st.integers(-5, 5)), st.sampled_from([0, 0, 0, 1])), max_size=25),
       st.booleans())
def test_sorting_moves_rows_only_within_detail_runs(lines: list[tuple[int | None, int]], desc: bool) -> None:
    """Pure: every row keeps its drill-down, subtotal rows keep their place, each detail run is ordered
    with empty cells last, and nothing is lost."""
    rows = tuple((f"r{i}", value) for i, (value, _) in enumerate(lines))
    levels = tuple(level for _, level in lines)
    table = ReportTable("t", (TableColumn("name", key="name"), TableColumn("n", CellKind.COUNT, "n")), rows,
                        ("total", None), levels=levels,
                        drills={(i, 1): Drill("activities", (("row", f"r{i}"),)) for i in range(len(rows))})
    out = sort_table(table, "n", desc)
    assert sorted(out.rows, key=str) == sorted(rows, key=str)
    assert out.levels == levels
    for i, row in enumerate(out.rows):
        assert out.drills[(i, 1)].filters == (("row", row[0]),)
        if levels[i]:
            assert row == rows[i]
    start = 0
    for end in [*(i for i, level in enumerate(levels) if level), len(rows)]:
        values = [r[1] for r in out.rows[start:end]]
        present = [v for v in values if v is not None]
        assert values == present + [None] * (len(values) - len(present))
        assert present == sorted(present, reverse=desc)
        start = end + 1
