"""The campaigns JSON API: register, read, change, copy, delete, search, members and the campaign's
leads - through litestar's TestClient. alice is a full user (admin), bob a light one, carol a full
user outside every allow-list."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from litestar.testing import TestClient

from tests.integration.http.conftest import World


def _auth(bearer: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {bearer}"}


def _campaign(client: TestClient[Any], bearer: str, **body: Any) -> Any:
    payload = {"name": "新製品セミナー", "starts_on": "2026-05-10", "kind_code": "seminar"} | body
    return client.post("/api/v1/campaigns", headers=_auth(bearer), json=payload)


def test_register_read_change_copy_and_delete(client: TestClient[Any], world: World) -> None:
    alice = _auth(world.bearer("alice"))
    made = _campaign(client, world.bearer("alice"), ends_on="2026-05-11", budget_amount="1500000",
                     target_leads=50, status_code="planned")
    assert made.status_code == 201, made.text
    body = made.json()
    cid = body["id"]
    assert body["url"] == f"/campaigns/{cid}"
    assert (body["version"], Decimal(body["budget_amount"]), body["target_leads"]) == (1, Decimal(1500000), 50)

    got = client.get(f"/api/v1/campaigns/{cid}", headers=alice).json()
    assert got["summary"] == {"members": 0, "attended": 0, "leads": 0, "converted_leads": 0,
                              "attendance_rate": None, "conversion_rate": None}

    changed = client.patch(f"/api/v1/campaigns/{cid}", headers=alice,
                           json={"expected_version": 1, "status_code": "running", "ends_on": None})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["status_code"], changed.json()["ends_on"], changed.json()["version"]) == (
        "running", None, 2)
    assert changed.json()["budget_amount"] == body["budget_amount"]  # not sent, so unchanged
    stale = client.patch(f"/api/v1/campaigns/{cid}", headers=alice, json={"expected_version": 1, "name": "x"})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2

    copy = client.post(f"/api/v1/campaigns/{cid}/copy", headers=alice, json={"name": "秋の新製品セミナー"})
    assert copy.status_code == 201, copy.text
    assert (copy.json()["name"], copy.json()["kind_code"], copy.json()["version"]) == (
        "秋の新製品セミナー", "seminar", 1)
    bare = client.post(f"/api/v1/campaigns/{cid}/copy", headers=alice)
    assert bare.status_code == 201
    assert bare.json()["name"] == "新製品セミナー"

    gone = client.delete(f"/api/v1/campaigns/{cid}", headers=alice, params={"expected_version": 2})
    assert gone.status_code == 204
    assert client.get(f"/api/v1/campaigns/{cid}", headers=alice).status_code == 404


def test_bad_input_answers_with_the_field(client: TestClient[Any], world: World) -> None:
    bearer = world.bearer("alice")
    wrong_kind = _campaign(client, bearer, kind_code="karaoke")
    assert wrong_kind.status_code == 422
    assert "kind_code" in wrong_kind.json()["errors"]
    backwards = _campaign(client, bearer, starts_on="2026-05-10", ends_on="2026-05-01")
    assert backwards.status_code == 422
    assert "ends_on" in backwards.json()["errors"]
    not_money = _campaign(client, bearer, budget_amount="たくさん")
    assert not_money.status_code in (400, 422)
    assert "budget_amount" in str(not_money.json())
    missing = client.get("/api/v1/campaigns/00000000-0000-7000-8000-000000000000", headers=_auth(bearer))
    assert missing.status_code == 404
    assert client.get("/api/v1/campaigns?sort=budget", headers=_auth(bearer)).status_code == 422


def test_search_paging_and_light_users(client: TestClient[Any], world: World) -> None:
    alice = world.bearer("alice")
    for i, day in enumerate(("2026-04-01", "2026-05-01", "2026-06-01")):
        assert _campaign(client, alice, name=f"C{i}", starts_on=day, ends_on=day).status_code == 201
    first = client.get("/api/v1/campaigns", headers=_auth(alice), params={"limit": 2}).json()
    assert [c["name"] for c in first["items"]] == ["C2", "C1"]
    rest = client.get("/api/v1/campaigns", headers=_auth(alice),
                      params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert ([c["name"] for c in rest["items"]], rest["next_cursor"]) == (["C0"], None)
    window = client.get("/api/v1/campaigns", headers=_auth(alice),
                        params={"period_from": "2026-04-15", "period_to": "2026-05-15", "mine": "true"}).json()
    assert [c["name"] for c in window["items"]] == ["C1"]

    bob = _auth(world.bearer("bob"))
    assert len(client.get("/api/v1/campaigns", headers=bob).json()["items"]) == 3
    denied = client.post("/api/v1/campaigns", headers=bob, json={"name": "x", "starts_on": "2026-05-10"})
    assert denied.status_code == 403
    assert "permission.denied" in world.events("security")
    assert client.get("/api/v1/campaigns").status_code == 401


def test_members_and_leads_of_a_campaign(client: TestClient[Any], world: World) -> None:
    world.add_user("carol")
    alice = _auth(world.bearer("alice"))
    carol = _auth(world.bearer("carol"))
    cid = _campaign(client, world.bearer("alice")).json()["id"]
    public = client.post("/api/v1/leads", headers=alice, json={
        "company_name": "公開商事", "last_name": "山田", "source_code": "seminar", "campaign_id": cid}).json()
    alice_id = public["owner_id"]
    secret = client.post("/api/v1/leads", headers=alice, json={
        "company_name": "秘密商事", "last_name": "鈴木", "source_code": "web", "campaign_id": cid,
        "restriction": {"users": [alice_id]}}).json()

    added = client.post(f"/api/v1/campaigns/{cid}/members", headers=alice,
                        json={"lead_id": public["id"], "follow_status_code": "invited", "invited_on": "2026-04-20"})
    assert added.status_code == 201, added.text
    member_id = added.json()["id"]
    assert client.post(f"/api/v1/campaigns/{cid}/members", headers=alice,
                       json={"lead_id": public["id"]}).status_code == 409
    assert client.post(f"/api/v1/campaigns/{cid}/members", headers=alice,
                       json={"lead_id": secret["id"], "attended": True}).status_code == 201

    by_alice = client.get(f"/api/v1/campaigns/{cid}/members", headers=alice).json()
    assert [m["label"] for m in by_alice["items"]] == ["公開商事 山田", "秘密商事 鈴木"]
    by_carol = client.get(f"/api/v1/campaigns/{cid}/members", headers=carol).json()
    assert [m["id"] for m in by_carol["items"]] == [member_id]

    responded = client.patch(f"/api/v1/campaigns/{cid}/members/{member_id}", headers=alice,
                             json={"follow_status_code": "attended", "attended": True})
    assert responded.status_code == 200
    assert (responded.json()["attended"], responded.json()["invited_on"]) == (True, "2026-04-20")
    summary = client.get(f"/api/v1/campaigns/{cid}", headers=alice).json()["summary"]
    assert (summary["members"], summary["attended"], summary["leads"], summary["attendance_rate"]) == (
        2, 2, 2, "100.0")
    assert client.get(f"/api/v1/campaigns/{cid}", headers=carol).json()["summary"]["leads"] == 1

    leads = client.get(f"/api/v1/campaigns/{cid}/leads", headers=carol).json()
    assert [x["company_name"] for x in leads["items"]] == ["公開商事"]

    refused = client.delete(f"/api/v1/campaigns/{cid}", headers=alice)
    assert refused.status_code == 409
    assert client.delete(f"/api/v1/campaigns/{cid}/members/{member_id}", headers=alice).status_code == 204
    assert len(client.get(f"/api/v1/campaigns/{cid}/members", headers=alice).json()["items"]) == 1


def test_the_openapi_schema_lists_the_campaign_and_lead_routes(client: TestClient[Any]) -> None:
    paths = client.get("/api/schema/openapi.json").json()["paths"]
    expected = {
        "/api/v1/campaigns": {"get", "post"}, "/api/v1/campaigns/{campaign_id}": {"get", "patch", "delete"},
        "/api/v1/campaigns/{campaign_id}/copy": {"post"}, "/api/v1/campaigns/{campaign_id}/members": {"get", "post"},
        "/api/v1/campaigns/{campaign_id}/members/{member_id}": {"patch", "delete"},
        "/api/v1/campaigns/{campaign_id}/leads": {"get"}, "/api/v1/leads": {"get", "post"},
        "/api/v1/leads/{lead_id}": {"get", "patch", "delete"}, "/api/v1/leads/{lead_id}/actions": {"get", "post"},
        "/api/v1/leads/{lead_id}/actions/{action_id}": {"patch"}, "/api/v1/leads/{lead_id}/convert": {"post"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
