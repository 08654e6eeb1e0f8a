"""The sales results JSON API: list with filters and keyset pages, totals, one result, and the error
mapping (a bad filter is a 400/422, an unknown id a 404); light users read too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from dps.application.auth.principals import principal_for
from dps.application.sales.accounts.commands import CreateAccount, CreateAccountCommand
from dps.application.transfer.imports import ImportRecords, TransferDeps
from tests.integration.http.conftest import World


def _auth(bearer: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {bearer}"}


def _seed(world: World, tmp_path: Path) -> None:
    c = world.container
    with c.uow()(world.tenant.id) as uow:
        user = uow.users.get_by_login("alice")
        assert user is not None
        alice = principal_for(uow, world.tenant.id, user, world.clock.now().date())
    CreateAccount(c.sales_deps())(alice, CreateAccountCommand(values={"name": "得意先", "code": "A-1"}))
    lines = ["伝票番号,売上日,取引先,売上金額,原価,担当者",
             *(f"S-{i},2026/4/{i},A-1,{i * 1000},{i * 100},alice" for i in range(1, 6))]
    path = tmp_path / "sales.csv"
    path.write_bytes("\r\n".join(lines).encode("utf-8-sig"))
    deps: TransferDeps = c.transfer_deps()
    assert ImportRecords(deps)(world.admin, "sales-results", path).ok


def test_list_pages_totals_and_one(client: TestClient[Any], world: World, tmp_path: Path) -> None:
    _seed(world, tmp_path)
    bob = _auth(world.bearer("bob"))  # a light user
    first = client.get("/api/v1/sales-results", headers=bob, params={"limit": 2})
    assert first.status_code == 200, first.text
    body = first.json()
    assert [i["slip_no"] for i in body["items"]] == ["S-5", "S-4"]  # newest sales date first
    item = body["items"][0]
    assert (item["amount"], item["cost"], item["gross_profit"], item["source"]) == ("5000.00", "500.00",
                                                                                    "4500.00", "core")
    assert (item["account_name"], item["owner_login"], item["year_month"]) == ("得意先", "alice", "2026-04")
    assert item["owner_organization_id"] == str(world.organization.id)
    rest = client.get("/api/v1/sales-results", headers=bob, params={"limit": 2, "cursor": body["next_cursor"]})
    assert [i["slip_no"] for i in rest.json()["items"]] == ["S-3", "S-2"]

    ranged = client.get("/api/v1/sales-results", headers=bob, params={
        "date_from": "2026-04-02", "date_to": "2026-04-03", "organization_id": str(world.organization.id),
        "sort": "amount"})
    assert [i["slip_no"] for i in ranged.json()["items"]] == ["S-2", "S-3"]

    totals = client.get("/api/v1/sales-results/totals", headers=bob, params={"date_to": "2026-04-02"})
    assert totals.status_code == 200, totals.text
    assert totals.json() == {"count": 2, "quantity": "0", "amount": "3000.00", "cost": "300.00",
                             "gross_profit": "2700.00"}

    one = client.get(f"/api/v1/sales-results/{item['id']}", headers=bob)
    assert one.status_code == 200
    assert one.json()["slip_no"] == "S-5"


def test_errors(client: TestClient[Any], world: World, tmp_path: Path) -> None:
    alice = _auth(world.bearer("alice"))
    assert client.get("/api/v1/sales-results", headers=alice, params={"source": "ERP"}).status_code in (400, 422)
    assert client.get("/api/v1/sales-results", headers=alice, params={"sort": "name"}).status_code in (400, 422)
    reversed_range = client.get("/api/v1/sales-results", headers=alice,
                                params={"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert reversed_range.status_code in (400, 422)
    missing = client.get(f"/api/v1/sales-results/{world.organization.id}", headers=alice)
    assert missing.status_code == 404
    assert client.get("/api/v1/sales-results").status_code == 401


def test_an_account_with_sales_results_cannot_be_deleted(client: TestClient[Any], world: World, tmp_path: Path) -> None:
    """The sales results still point at the account: a 409 naming them, never a database error."""
    _seed(world, tmp_path)
    alice = _auth(world.bearer("alice"))
    account = client.get("/api/v1/accounts", headers=alice, params={"q": "得意先"}).json()["items"][0]
    refused = client.delete(f"/api/v1/accounts/{account['id']}", headers=alice,
                            params={"expected_version": account["version"]})
    assert refused.status_code == 409, refused.text
    assert "sales_results" in refused.text
    assert client.get(f"/api/v1/accounts/{account['id']}", headers=alice).status_code == 200
