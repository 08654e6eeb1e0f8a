"""HTTP: /api/v1/registry/corporations and an account's registry-diff / registry-apply, with a fake
registry put in the container: candidates, 422 for a bad number or short name, 503 with the reason when the
registry is down, 404 for an invisible account, 409 on a stale version, 403 for a light user."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from tests.fakes.registry import CLOSED_NUMBER, SAMPLE_NUMBER, FakeRegistry
from tests.integration.http.conftest import World

NUMBER, CLOSED = SAMPLE_NUMBER, CLOSED_NUMBER


def _auth(world: World, login: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.bearer(login)}"}


def _account(client: TestClient[Any], world: World, login: str = "alice", **values: Any) -> dict[str, Any]:
    response = client.post("/api/v1/accounts", headers=_auth(world, login), json={"name": "サンプル", **values})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_look_up_by_number_and_by_name(client: TestClient[Any], world: World, registry: FakeRegistry) -> None:
    alice = _auth(world, "alice")
    by_number = client.get("/api/v1/registry/corporations", headers=alice, params={"number": "5-0100-0100-8846"})
    assert by_number.status_code == 200, by_number.text
    [item] = by_number.json()["items"]
    assert item["corporate_number"] == NUMBER
    assert item["values"] == {"name": "株式会社サンプル", "kana": "サンプル", "postal_code": "100-0005",
                              "prefecture": "東京都", "address": "千代田区丸の内1丁目1-1"}
    assert item["is_closed"] is False
    by_name = client.get("/api/v1/registry/corporations", headers=alice, params={"name": "サンプル", "limit": 5})
    names = [(i["name"], i["is_closed"], i["successor_number"]) for i in by_name.json()["items"]]
    assert names == [("株式会社サンプル", False, ""), ("旧サンプル株式会社", True, NUMBER)]
    assert registry.asked[-1] == ("name", ("サンプル", 5))
    bob = _auth(world, "bob")  # a light user may look too: it is public data
    assert client.get("/api/v1/registry/corporations", headers=bob, params={"number": NUMBER}).status_code == 200


def test_bad_queries_are_422_and_need_a_token(client: TestClient[Any], world: World, registry: FakeRegistry) -> None:
    alice = _auth(world, "alice")
    bad = client.get("/api/v1/registry/corporations", headers=alice, params={"number": "6010001008846"})
    assert bad.status_code == 422
    assert "number" in bad.json()["errors"]
    short = client.get("/api/v1/registry/corporations", headers=alice, params={"name": "サ"})
    assert short.status_code == 422
    assert "name" in short.json()["errors"]
    assert client.get("/api/v1/registry/corporations", headers=alice).status_code == 422
    assert client.get("/api/v1/registry/corporations", params={"number": NUMBER}).status_code == 401
    assert registry.asked == []


def test_registry_down_is_503_with_the_reason(client: TestClient[Any], world: World, registry: FakeRegistry) -> None:
    registry.down, registry.reason = True, "timeout"
    alice = _auth(world, "alice")
    down = client.get("/api/v1/registry/corporations", headers=alice, params={"name": "サンプル"})
    assert down.status_code == 503
    body = down.json()
    assert body["reason"] == "timeout"
    assert body["source"] == "nta"
    assert "unreachable" in body["detail"]
    account = _account(client, world, corporate_number=NUMBER)
    diff = client.get(f"/api/v1/accounts/{account['id']}/registry-diff", headers=alice)
    assert diff.status_code == 503
    assert diff.json()["reason"] == "timeout"


def test_diff_and_apply(client: TestClient[Any], world: World, registry: FakeRegistry) -> None:
    alice = _auth(world, "alice")
    account = _account(client, world, corporate_number=NUMBER, kana="カブシキガイシャサンプル", phone="03-1")
    diff = client.get(f"/api/v1/accounts/{account['id']}/registry-diff", headers=alice)
    assert diff.status_code == 200, diff.text
    body = diff.json()
    assert body["version"] == 1
    assert body["corporation"]["corporate_number"] == NUMBER
    changes = {c["field"]: c for c in body["changes"]}
    assert list(changes) == ["name", "postal_code", "prefecture", "address", "en_name"]
    assert changes["name"] == {"field": "name", "current": "サンプル", "registry": "株式会社サンプル",
                               "current_label": "サンプル", "registry_label": "株式会社サンプル",
                               "target": "name", "applicable": True}
    assert (changes["en_name"]["target"], changes["en_name"]["applicable"]) == ("en_name", True)

    applied = client.post(f"/api/v1/accounts/{account['id']}/registry-apply", headers=alice,
                          json={"fields": ["name", "postal_code", "prefecture", "address"], "expected_version": 1})
    assert applied.status_code == 200, applied.text
    out = applied.json()
    assert (out["name"], out["postal_code"], out["prefecture"], out["address"], out["phone"], out["version"]) == (
        "株式会社サンプル", "100-0005", "東京都", "千代田区丸の内1丁目1-1", "03-1", 2)
    master = [line for line in world.lines("master") if line.get("entity") == "account"]
    assert [line["action"] for line in master] == ["create", "update"]
    assert master[1]["before"]["name"] == "サンプル" and master[1]["after"]["name"] == "株式会社サンプル"  # noqa: PT018

    stale = client.post(f"/api/v1/accounts/{account['id']}/registry-apply", headers=alice,
                        json={"fields": ["name"], "expected_version": 1})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    english = client.post(f"/api/v1/accounts/{account['id']}/registry-apply", headers=alice,
                          json={"fields": ["en_name"], "expected_version": 2})
    assert english.status_code == 200, english.text
    assert (english.json()["en_name"], english.json()["version"]) == ("Sample Co., Ltd.", 3)
    unknown = client.post(f"/api/v1/accounts/{account['id']}/registry-apply", headers=alice,
                          json={"fields": ["close_date"], "expected_version": 3})
    assert unknown.status_code == 422
    assert "fields" in unknown.json()["errors"]


def test_a_closed_corporation_applies_its_status_to_the_account(
    client: TestClient[Any], world: World, registry: FakeRegistry
) -> None:
    alice = _auth(world, "alice")
    successor = _account(client, world, name="株式会社サンプル", corporate_number=NUMBER)
    account = _account(client, world, name="旧サンプル株式会社", corporate_number=CLOSED)
    diff = client.get(f"/api/v1/accounts/{account['id']}/registry-diff", headers=alice).json()
    changes = {c["field"]: c for c in diff["changes"]}
    assert changes["closed_on"]["registry"] == "2023-03-31"
    assert (changes["close_cause"]["registry"], changes["close_cause"]["registry_label"]) == (
        "11", "合併による解散等 / dissolved by merger")
    assert changes["successor_corporate_number"]["registry"] == NUMBER
    applied = client.post(f"/api/v1/accounts/{account['id']}/registry-apply", headers=alice, json={
        "fields": ["closed_on", "close_cause", "successor_corporate_number"], "expected_version": 1})
    assert applied.status_code == 200, applied.text
    out = applied.json()
    assert (out["closed_on"], out["close_cause"], out["close_cause_label"], out["successor_corporate_number"],
            out["successor_account_id"]) == (
        "2023-03-31", "11", "合併による解散等 / dissolved by merger", NUMBER, successor["id"])


def test_invisible_accounts_are_404_and_light_users_403(
    client: TestClient[Any], world: World, registry: FakeRegistry
) -> None:
    world.add_user("carol")
    secret = _account(client, world, "carol", corporate_number=NUMBER, restriction={})
    alice = _auth(world, "alice")
    assert client.get(f"/api/v1/accounts/{secret['id']}/registry-diff", headers=alice).status_code == 404
    assert client.post(f"/api/v1/accounts/{secret['id']}/registry-apply", headers=alice,
                       json={"fields": ["name"], "expected_version": 1}).status_code == 404
    assert registry.asked == []
    public = _account(client, world, corporate_number=CLOSED)
    bob = _auth(world, "bob")
    assert client.get(f"/api/v1/accounts/{public['id']}/registry-diff", headers=bob).status_code == 200
    forbidden = client.post(f"/api/v1/accounts/{public['id']}/registry-apply", headers=bob,
                            json={"fields": ["name"], "expected_version": 1})
    assert forbidden.status_code == 403
    assert "permission.denied" in world.events("security")
