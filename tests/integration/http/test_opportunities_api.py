"""The opportunity and product JSON API: register, view, PATCH at a version, copy, delete, search
with filters and cursors, navigation lists, and the error statuses (422 with the field, 404, 403,
409)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from litestar.testing import TestClient

from dps.adapters.db.tables.sales_accounts import accounts
from dps.adapters.db.tables.sales_activities import activities
from dps.adapters.db.tables.sales_campaigns import campaigns
from dps.domain.shared.text import normalize_for_search
from tests.integration.http.conftest import LIGHT_PASSWORD, World

NOW = datetime(2026, 1, 5, tzinfo=UTC)


def _auth(world: World, login: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.bearer(login)}"}


def _insert(world: World, table: sa.Table, **values: Any) -> UUID:
    row_id = uuid.uuid4()
    with world.container.engine().begin() as conn:
        conn.execute(table.insert().values(tenant_id=world.tenant.id, id=row_id, **values))
    return row_id


def _account(world: World, name: str, *, restricted: bool = False) -> UUID:
    return _insert(world, accounts, name=name, search_text=normalize_for_search(name), created_at=NOW,
                   updated_at=NOW, is_restricted=restricted)


def _new(client: TestClient[Any], headers: dict[str, str], **body: Any) -> Any:
    response = client.post("/api/v1/opportunities", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_register_view_change_copy_and_delete(client: TestClient[Any], world: World) -> None:
    alice = _auth(world, "alice")
    account = _account(world, "東京商事")
    created = _new(client, alice, name="基幹システム更改", account_id=str(account), stage_code="20",
                   certainty_code="B", expected_order_date="2026-09-30",
                   lines=[{"product_name": "ライセンス", "quantity": 2, "unit_price": "1,500,000", "discount": 100000,
                           "amount": "1"}],
                   competitors=[{"name": "B社", "price": 2000000, "result": "lost"}])

    assert created["url"] == f"/opportunities/{created['id']}"
    assert (created["account_name"], created["is_open"], created["version"]) == ("東京商事", True, 1)
    assert created["lines"][0]["amount"] == "2900000.00"  # computed, the client's "amount" ignored
    assert created["expected_amount"] == "2900000.00"
    assert created["competitors"][0] == {
        "name": "B社", "competitor_account_id": None, "product": "", "price": "2000000.00", "strengths": "",
        "weaknesses": "", "result": "lost"}
    oid = created["id"]
    assert client.get(f"/api/v1/opportunities/{oid}", headers=alice).json() == created

    changed = client.patch(f"/api/v1/opportunities/{oid}", headers=alice, json={
        "expected_version": 1, "stage_code": "90", "certainty_code": None})
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["is_open"], body["order_amount"], body["certainty_code"], body["version"]) == (
        False, "2900000.00", None, 2)
    assert body["name"] == "基幹システム更改"  # untouched fields stay

    stale = client.patch(f"/api/v1/opportunities/{oid}", headers=alice, json={"expected_version": 1, "name": "x"})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2

    copy = client.post(f"/api/v1/opportunities/{oid}/copy", headers=alice)
    assert copy.status_code == 201, copy.text
    assert copy.json()["id"] != oid
    assert copy.json()["version"] == 1
    assert copy.json()["lines"] == body["lines"]

    _insert(world, activities, subject="訪問", status="done", kind_code="visit", activity_date=NOW.date(),
            opportunity_id=UUID(oid), created_at=NOW, updated_at=NOW)
    assert client.delete(f"/api/v1/opportunities/{oid}", headers=alice).status_code == 409
    assert client.delete(f"/api/v1/opportunities/{copy.json()['id']}?expected_version=1",
                         headers=alice).status_code == 204
    assert client.get(f"/api/v1/opportunities/{copy.json()['id']}", headers=alice).status_code == 404


def test_bad_input_is_422_with_the_field(client: TestClient[Any], world: World) -> None:
    alice = _auth(world, "alice")
    account = str(_account(world, "東京商事"))
    cases: list[tuple[dict[str, Any], str]] = [
        ({"expected_amount": "百万円"}, "expected_amount"),
        ({"stage_code": "99"}, "stage_code"),
        ({"lines": [{"product_name": "a", "quantity": "many", "unit_price": 1}]}, "lines[0].quantity"),
        ({"lines": [{"product_name": "a", "quantity": 1, "unit_price": 1, "discount": 5}]}, "lines[0].discount"),
        ({"account_id": str(uuid.uuid4())}, "account_id"),
    ]
    for patch, field in cases:
        body = {"name": "案件", "account_id": account, "stage_code": "10"} | patch
        response = client.post("/api/v1/opportunities", json=body, headers=alice)
        assert response.status_code == 422, (patch, response.text)
        assert field in response.json()["errors"], response.json()
    assert client.get("/api/v1/opportunities", headers=alice).json()["items"] == []
    assert client.get("/api/v1/opportunities?expected_amount_min=abc", headers=alice).status_code == 422
    assert client.get("/api/v1/opportunities?sort=owner_id", headers=alice).status_code == 422


def test_search_filters_mine_and_cursor_paging(client: TestClient[Any], world: World) -> None:
    alice = _auth(world, "alice")
    account = _account(world, "東京商事")
    for i, (stage, date_) in enumerate((("10", "2026-05-01"), ("20", "2026-07-01"), ("30", None), ("92", None))):
        _new(client, alice, name=f"案件{i}", account_id=str(account), stage_code=stage, expected_order_date=date_,
             expected_amount=(i + 1) * 100, custom_fields={})

    def names(query: str) -> list[str]:
        response = client.get(f"/api/v1/opportunities{query}", headers=alice)
        assert response.status_code == 200, response.text
        return [item["name"] for item in response.json()["items"]]

    assert names("?stage_code=10&stage_code=20") == ["案件1", "案件0"]
    assert names("?stage_code=10,30") == ["案件0", "案件2"]
    assert names("?is_open=false") == ["案件3"]
    assert names("?mine=true&is_open=true&sort=-expected_amount") == ["案件2", "案件1", "案件0"]
    assert names("?expected_amount_min=200&expected_amount_max=300&sort=name") == ["案件1", "案件2"]
    assert names("?expected_order_date_from=2026-06-01") == ["案件1"]
    assert names("?q=案件3") == ["案件3"]
    assert names(f"?account_id={account}&cf.rank=A") == []

    first = client.get("/api/v1/opportunities?limit=3", headers=alice).json()
    assert [i["name"] for i in first["items"]] == ["案件1", "案件0", "案件3"]  # undated: newest id first
    item = first["items"][0]
    assert set(item) >= {"id", "name", "account_id", "account_name", "stage_code", "certainty_code", "is_open",
                         "expected_order_date", "expected_amount", "owner_id", "version", "url"}
    assert item["account_name"] == "東京商事"
    second = client.get(f"/api/v1/opportunities?limit=3&cursor={first['next_cursor']}", headers=alice).json()
    assert [i["name"] for i in second["items"]] == ["案件2"]
    assert second["next_cursor"] is None


def test_navigation_lists_and_invisible_parents(client: TestClient[Any], world: World) -> None:
    alice = _auth(world, "alice")
    tokyo, osaka = _account(world, "東京商事"), _account(world, "大阪物産")
    hidden = _account(world, "秘密商事", restricted=True)
    campaign = _insert(world, campaigns, name="展示会", starts_on=NOW.date(), created_at=NOW, updated_at=NOW)
    _new(client, alice, name="東京の案件", account_id=str(tokyo), stage_code="10", campaign_id=str(campaign))
    _new(client, alice, name="大阪の案件", account_id=str(osaka), stage_code="10")

    by_account = client.get(f"/api/v1/accounts/{tokyo}/opportunities", headers=alice)
    assert [i["name"] for i in by_account.json()["items"]] == ["東京の案件"]
    by_campaign = client.get(f"/api/v1/campaigns/{campaign}/opportunities", headers=alice)
    assert [i["name"] for i in by_campaign.json()["items"]] == ["東京の案件"]
    filtered = client.get(f"/api/v1/accounts/{tokyo}/opportunities?is_open=false&mine=true", headers=alice)
    assert (filtered.status_code, filtered.json()["items"]) == (200, [])
    assert client.get(f"/api/v1/accounts/{hidden}/opportunities", headers=alice).status_code == 404
    assert client.get(f"/api/v1/campaigns/{uuid.uuid4()}/opportunities", headers=alice).status_code == 404


def test_light_users_read_but_get_403_on_changes(client: TestClient[Any], world: World) -> None:
    assert LIGHT_PASSWORD
    alice, bob = _auth(world, "alice"), _auth(world, "bob")
    account = str(_account(world, "東京商事"))
    created = _new(client, alice, name="案件", account_id=account, stage_code="10")
    oid = created["id"]

    assert client.get(f"/api/v1/opportunities/{oid}", headers=bob).status_code == 200
    assert client.post("/api/v1/opportunities", headers=bob,
                       json={"name": "x", "account_id": account, "stage_code": "10"}).status_code == 403
    assert client.patch(f"/api/v1/opportunities/{oid}", headers=bob,
                        json={"expected_version": 1, "name": "x"}).status_code == 403
    assert client.post(f"/api/v1/opportunities/{oid}/copy", headers=bob).status_code == 403
    assert client.delete(f"/api/v1/opportunities/{oid}", headers=bob).status_code == 403
    assert client.get(f"/api/v1/opportunities/{uuid.uuid4()}", headers=bob).status_code == 404
    assert client.post("/api/v1/products", headers=bob, json={"code": "P1", "name": "x"}).status_code == 403


def test_restricted_opportunity_is_404_for_outsiders(client: TestClient[Any], world: World) -> None:
    world.add_user("carol")
    alice, carol = _auth(world, "alice"), _auth(world, "carol")
    account = str(_account(world, "東京商事"))
    secret = _new(client, alice, name="極秘案件", account_id=account, stage_code="10", restriction={})
    assert secret["restriction"] == {"users": [], "organizations": [], "groups": []}

    assert client.get(f"/api/v1/opportunities/{secret['id']}", headers=carol).status_code == 404
    assert client.get("/api/v1/opportunities", headers=carol).json()["items"] == []
    assert client.patch(f"/api/v1/opportunities/{secret['id']}", headers=carol,
                        json={"expected_version": 1, "name": "x"}).status_code == 404
    shared = client.patch(f"/api/v1/opportunities/{secret['id']}", headers=alice, json={
        "expected_version": 1, "staff": [{"user_id": _user_id(client, carol), "is_main": True}]})
    assert shared.status_code == 200, shared.text
    assert client.get(f"/api/v1/opportunities/{secret['id']}", headers=carol).status_code == 200


def _user_id(client: TestClient[Any], headers: dict[str, str]) -> str:
    return str(client.get("/api/v1/me", headers=headers).json()["user_id"])


def test_products_register_search_change_and_feed_lines(client: TestClient[Any], world: World) -> None:
    alice, bob = _auth(world, "alice"), _auth(world, "bob")
    response = client.post("/api/v1/products", headers=alice, json={
        "code": "LIC-01", "name": "年間ライセンス", "kana": "ネンカンライセンス", "category_code": "software",
        "unit": "本", "standard_price": "120,000", "cost": 50000})
    assert response.status_code == 201, response.text
    product = response.json()
    assert (product["standard_price"], product["cost"], product["is_active"]) == ("120000.00", "50000.00", True)

    assert client.post("/api/v1/products", headers=alice, json={"code": "LIC-01", "name": "x"}).status_code == 409
    bad = client.post("/api/v1/products", headers=alice, json={"code": "X", "name": "x", "standard_price": "高い"})
    assert (bad.status_code, list(bad.json()["errors"])) == (422, ["standard_price"])
    bad = client.post("/api/v1/products", headers=alice, json={"code": "Y", "name": "y", "category_code": "food"})
    assert (bad.status_code, list(bad.json()["errors"])) == (422, ["category_code"])

    found = client.get("/api/v1/products?q=ねんかん", headers=bob).json()["items"]
    assert [p["code"] for p in found] == ["LIC-01"]
    assert client.get(f"/api/v1/products/{product['id']}", headers=bob).json()["name"] == "年間ライセンス"

    account = str(_account(world, "東京商事"))
    opp = _new(client, alice, name="案件", account_id=account, stage_code="10",
               lines=[{"product_id": product["id"], "quantity": 3}])
    assert (opp["lines"][0]["product_name"], opp["lines"][0]["amount"]) == ("年間ライセンス", "360000.00")

    renamed = client.patch(f"/api/v1/products/{product['id']}", headers=alice,
                           json={"expected_version": 1, "name": "年間ライセンス（新）", "is_active": False})
    assert renamed.status_code == 200, renamed.text
    assert (renamed.json()["version"], renamed.json()["is_active"]) == (2, False)
    # the line kept its snapshot of the name
    assert client.get(f"/api/v1/opportunities/{opp['id']}", headers=alice).json()["lines"][0][
        "product_name"] == "年間ライセンス"
    assert client.get("/api/v1/products", headers=alice).json()["items"] == []
    assert len(client.get("/api/v1/products?include_inactive=true", headers=alice).json()["items"]) == 1
    stale = client.patch(f"/api/v1/products/{product['id']}", headers=alice, json={"expected_version": 1, "unit": "式"})
    assert (stale.status_code, stale.json()["current_version"]) == (409, 2)
    again = client.post(f"/api/v1/products/{product['id']}/deactivate", headers=alice, json={"expected_version": 2})
    assert again.status_code == 200
    assert client.get(f"/api/v1/products/{uuid.uuid4()}", headers=alice).status_code == 404


def test_openapi_lists_the_opportunity_and_product_routes(client: TestClient[Any]) -> None:
    paths = client.get("/api/schema/openapi.json").json()["paths"]
    for path in ("/api/v1/opportunities", "/api/v1/opportunities/{opportunity_id}",
                 "/api/v1/opportunities/{opportunity_id}/copy", "/api/v1/accounts/{account_id}/opportunities",
                 "/api/v1/campaigns/{campaign_id}/opportunities", "/api/v1/products",
                 "/api/v1/products/{product_id}"):
        assert path in paths, path
