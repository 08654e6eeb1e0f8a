"""HTTP: /api/v1/persons and their business cards - register, view, change, cards moving the person,
404 for invisible ones, 403 for light users."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from litestar.testing import TestClient

from tests.integration.http.conftest import World


def _auth(world: World, login: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.bearer(login)}"}


def test_person_lifecycle_and_cards(client: TestClient[Any], world: World) -> None:
    alice, bob = _auth(world, "alice"), _auth(world, "bob")
    old = client.post("/api/v1/accounts", headers=alice, json={"name": "旧社"}).json()
    new = client.post("/api/v1/accounts", headers=alice, json={"name": "新社"}).json()
    created = client.post("/api/v1/persons", headers=alice, json={
        "account_id": old["id"], "last_name": "木村", "first_name": "一", "last_name_kana": "キムラ",
        "email": "kimura@old.example", "title": "課長"})
    assert created.status_code == 201, created.text
    person = created.json()
    pid = person["id"]
    assert person["url"] == f"/persons/{pid}"
    assert person["account_name"] == "旧社"
    assert person["full_name"] == "木村 一"

    found = client.get("/api/v1/persons", headers=bob, params={"q": "きむら"}).json()["items"]
    assert [p["id"] for p in found] == [pid]
    by_account = client.get("/api/v1/persons", headers=bob, params={"account_id": new["id"]}).json()["items"]
    assert by_account == []

    changed = client.patch(f"/api/v1/persons/{pid}", headers=alice,
                           json={"expected_version": 1, "mobile": "090-0000-0000"})
    assert changed.json()["version"] == 2
    assert client.patch(f"/api/v1/persons/{pid}", headers=alice,
                        json={"expected_version": 1, "mobile": "x"}).status_code == 409
    assert client.patch(f"/api/v1/persons/{pid}", headers=alice,
                        json={"expected_version": 2, "email": "nope"}).status_code == 422

    card = client.post(f"/api/v1/persons/{pid}/business-cards", headers=alice, json={
        "received_on": "2026-04-01", "company_name": "新社", "last_name": "木村", "department": "企画部",
        "title": "部長", "account_id": new["id"]})
    assert card.status_code == 201, card.text
    added = card.json()
    assert added["card"]["is_current"] is True
    assert added["move"]["before"]["account_id"] == old["id"]
    assert added["move"]["after"] == {"account_id": new["id"], "department": "企画部", "title": "部長"}
    assert added["person"]["account_id"] == new["id"]
    older = client.post(f"/api/v1/persons/{pid}/business-cards", headers=alice, json={
        "received_on": "2019-04-01", "company_name": "旧社", "last_name": "木村", "title": "主任",
        "account_id": old["id"]}).json()
    assert older["move"] is None
    assert older["card"]["is_current"] is False
    assert older["person"]["title"] == "部長"

    history = client.get(f"/api/v1/persons/{pid}/business-cards", headers=bob).json()["items"]
    assert [(c["received_on"], c["is_current"], c["is_move"]) for c in history] == [
        ("2026-04-01", True, True), ("2019-04-01", False, False)]
    assert history[0]["changed"] == ["company", "department", "title"]
    assert client.post(f"/api/v1/persons/{pid}/business-cards", headers=bob, json={
        "received_on": "2026-05-01", "company_name": "新社", "last_name": "木村"}).status_code == 403

    assert client.get(f"/api/v1/persons/{pid}", headers=alice).json()["account_name"] == "新社"
    assert client.delete(f"/api/v1/persons/{pid}", headers=bob).status_code == 403
    assert client.delete(f"/api/v1/persons/{pid}", headers=alice).status_code == 204
    assert client.get(f"/api/v1/persons/{pid}", headers=alice).status_code == 404


def test_person_needs_a_visible_account_and_hides_when_restricted(client: TestClient[Any], world: World) -> None:
    world.add_user("carol")
    alice, carol = _auth(world, "alice"), _auth(world, "carol")
    secret_account = client.post("/api/v1/accounts", headers=alice, json={"name": "秘密", "restriction": {}}).json()
    refused = client.post("/api/v1/persons", headers=carol, json={"account_id": secret_account["id"],
                                                                   "last_name": "田中"})
    assert refused.status_code == 422
    assert "account_id" in refused.json()["errors"]
    assert client.post("/api/v1/persons", headers=carol, json={"account_id": str(uuid4()), "last_name": "田中"}
                       ).status_code == 422
    open_account = client.post("/api/v1/accounts", headers=alice, json={"name": "公開"}).json()
    hidden = client.post("/api/v1/persons", headers=alice, json={
        "account_id": open_account["id"], "last_name": "隠", "restriction": {"users": []}}).json()
    assert client.get(f"/api/v1/persons/{hidden['id']}", headers=carol).status_code == 404
    assert client.get(f"/api/v1/persons/{hidden['id']}/business-cards", headers=carol).status_code == 404
    assert client.get("/api/v1/persons", headers=carol).json()["items"] == []
    assert client.get(f"/api/v1/accounts/{open_account['id']}/persons", headers=carol).json()["items"] == []
    assert client.get(f"/api/v1/persons/{uuid4()}", headers=alice).status_code == 404
