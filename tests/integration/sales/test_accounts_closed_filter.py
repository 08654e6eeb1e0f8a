"""The 閉鎖 (closed) filter of the account search and of the account export, on SQLite and PostgreSQL:
closed only / open only / both, with 非公開 accounts some users may not see and another tenant's closed
and open accounts present; it composes with 自担当, the text search and the keyset pager with counts."""

from __future__ import annotations

from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest

from dps.application.auth.principals import system_principal
from dps.application.sales.accounts.commands import CreateAccount, CreateAccountCommand
from dps.application.sales.accounts.ports import AccountQuery
from dps.application.sales.accounts.queries import SearchAccounts
from dps.application.sales.accounts.record_parts import RecordParts
from dps.application.shared.errors import Invalid
from dps.application.shared.paging import PageRequest
from dps.application.tenancy.tenants import CreateTenantCommand
from dps.application.transfer.exports import ExportRecords
from dps.application.transfer.imports import TransferDeps
from dps.application.transfer.kinds.accounts import export_filters
from dps.bootstrap.container import Container
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.records import Restriction
from tests.integration.sales.accounts_helpers import Directory, build_directory

CLOSED_VISIBLE = {"旧A商事", "旧E物産"}
OPEN_VISIBLE = {"B工業", "F建設"}
SECRET_CLOSED, SECRET_OPEN = "旧C秘密", "D秘密"


@pytest.fixture
def d(container: Container, tenant: Tenant, admin: Principal) -> Directory:
    """Public accounts of alice (旧A closed, B open) and carol (旧E closed, F open); erin's 非公開 ones are
    hers alone (旧C closed, D open)."""
    d = build_directory(container, tenant, admin)
    d.account("alice", "旧A商事", closed_on="2023-03-31", close_cause="11")
    d.account("alice", "B工業")
    d.account("carol", "旧E物産", closed_on="2019-10-01")
    d.account("carol", "F建設")
    secret = RecordParts(restriction=Restriction())
    d.account("erin", SECRET_CLOSED, closed_on="2024-01-01", parts=secret)
    d.account("erin", SECRET_OPEN, parts=secret)
    return d


@pytest.fixture
def outsider(d: Directory, container: Container) -> Principal:
    """The administrator of another tenant, which holds a closed and an open account of its own."""
    other = container.create_tenant()(CreateTenantCommand(code="other", name="他社", full_licenses=1,
                                                          light_licenses=0))
    principal = system_principal(other.id, actor="other-admin")
    for values in ({"name": "他社の旧X", "closed_on": "2022-02-02"}, {"name": "他社のY"}):
        CreateAccount(d.deps)(principal, CreateAccountCommand(values=values, parts=RecordParts()))
    return principal


def _search(d: Directory, principal: Principal, query: AccountQuery, limit: int = 50) -> tuple[list[str], int]:
    """Every page of the search (keyset cursor), and the total the first page counted."""
    names: list[str] = []
    page = SearchAccounts(d.deps)(principal, query, PageRequest(limit=limit, count=True))
    total = page.total
    assert total is not None
    while True:
        names.extend(a.name for a in page.items)
        if page.next_cursor is None:
            return names, total
        assert page.total in (None, total)
        page = SearchAccounts(d.deps)(principal, query, PageRequest(limit=limit, cursor=page.next_cursor, count=True))


def test_closed_open_and_all_respect_visibility_and_the_tenant(d: Directory, outsider: Principal) -> None:
    dave = d.principal("dave")  # 開発部: sees the public accounts, not erin's 非公開 ones
    closed, total = _search(d, dave, AccountQuery(closed=True))
    assert set(closed) == CLOSED_VISIBLE and total == 2  # noqa: PT018
    open_, total = _search(d, dave, AccountQuery(closed=False))
    assert set(open_) == OPEN_VISIBLE and total == 2  # noqa: PT018
    every, total = _search(d, dave, AccountQuery())
    assert set(every) == CLOSED_VISIBLE | OPEN_VISIBLE and total == 4  # noqa: PT018

    erin = d.principal("erin")
    assert set(_search(d, erin, AccountQuery(closed=True))[0]) == CLOSED_VISIBLE | {SECRET_CLOSED}
    assert set(_search(d, erin, AccountQuery(closed=False))[0]) == OPEN_VISIBLE | {SECRET_OPEN}
    assert set(_search(d, d.admin, AccountQuery(closed=True))[0]) == CLOSED_VISIBLE | {SECRET_CLOSED}


