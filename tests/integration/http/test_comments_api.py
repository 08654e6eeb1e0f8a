"""The comments, likes and notifications JSON API through litestar's TestClient: light users on
activities only (403 elsewhere), 404 for records the caller cannot see, edit/delete rules,
idempotent likes, my notifications only."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest
from litestar.testing import TestClient

from dps.domain.sales.records import RecordType
from dps.domain.shared.ids import UserId
from dps.domain.visibility.records import Restriction
from tests.integration.http.conftest import World
from tests.integration.sales.test_comments_support import insert_record

API = "/api/v1"


def _auth(bearer: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {bearer}"}


def _user_id(world: World, login: str) -> UserId:
    return next(u.id for u in world.container.list_users()(world.admin) if u.login_id == login)


@pytest.fixture
def records(world: World) -> dict[str, UUID]:
    """carol owns an account (dave is staff) and an activity; alice owns a 非公開 opportunity nobody
    else is listed on."""
    world.add_user("carol")
    world.add_user("dave")
    engine, t = world.container.engine(), world.tenant.id
    carol, dave, alice = (_user_id(world, x) for x in ("carol", "dave", "alice"))
    return {
        "account": insert_record(engine, t, RecordType.ACCOUNT, name="株式会社サンプル", owner=carol, staff=[dave]),
        "activity": insert_record(engine, t, RecordType.ACTIVITY, name="サンプル社訪問", owner=carol),
        "secret": insert_record(engine, t, RecordType.OPPORTUNITY, name="極秘案件", owner=alice,
                                restriction=Restriction()),
    }


def test_light_user_comments_and_likes_activities_only(
    client: TestClient[Any], world: World, records: dict[str, UUID]
) -> None:
    bob = _auth(world.bearer("bob"))
    activity, account = records["activity"], records["account"]
    posted = client.post(f"{API}/activities/{activity}/comments", headers=bob, json={"body": "お疲れさまです"})
    assert posted.status_code == 201, posted.text
    assert posted.json()["author_name"] == "Bob 太郎"
    liked = client.put(f"{API}/activities/{activity}/like", headers=bob)
    assert (liked.status_code, liked.json()) == (200, {"count": 1, "liked_by_me": True})
    assert client.put(f"{API}/activities/{activity}/like", headers=bob).json()["count"] == 1  # idempotent

    assert client.post(f"{API}/accounts/{account}/comments", headers=bob, json={"body": "x"}).status_code == 403
    assert client.put(f"{API}/accounts/{account}/like", headers=bob).status_code == 403
    assert client.get(f"{API}/accounts/{account}/comments", headers=bob).status_code == 200  # reading is fine
    denied = [line for line in world.lines("security") if line["event"] == "permission.denied"]
    assert denied
    assert denied[-1]["user"] == "bob"

    assert client.delete(f"{API}/activities/{activity}/like", headers=bob).status_code == 204
    likes = client.get(f"{API}/activities/{activity}/likes", headers=bob).json()
    assert (likes["count"], likes["liked_by_me"], likes["items"]) == (0, False, [])


def test_a_restricted_record_is_404_for_outsiders(
    client: TestClient[Any], world: World, records: dict[str, UUID]
) -> None:
    carol, alice = _auth(world.bearer("carol")), _auth(world.bearer("alice"))
    secret = records["secret"]
    assert client.get(f"{API}/opportunities/{secret}/comments", headers=carol).status_code == 404
    assert client.post(f"{API}/opportunities/{secret}/comments", headers=carol, json={"body": "x"}).status_code == 404
    assert client.put(f"{API}/opportunities/{secret}/like", headers=carol).status_code == 404
    assert client.get(f"{API}/opportunities/{secret}/likes", headers=carol).status_code == 404
    comment = client.post(f"{API}/opportunities/{secret}/comments", headers=alice, json={"body": "社外秘"}).json()
    assert client.put(f"{API}/comments/{comment['id']}/like", headers=carol).status_code == 404
    assert client.patch(f"{API}/comments/{comment['id']}", headers=carol,
                        json={"body": "x", "expected_version": 1}).status_code == 404
    assert client.get(f"{API}/opportunities/{secret}/comments", headers=alice).json()["items"][0]["body"] == "社外秘"
    assert client.get(f"{API}/accounts/{secret}/comments", headers=alice).status_code == 404  # not an account
    assert client.get(f"{API}/accounts/{uuid4()}/comments", headers=alice).status_code == 404
    assert client.get(f"{API}/accounts/not-a-uuid/comments", headers=alice).status_code in (400, 404)


def test_comment_edit_delete_reply_and_like(client: TestClient[Any], world: World, records: dict[str, UUID]) -> None:
    alice, carol = _auth(world.bearer("alice")), _auth(world.bearer("carol"))
    account, activity = records["account"], records["activity"]
    url = f"{API}/accounts/{account}/comments"
    first = client.post(url, headers=alice, json={"body": "見積を送りました"}).json()
    reply = client.post(url, headers=carol, json={"body": "ありがとうございます", "reply_to_id": first["id"]})
    assert reply.status_code == 201
    assert reply.json()["reply_to_id"] == first["id"]
    elsewhere = client.post(f"{API}/activities/{activity}/comments", headers=alice, json={"body": "別件"}).json()
    bad_reply = client.post(url, headers=carol, json={"body": "x", "reply_to_id": elsewhere["id"]})
    assert bad_reply.status_code == 422
    assert "reply_to_id" in bad_reply.json()["errors"]
    empty = client.post(url, headers=carol, json={"body": "  "})
    assert empty.status_code == 422
    assert "body" in empty.json()["errors"]
    assert client.post(url, headers=carol, json={"body": "あ" * 4001}).status_code == 422

    edit = f"{API}/comments/{first['id']}"
    assert client.patch(edit, headers=carol, json={"body": "乗っ取り", "expected_version": 1}).status_code == 403
    changed = client.patch(edit, headers=alice, json={"body": "見積を再送しました", "expected_version": 1})
    assert changed.status_code == 200
    assert changed.json()["version"] == 2
    stale = client.patch(edit, headers=alice, json={"body": "古い版", "expected_version": 1})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2

    liked = client.put(f"{API}/comments/{first['id']}/like", headers=carol)
    assert liked.json() == {"count": 1, "liked_by_me": True}
    listed = client.get(url, headers=carol, params={"limit": 1}).json()
    assert [c["id"] for c in listed["items"]] == [first["id"]]
    assert listed["next_cursor"]
    assert (listed["items"][0]["like_count"], listed["items"][0]["liked_by_me"]) == (1, True)
    rest = client.get(url, headers=carol, params={"limit": 1, "cursor": listed["next_cursor"]}).json()
    assert [c["id"] for c in rest["items"]] == [reply.json()["id"]]
    who = client.get(f"{API}/comments/{first['id']}/likes", headers=alice).json()
    assert [x["name"] for x in who["items"]] == ["Carol 太郎"]
    assert client.delete(f"{API}/comments/{first['id']}/like", headers=carol).status_code == 204

    assert client.delete(edit, headers=carol).status_code == 403
    assert client.delete(edit, headers=alice).status_code == 204
    assert client.delete(edit, headers=alice).status_code == 404
    remaining = client.get(url, headers=carol).json()["items"]
    assert [(c["body"], c["reply_to_id"]) for c in remaining] == [("ありがとうございます", None)]
    assert client.get(url, headers=carol, params={"limit": 0}).status_code == 422


def test_my_notifications(client: TestClient[Any], world: World, records: dict[str, UUID]) -> None:
    alice, carol, dave = (_auth(world.bearer(x)) for x in ("alice", "carol", "dave"))
    account = records["account"]
    assert client.get(f"{API}/notifications").status_code == 401
    client.post(f"{API}/accounts/{account}/comments", headers=alice, json={"body": "来週伺います"})
    client.put(f"{API}/accounts/{account}/like", headers=alice)

    for who in (carol, dave):
        assert client.get(f"{API}/notifications/unread-count", headers=who).json() == {"count": 2}
    assert client.get(f"{API}/notifications/unread-count", headers=alice).json() == {"count": 0}  # the actor
    items = client.get(f"{API}/notifications", headers=carol, params={"unread": "true"}).json()["items"]
    assert [n["kind"] for n in items] == ["like_added", "comment_added"]  # newest first
    comment_note = items[1]
    assert comment_note["record_type"] == "account"
    assert comment_note["record_id"] == str(account)
    assert comment_note["record_url"] == f"/accounts/{account}"
    assert comment_note["summary"] == "Alice 太郎 さんが「株式会社サンプル」にコメントしました: 来週伺います"
    assert (comment_note["actor_name"], comment_note["read_at"]) == ("Alice 太郎", None)

    assert client.post(f"{API}/notifications/{comment_note['id']}/read", headers=dave).status_code == 404
    assert client.post(f"{API}/notifications/{uuid4()}/read", headers=carol).status_code == 404
    read = client.post(f"{API}/notifications/{comment_note['id']}/read", headers=carol)
    assert read.status_code == 200
    assert read.json()["read_at"] is not None
    assert client.get(f"{API}/notifications/unread-count", headers=carol).json() == {"count": 1}
    unread = client.get(f"{API}/notifications", headers=carol, params={"unread": "true"}).json()["items"]
    assert [n["kind"] for n in unread] == ["like_added"]
    assert len(client.get(f"{API}/notifications", headers=carol).json()["items"]) == 2

    assert client.post(f"{API}/notifications/read-all", headers=dave).json() == {"marked": 2}
    assert client.get(f"{API}/notifications/unread-count", headers=dave).json() == {"count": 0}
    assert client.get(f"{API}/notifications/unread-count", headers=carol).json() == {"count": 1}  # only mine


def test_the_routes_are_in_the_openapi_schema(client: TestClient[Any], world: World) -> None:
    paths = client.get("/api/schema/openapi.json").json()["paths"]
    for kind in ("accounts", "persons", "opportunities", "activities", "leads", "campaigns"):
        assert {"get", "post"} <= set(paths[f"{API}/{kind}/{{record_id}}/comments"])
        assert {"put", "delete"} <= set(paths[f"{API}/{kind}/{{record_id}}/like"])
    assert {"patch", "delete"} <= set(paths[f"{API}/comments/{{comment_id}}"])
    assert "post" in paths[f"{API}/notifications/read-all"]
