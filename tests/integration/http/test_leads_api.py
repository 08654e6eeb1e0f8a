"""The leads JSON API: register (duplicate hint), read, change, delete, search, follow-up actions and
conversion - through litestar's TestClient. alice is a full user (admin), bob a light one, carol a
full user outside every allow-list."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from dps.domain.registry.corporate_number import CorporateNumber
from tests.integration.http.conftest import World

CORP = str(CorporateNumber.from_base("700110005901"))


def _auth(bearer: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {bearer}"}


def _lead(client: TestClient[Any], bearer: str, **body: Any) -> Any:
    payload = {"company_name": "株式会社サンプル", "last_name": "山田", "source_code": "exhibition"} | body
    return client.post("/api/v1/leads", headers=_auth(bearer), json=payload)


def test_register_read_change_and_delete(client: TestClient[Any], world: World) -> None:
    alice = _auth(world.bearer("alice"))
    made = _lead(client, world.bearer("alice"), email="Taro@Example.jp", corporate_number=CORP,
                 next_action_on="2026-12-01")
    assert made.status_code == 201, made.text
    lead = made.json()
    assert (lead["status_code"], lead["email"], lead["possible_duplicates"], lead["version"]) == (
        "new", "taro@example.jp", [], 1)
    twin = _lead(client, world.bearer("alice"), company_name="別会社", email="taro@example.jp")
    assert twin.status_code == 201
    assert twin.json()["possible_duplicates"] == [lead["id"]]

    lid = lead["id"]
    got = client.get(f"/api/v1/leads/{lid}", headers=alice).json()
    assert (got["corporate_number"], got["next_action_on"], got["url"]) == (CORP, "2026-12-01", f"/leads/{lid}")
    changed = client.patch(f"/api/v1/leads/{lid}", headers=alice,
                           json={"expected_version": 1, "status_code": "working", "score": 70})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["status_code"], changed.json()["score"], changed.json()["email"]) == (
        "working", 70, "taro@example.jp")
    stale = client.patch(f"/api/v1/leads/{lid}", headers=alice, json={"expected_version": 1, "score": 1})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2

    found = client.get("/api/v1/leads", headers=alice, params={"q": "サンプル", "status_code": "working"}).json()
    assert [x["id"] for x in found["items"]] == [lid]
    assert client.delete(f"/api/v1/leads/{lid}", headers=alice).status_code == 204
    assert client.get(f"/api/v1/leads/{lid}", headers=alice).status_code == 404


def test_bad_input_answers_with_the_field(client: TestClient[Any], world: World) -> None:
    bearer = world.bearer("alice")
    wrong_digit = CORP[:-1] + str((int(CORP[-1]) + 1) % 10)
    for body, field in (({"corporate_number": wrong_digit}, "corporate_number"), ({"source_code": "fax"},
                        "source_code"), ({"status_code": "converted"}, "status_code"), ({"email": "x@"}, "email")):
        answer = _lead(client, bearer, **body)
        assert answer.status_code == 422, body
        assert field in answer.json()["errors"]
    missing = client.post("/api/v1/leads", headers=_auth(bearer), json={"company_name": "名前なし"})
    assert missing.status_code == 400
    assert client.get("/api/v1/leads", headers=_auth(bearer)).json()["items"] == []


def test_restricted_leads_and_light_users(client: TestClient[Any], world: World) -> None:
    world.add_user("carol")
    alice = world.bearer("alice")
    me = _lead(client, alice).json()["owner_id"]
    secret = _lead(client, alice, company_name="秘密商事", restriction={"users": [me]}).json()
    carol = _auth(world.bearer("carol"))
    assert client.get(f"/api/v1/leads/{secret['id']}", headers=carol).status_code == 404
    assert [x["company_name"] for x in client.get("/api/v1/leads", headers=carol).json()["items"]] == [
        "株式会社サンプル"]
    assert client.post(f"/api/v1/leads/{secret['id']}/convert", headers=carol).status_code == 404

    bob = _auth(world.bearer("bob"))
    assert client.get(f"/api/v1/leads/{secret['id']}", headers=bob).status_code == 404
    assert client.post("/api/v1/leads", headers=bob, json={
        "company_name": "x", "last_name": "y", "source_code": "web"}).status_code == 403
    assert client.post(f"/api/v1/leads/{secret['id']}/convert", headers=bob).status_code == 403


def test_actions_and_conversion(client: TestClient[Any], world: World) -> None:
    alice = _auth(world.bearer("alice"))
    campaign = {"name": "展示会", "starts_on": "2026-05-10"}
    cid = client.post("/api/v1/campaigns", headers=alice, json=campaign).json()["id"]
    lid = _lead(client, world.bearer("alice"), company_name="変換商事", corporate_number=CORP, campaign_id=cid,
                campaign_follow_status_code="attended").json()["id"]

    action = client.post(f"/api/v1/leads/{lid}/actions", headers=alice,
                         json={"action_on": "2026-12-01", "kind_code": "call", "description": "資料送付の確認"})
    assert action.status_code == 201, action.text
    aid = action.json()["id"]
    assert client.post(f"/api/v1/leads/{lid}/actions", headers=alice,
                       json={"action_on": "2026-12-02", "kind_code": "karaoke"}).status_code == 422
    done = client.patch(f"/api/v1/leads/{lid}/actions/{aid}", headers=alice, json={"is_done": True})
    assert done.status_code == 200
    assert done.json()["is_done"] is True
    listed = client.get(f"/api/v1/leads/{lid}/actions", headers=alice).json()["items"]
    assert [(a["id"], a["is_done"]) for a in listed] == [(aid, True)]

    converted = client.post(f"/api/v1/leads/{lid}/convert", headers=alice, json={
        "create_opportunity": True, "opportunity_name": "基幹刷新", "stage_code": "20", "expected_amount": "3000000"})
    assert converted.status_code == 200, converted.text
    out = converted.json()
    assert out["lead"]["status_code"] == "converted"
    assert out["lead"]["converted_account_id"] == out["account_id"]
    assert out["account_created"] is True
    opportunity = client.get(f"/api/v1/opportunities/{out['opportunity_id']}", headers=alice)
    if opportunity.status_code == 200:  # the opportunities API is built alongside
        assert (opportunity.json()["source_lead_id"], opportunity.json()["campaign_id"]) == (lid, cid)
    assert client.get(f"/api/v1/leads/{lid}", headers=alice).json()["opportunity_ids"] == [out["opportunity_id"]]

    again = client.post(f"/api/v1/leads/{lid}/convert", headers=alice)
    assert again.status_code == 409
    assert client.delete(f"/api/v1/leads/{lid}", headers=alice).status_code == 409
    summary = client.get(f"/api/v1/campaigns/{cid}", headers=alice).json()["summary"]
    assert (summary["leads"], summary["converted_leads"]) == (1, 1)