def test_the_other_tenant_sees_only_its_own(d: Directory, outsider: Principal) -> None:
    assert _search(d, outsider, AccountQuery(closed=True)) == (["他社の旧X"], 1)
    assert _search(d, outsider, AccountQuery(closed=False)) == (["他社のY"], 1)


def test_closed_composes_with_mine_text_and_the_pager(d: Directory, outsider: Principal) -> None:
    carol = d.principal("carol")  # 営業一課: her own records are 自担当
    assert _search(d, carol, AccountQuery(mine=True, closed=True)) == (["旧E物産"], 1)
    assert _search(d, carol, AccountQuery(mine=True, closed=False)) == (["F建設"], 1)
    assert _search(d, carol, AccountQuery(q="商事", closed=True)) == (["旧A商事"], 1)
    assert _search(d, carol, AccountQuery(q="商事", closed=False)) == ([], 0)

    erin = d.principal("erin")
    for closed, expected in ((True, CLOSED_VISIBLE | {SECRET_CLOSED}), (False, OPEN_VISIBLE | {SECRET_OPEN})):
        for sort in ("name", "-updated_at", "kana"):
            first = SearchAccounts(d.deps)(erin, AccountQuery(closed=closed), PageRequest(limit=1, sort=sort))
            names = [a.name for a in first.items]
            cursor = first.next_cursor
            while cursor is not None:
                page = SearchAccounts(d.deps)(erin, AccountQuery(closed=closed),
                                              PageRequest(limit=1, sort=sort, cursor=cursor))
                names.extend(a.name for a in page.items)
                cursor = page.next_cursor
            assert len(names) == len(expected) and set(names) == expected, (closed, sort)  # noqa: PT018
        paged, total = _search(d, erin, AccountQuery(closed=closed), limit=2)
        assert set(paged) == expected and total == 3  # noqa: PT018


# -- export ------------------------------------------------------------------------------------------


@pytest.fixture
def deps(container: Container) -> TransferDeps:
    result: TransferDeps = container.transfer_deps()
    return result


def _exported(deps: TransferDeps, principal: Principal, path: Path, **filters: str) -> dict[str, object]:
    """name -> closed_on of the exported rows."""
    ExportRecords(deps)(principal, "accounts", path, filters)
    rows = list(openpyxl.load_workbook(path).worksheets[0].iter_rows(values_only=True))
    keys = [str(rows[1][0]).split(":", 1)[1], *[str(k) for k in rows[1][1:]]]
    found = [dict(zip(keys, r, strict=False)) for r in rows[2:]]
    return {str(r["name"]): r["closed_on"] for r in found}


def test_the_export_takes_the_closed_filter(d: Directory, outsider: Principal, deps: TransferDeps, tmp_path: Path
                                            ) -> None:
    dave = d.principal("dave")
    closed = _exported(deps, dave, tmp_path / "closed.xlsx", closed="true")
    assert set(closed) == CLOSED_VISIBLE
    assert str(closed["旧A商事"])[:10] == "2023-03-31"
    assert set(_exported(deps, dave, tmp_path / "open.xlsx", closed="false")) == OPEN_VISIBLE
    assert set(_exported(deps, dave, tmp_path / "all.xlsx")) == CLOSED_VISIBLE | OPEN_VISIBLE
    assert set(_exported(deps, dave, tmp_path / "blank.xlsx", closed="")) == CLOSED_VISIBLE | OPEN_VISIBLE
    assert set(_exported(deps, d.principal("erin"), tmp_path / "erin.xlsx", closed="true", q="秘密")) == {
        SECRET_CLOSED}


def test_a_bad_closed_export_filter_is_invalid_naming_it(d: Directory, deps: TransferDeps, tmp_path: Path) -> None:
    with pytest.raises(Invalid) as bad:
        ExportRecords(deps)(d.principal("dave"), "accounts", tmp_path / "bad.xlsx", {"closed": "maybe"})
    assert "closed" in bad.value.errors
    assert export_filters({"closed": " TRUE ", "q": "x"}) == {"closed": "true", "q": "x"}
    assert export_filters({"closed": "0"}) == {"closed": "false"}
    assert export_filters({"closed": ""}) == {}
