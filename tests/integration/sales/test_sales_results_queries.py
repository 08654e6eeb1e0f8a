"""Reading 販売実績 on SQLite and PostgreSQL: the filters (date range, account, owner, organisation with
or without its sub-organisations, product, source), keyset pages that visit every row once, totals,
and the name of a 非公開 account withheld from users who may not see it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dps.application.sales.accounts.record_parts import RecordParts
from dps.application.sales.products.manage import CreateProduct, CreateProductCommand
from dps.application.sales.sales_results.queries import (
    GetSalesResult,
    ListSalesResults,
    SalesResultQuery,
    SalesResultTotals,
)
from dps.application.shared.errors import Invalid, NotFound
from dps.application.shared.paging import PageRequest
from dps.application.transfer.imports import ImportRecords, TransferDeps
from dps.bootstrap.container import Container
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.records import Restriction
from tests.integration.sales.accounts_helpers import CORP_A, CORP_B, Directory, build_directory

HEADER = "取込区分,伝票番号,売上日,取引先,商品コード,売上金額,原価,担当者"
LINES = [
    f"core,S-1,2026/4/1,{CORP_A},P-1,1000,600,alice",   # 営業部
    f"core,S-2,2026/4/20,{CORP_A},,2000,,carol",        # 営業一課 (under 営業部)
    f"core,S-3,2026/5/10,{CORP_B},P-1,3000,1000,dave",  # 開発部, secret account
    "manual,S-4,2026/6/1,B-1,,-500,,carol",
]


@pytest.fixture
def d(container: Container, tenant: Tenant, admin: Principal, tmp_path: Path) -> Directory:
    directory = build_directory(container, tenant, admin)
    directory.account("alice", "得意先A", corporate_number=CORP_A)
    directory.account("dave", "秘密の取引先", corporate_number=CORP_B, parts=RecordParts(restriction=Restriction()))
    directory.account("alice", "得意先B", code="B-1")
    CreateProduct(directory.deps)(directory.principal("alice"), CreateProductCommand(code="P-1", name="保守"))
    path = tmp_path / "seed.csv"
    path.write_bytes("\r\n".join([HEADER, *LINES]).encode("cp932"))
    deps: TransferDeps = container.transfer_deps()
    report = ImportRecords(deps)(admin, "sales-results", path)
    assert report.ok, report.row_errors
    return directory


def _slips(d: Directory, who: str = "alice", **filters: object) -> list[str]:
    page = ListSalesResults(d.deps)(d.principal(who), SalesResultQuery(**filters),  # type: ignore[arg-type]
                                    PageRequest(limit=50, sort="sales_date"))
    return [v.result.slip_no or "" for v in page.items]


def test_filters(d: Directory) -> None:
    with d.container.uow()(d.tenant.id) as uow:
        account_a = uow.accounts.id_by_corporate_number(CORP_A)
        product = uow.products.get_by_code("P-1")
    assert product is not None
    assert _slips(d) == ["S-1", "S-2", "S-3", "S-4"]
    assert _slips(d, date_from=date(2026, 4, 20), date_to=date(2026, 5, 10)) == ["S-2", "S-3"]
    assert _slips(d, account_id=account_a) == ["S-1", "S-2"]
    assert _slips(d, owner_id=d.users["carol"]) == ["S-2", "S-4"]
    assert _slips(d, organization_id=d.orgs["sales"]) == ["S-1", "S-2", "S-4"]
    assert _slips(d, organization_id=d.orgs["sales"], include_sub_orgs=False) == ["S-1"]
    assert _slips(d, organization_id=d.orgs["hq"]) == ["S-1", "S-2", "S-3", "S-4"]
    assert _slips(d, product_id=product.id) == ["S-1", "S-3"]
    assert _slips(d, source="手入力") == ["S-4"]
    assert _slips(d, "lucy") == ["S-1", "S-2", "S-3", "S-4"]  # light users read results too


def test_bad_filters_are_refused(d: Directory) -> None:
    with pytest.raises(Invalid):
        _slips(d, date_from=date(2026, 5, 1), date_to=date(2026, 4, 1))
    with pytest.raises(Invalid):
        _slips(d, source="ERP")
    with pytest.raises(Invalid):
        _slips(d, organization_id=d.users["alice"])


def test_the_name_of_a_secret_account_is_withheld(d: Directory) -> None:
    def names(who: str) -> dict[str, str | None]:
        page = ListSalesResults(d.deps)(d.principal(who), SalesResultQuery(), PageRequest(limit=50))
        return {v.result.slip_no or "": v.account_name for v in page.items}

    assert names("alice")["S-3"] is None
    assert names("alice")["S-1"] == "得意先A"
    assert names("dave")["S-3"] == "秘密の取引先"


def test_totals_and_one_result(d: Directory) -> None:
    totals = SalesResultTotals(d.deps)(d.principal("alice"), SalesResultQuery(date_to=date(2026, 5, 31)))
    assert (totals.count, totals.amount, totals.cost, totals.gross_profit) == (
        3, Decimal("6000"), Decimal("1600"), Decimal("2400"))
    page = ListSalesResults(d.deps)(d.principal("alice"), SalesResultQuery(), PageRequest(limit=1, sort="-amount"))
    top = page.items[0]
    assert (top.result.slip_no, top.product_code, top.owner_login) == ("S-3", "P-1", "dave")
    assert GetSalesResult(d.deps)(d.principal("alice"), top.result.id).amount == Decimal("3000")
    with pytest.raises(NotFound):
        GetSalesResult(d.deps)(d.principal("alice"), d.users["alice"])


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(limit=st.integers(1, 5), sort=st.sampled_from(["sales_date", "-sales_date", "amount", "-amount", "slip_no"]))
def test_pages_visit_every_result_once_in_order(d: Directory, limit: int, sort: str) -> None:
    seen: list[str] = []
    cursor: str | None = None
    while True:
        page = ListSalesResults(d.deps)(d.principal("alice"), SalesResultQuery(),
                                        PageRequest(limit=limit, cursor=cursor, sort=sort))
        seen += [v.result.slip_no or "" for v in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    full = ListSalesResults(d.deps)(d.principal("alice"), SalesResultQuery(), PageRequest(limit=50, sort=sort))
    assert seen == [v.result.slip_no for v in full.items]
    assert sorted(seen) == ["S-1", "S-2", "S-3", "S-4"]
