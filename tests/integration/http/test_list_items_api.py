"""HTTP: the list pages of accounts, persons, leads, campaigns and activities return flat items - the
record's own fields, the same values as its detail - while staff, the 非公開 allow-list, relations
(and each kind's other detail-only parts) come with GET of the record only; the OpenAPI schema says so."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from tests.integration.http.conftest import World

DETAIL_ONLY = {
    "accounts": {"staff", "restriction", "relations", "groups", "parent_name", "successor_account_id"},
    "persons": {"staff", "restriction", "relations"},
    "leads": {"staff", "restriction", "possible_duplicates", "opportunity_ids"},
    "campaigns": {"staff", "restriction", "relations", "summary"},
    "activities": {"staff", "restriction", "person_ids", "attendee_ids", "opportunity_version"},
}
"""What a detail (GET /<kind>/{id}) has beyond a list item of the same record."""


def _auth(world: World, login: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.bearer(login)}"}


def _created(client: TestClient[Any], headers: dict[str, str], kind: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/api/v1/{kind}", headers=headers, json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_list_items_are_the_detail_without_its_child_collections(client: TestClient[Any], world: World) -> None:
    alice = _auth(world, "alice")
    account = _created(client, alice, "accounts", {
        "name": "株式会社サンプル", "kana": "サンプル", "phone": "03-1111-2222", "website": "https://sample.example"})
    alice_id = account["owner_id"]
    staff = [{"user_id": alice_id, "is_main": True}]
    secret = {"users": [alice_id]}
    bodies: dict[str, dict[str, Any]] = {
        "accounts": {"name": "非公開商事", "kana": "ヒコウカイ", "staff": staff, "restriction": secret},
        "persons": {"account_id": account["id"], "last_name": "山田", "first_name": "花子", "staff": staff,
                    "restriction": secret},
        "leads": {"company_name": "見込商事", "last_name": "鈴木", "source_code": "web", "staff": staff,
                  "restriction": secret},
        "campaigns": {"name": "秋のセミナー", "starts_on": "2026-10-01", "budget_amount": "150000", "staff": staff,
                      "restriction": secret},
        "activities": {"kind_code": "visit", "subject": "訪問", "activity_date": "2026-10-02",
                       "account_id": account["id"], "staff": staff, "restriction": secret},
    }
    for kind, body in bodies.items():
        made = _created(client, alice, kind, body)
        detail = client.get(f"/api/v1/{kind}/{made['id']}", headers=alice).json()
        assert detail["staff"] == staff and detail["restriction"] is not None, kind  # noqa: PT018
        listed = client.get(f"/api/v1/{kind}", headers=alice, params={"limit": 200}).json()["items"]
        item = next(i for i in listed if i["id"] == made["id"])
        assert set(item) == set(detail) - DETAIL_ONLY[kind], kind
        assert item == {key: value for key, value in detail.items() if key in item}, kind
        assert item["is_restricted"] is True, kind

    persons = client.get(f"/api/v1/accounts/{account['id']}/persons", headers=alice).json()["items"]
    assert [(p["full_name"], p["account_name"]) for p in persons] == [("山田 花子", "株式会社サンプル")]


def test_the_openapi_schema_describes_the_flat_list_items(client: TestClient[Any]) -> None:
    schema = client.get("/api/schema/openapi.json").json()
    components = schema["components"]["schemas"]

    def item_schema(path: str) -> dict[str, Any]:
        page_ref = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        page = components[page_ref.rsplit("/", 1)[-1]]
        item_ref = page["properties"]["items"]["items"]["$ref"]
        found: dict[str, Any] = components[item_ref.rsplit("/", 1)[-1]]
        return found

    for path in ("/api/v1/accounts", "/api/v1/persons", "/api/v1/leads", "/api/v1/campaigns", "/api/v1/activities",
                 "/api/v1/accounts/{account_id}/persons", "/api/v1/campaigns/{campaign_id}/leads",
                 "/api/v1/accounts/{account_id}/activities", "/api/v1/account-groups/{group_id}/accounts"):
        properties = item_schema(path)["properties"]
        assert "is_restricted" in properties and "url" in properties, path  # noqa: PT018
        assert not {"staff", "restriction", "relations"} & set(properties), path
