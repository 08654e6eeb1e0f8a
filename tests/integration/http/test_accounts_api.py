"""HTTP: /api/v1/accounts and /api/v1/account-groups - register, view, change with versions, search
filters, 404 for invisible or foreign ids, 422/409 for bad input, 403 for light users, delete rule."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

from litestar.testing import TestClient

from dps.application.directory.affiliations import AssignAffiliationCommand
from tests.integration.http.conftest import World


def _auth(world: World, login: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.bearer(login)}"}


def test_account_lifecycle(client: TestClient[Any], world: World) -> None:
    alice = _auth(world, "alice")
    created = client.post("/api/v1/accounts", headers=alice, json={
        "name": "株式会社サンプル", "kana": "サンプル", "corporate_number": "5010001008846",
        "account_type_code": "customer", "transaction_status_code": "active", "website": "https://sample.example",
        "custom_fields": {},
    })
    assert created.status_code == 201, created.text
    body = created.json()
    account_id = body["id"]
    assert body["url"] == f"/accounts/{account_id}"
    assert body["version"] == 1
    assert body["website"] == "https://sample.example"
    assert body["owner_organization_id"] == str(world.organization.id)
    assert body["staff"] == [] and body["restriction"] is None and body["relations"] == []  # noqa: PT018
    assert body["groups"] == []

    fetched = client.get(f"/api/v1/accounts/{account_id}", headers=alice)
    assert fetched.status_code == 200
    assert fetched.json()["corporate_number"] == "5010001008846"

    changed = client.patch(f"/api/v1/accounts/{account_id}", headers=alice,
                           json={"expected_version": 1, "phone": "03-0000-0000", "industry_code": "it"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["version"] == 2
    assert changed.json()["phone"] == "03-0000-0000"
    assert changed.json()["name"] == "株式会社サンプル"

    stale = client.patch(f"/api/v1/accounts/{account_id}", headers=alice, json={"expected_version": 1, "phone": "x"})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2

    listed = client.get("/api/v1/accounts", headers=alice, params={"q": "さんぷる", "industry_code": "it"})
    assert [a["id"] for a in listed.json()["items"]] == [account_id]
    assert listed.json()["next_cursor"] is None
    assert client.get("/api/v1/accounts", headers=alice, params={"industry_code": "retail"}).json()["items"] == []
    assert client.get("/api/v1/accounts", headers=alice, params={"sort": "nope"}).status_code == 422

    master = [line for line in world.lines("master") if line.get("entity") == "account"]
    assert [line["action"] for line in master] == ["create", "update"]
    assert master[1]["before"]["phone"] == "" and master[1]["after"]["phone"] == "03-0000-0000"  # noqa: PT018

    assert client.delete(f"/api/v1/accounts/{account_id}", headers=alice).status_code == 204
    assert client.get(f"/api/v1/accounts/{account_id}", headers=alice).status_code == 404


def test_bad_input_and_unknown_ids(client: TestClient[Any], world: World) -> None:
    alice = _auth(world, "alice")
    bad_digit = client.post("/api/v1/accounts", headers=alice, json={"name": "A", "corporate_number": "1010001008846"})
    assert bad_digit.status_code == 422
    assert "corporate_number" in bad_digit.json()["errors"]
    bad_code = client.post("/api/v1/accounts", headers=alice, json={"name": "A", "account_type_code": "alien"})
    assert bad_code.status_code == 422
    assert "account_type_code" in bad_code.json()["errors"]
    assert client.post("/api/v1/accounts", headers=alice, json={"name": "A", "corporate_number": "5010001008846"}
                       ).status_code == 201
    duplicate = client.post("/api/v1/accounts", headers=alice,
                            json={"name": "B", "corporate_number": "5010001008846"})
    assert duplicate.status_code == 409
    assert duplicate.json()["field"] == "corporate_number"
    assert client.get(f"/api/v1/accounts/{uuid4()}", headers=alice).status_code == 404
    assert client.patch(f"/api/v1/accounts/{uuid4()}", headers=alice, json={"expected_version": 1}).status_code == 404
    assert client.get(f"/api/v1/accounts/{uuid4()}/persons", headers=alice).status_code == 404


def test_light_user_reads_but_gets_403_on_writes(client: TestClient[Any], world: World) -> None:
    alice, bob = _auth(world, "alice"), _auth(world, "bob")
    account = client.post("/api/v1/accounts", headers=alice, json={"name": "読む社"}).json()
    assert client.get(f"/api/v1/accounts/{account['id']}", headers=bob).status_code == 200
    assert client.post("/api/v1/accounts", headers=bob, json={"name": "書く社"}).status_code == 403
    assert client.patch(f"/api/v1/accounts/{account['id']}", headers=bob,
                        json={"expected_version": 1, "name": "x"}).status_code == 403
    assert client.delete(f"/api/v1/accounts/{account['id']}", headers=bob).status_code == 403
    assert client.post("/api/v1/account-groups", headers=bob, json={"code": "g", "name": "G"}).status_code == 403


def test_restricted_account_is_404_for_outsiders_and_missing_from_lists(client: TestClient[Any], world: World
                                                                        ) -> None:
    world.add_user("carol")
    alice, carol = _auth(world, "alice"), _auth(world, "carol")
    secret = client.post("/api/v1/accounts", headers=alice, json={
        "name": "極秘", "restriction": {"organizations": [str(world.organization.id)]}}).json()
    assert secret["restriction"]["organizations"] == [str(world.organization.id)]
    assert client.get(f"/api/v1/accounts/{secret['id']}", headers=carol).status_code == 404
    assert client.get("/api/v1/accounts", headers=carol).json()["items"] == []
    assert client.get(f"/api/v1/accounts/{secret['id']}/persons", headers=carol).status_code == 404
    # bob (light) joins the listed 営業部 and may read it
    bob = next(u for u in world.container.list_users()(world.admin) if u.login_id == "bob")
    world.container.assign_affiliation()(world.admin, AssignAffiliationCommand(bob.id, world.organization.id,
                                                                               date(2000, 4, 1)))
    assert client.get(f"/api/v1/accounts/{secret['id']}", headers=_auth(world, "bob")).status_code == 200
    mine = client.get("/api/v1/accounts", headers=alice, params={"mine": "true"}).json()["items"]
    assert [a["name"] for a in mine] == ["極秘"]
    assert client.get("/api/v1/accounts", headers=carol, params={"mine": "true"}).json()["items"] == []


def test_delete_refused_while_persons_refer(client: TestClient[Any], world: World) -> None:
    alice = _auth(world, "alice")
    account = client.post("/api/v1/accounts", headers=alice, json={"name": "親"}).json()
    person = client.post("/api/v1/persons", headers=alice, json={"account_id": account["id"], "last_name": "佐藤"})
    assert person.status_code == 201
    refused = client.delete(f"/api/v1/accounts/{account['id']}", headers=alice)
    assert refused.status_code == 409
    assert "persons 1" in refused.json()["detail"]
    persons = client.get(f"/api/v1/accounts/{account['id']}/persons", headers=alice).json()
    assert [p["last_name"] for p in persons["items"]] == ["佐藤"]


def test_account_groups(client: TestClient[Any], world: World) -> None:
    world.add_user("carol")
    alice, carol = _auth(world, "alice"), _auth(world, "carol")
    group = client.post("/api/v1/account-groups", headers=alice, json={"code": "key", "name": "重点顧客"})
    assert group.status_code == 201
    gid = group.json()["id"]
    assert client.post("/api/v1/account-groups", headers=alice, json={"code": "key", "name": "dup"}
                       ).status_code == 409
    open_account = client.post("/api/v1/accounts", headers=alice, json={"name": "公開社"}).json()
    secret = client.post("/api/v1/accounts", headers=alice, json={"name": "秘密社", "restriction": {}}).json()
    for account in (open_account, secret):
        added = client.post(f"/api/v1/account-groups/{gid}/accounts", headers=alice,
                            json={"account_id": account["id"]})
        assert added.json() == {"changed": True}
    assert client.post(f"/api/v1/account-groups/{gid}/accounts", headers=alice,
                       json={"account_id": open_account["id"]}).json() == {"changed": False}
    assert client.post(f"/api/v1/account-groups/{gid}/accounts", headers=carol,
                       json={"account_id": secret["id"]}).status_code == 404
    groups = client.get("/api/v1/account-groups", headers=carol).json()
    assert [(g["name"], g["member_count"]) for g in groups] == [("重点顧客", 2)]
    members = client.get(f"/api/v1/account-groups/{gid}/accounts", headers=carol).json()["items"]
    assert [a["name"] for a in members] == ["公開社"]
    filtered = client.get("/api/v1/accounts", headers=alice, params={"group_id": gid}).json()["items"]
    assert {a["name"] for a in filtered} == {"公開社", "秘密社"}
    assert [g["name"] for g in client.get(f"/api/v1/accounts/{open_account['id']}", headers=alice).json()["groups"]
            ] == ["重点顧客"]
    renamed = client.patch(f"/api/v1/account-groups/{gid}", headers=alice, json={"expected_version": 1, "name": "系列"})
    assert renamed.json()["name"] == "系列"
    assert client.patch(f"/api/v1/account-groups/{gid}", headers=alice,
                        json={"expected_version": 1, "name": "x"}).status_code == 409
    assert client.delete(f"/api/v1/account-groups/{gid}/accounts/{open_account['id']}", headers=alice
                         ).status_code == 204
    assert client.delete(f"/api/v1/account-groups/{gid}", headers=alice).status_code == 204
    assert client.get(f"/api/v1/account-groups/{gid}/accounts", headers=alice).status_code == 404
    assert client.get(f"/api/v1/accounts/{open_account['id']}", headers=alice).status_code == 200


def test_openapi_lists_the_account_and_person_routes(client: TestClient[Any]) -> None:
    paths = client.get("/api/schema/openapi.json").json()["paths"]
    for path, method in (("/api/v1/accounts", "get"), ("/api/v1/accounts", "post"),
                         ("/api/v1/accounts/{account_id}", "patch"), ("/api/v1/accounts/{account_id}", "delete"),
                         ("/api/v1/accounts/{account_id}/persons", "get"), ("/api/v1/account-groups", "post"),
                         ("/api/v1/account-groups/{group_id}/accounts", "get"), ("/api/v1/persons", "get"),
                         ("/api/v1/persons/{person_id}", "patch"),
                         ("/api/v1/persons/{person_id}/business-cards", "post")):
        assert method in paths[path], (path, method)


def test_registry_status_fields_are_created_patched_listed_and_validated(client: TestClient[Any], world: World
                                                                         ) -> None:
    alice = _auth(world, "alice")
    successor = client.post("/api/v1/accounts", headers=alice,
                            json={"name": "株式会社サンプル", "corporate_number": "5010001008846"}).json()
    created = client.post("/api/v1/accounts", headers=alice, json={
        "name": "旧サンプル株式会社", "corporate_number": "7000012050002", "en_name": "Old Sample Co., Ltd.",
        "closed_on": "2023-03-31", "close_cause": "合併による解散等", "successor_corporate_number": "5010001008846"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["en_name"], body["closed_on"], body["close_cause"], body["close_cause_label"],
            body["successor_corporate_number"], body["successor_account_id"]) == (
        "Old Sample Co., Ltd.", "2023-03-31", "11", "合併による解散等 / dissolved by merger", "5010001008846",
        successor["id"])
    items = {i["name"]: i for i in client.get("/api/v1/accounts", headers=alice).json()["items"]}
    assert items["旧サンプル株式会社"]["closed_on"] == "2023-03-31"
    assert items["株式会社サンプル"]["closed_on"] is None and items["株式会社サンプル"]["en_name"] == ""  # noqa: PT018

    path = f"/api/v1/accounts/{body['id']}"
    kept = client.patch(path, headers=alice, json={"expected_version": 1, "phone": "03"}).json()
    assert (kept["closed_on"], kept["close_cause"], kept["version"]) == ("2023-03-31", "11", 2)
    cleared = client.patch(path, headers=alice, json={"expected_version": 2, "closed_on": None, "close_cause": None,
                                                      "successor_corporate_number": None})
    assert cleared.status_code == 200, cleared.text
    assert (cleared.json()["closed_on"], cleared.json()["close_cause"], cleared.json()["successor_account_id"]) == (
        None, None, None)
    for values, field in (({"successor_corporate_number": "1000012050002"}, "successor_corporate_number"),
                          ({"successor_corporate_number": "7000012050002"}, "successor_corporate_number"),
                          ({"en_name": "x" * 201}, "en_name")):
        bad = client.patch(path, headers=alice, json={"expected_version": 3, **values})
        assert bad.status_code == 422, bad.text
        assert field in bad.json()["errors"]
    not_a_date = client.patch(path, headers=alice, json={"expected_version": 3, "closed_on": "31/03/2023"})
    assert not_a_date.status_code == 400


def test_openapi_still_validates_with_the_status_fields(client: TestClient[Any]) -> None:
    from openapi_spec_validator import validate

    spec = client.get("/api/schema/openapi.json").json()
    validate(spec)
    account_in = spec["components"]["schemas"]["AccountIn"]["properties"]
    assert {"en_name", "closed_on", "close_cause", "successor_corporate_number"} <= set(account_in)
