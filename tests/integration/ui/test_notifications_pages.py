"""通知 (notifications on PC): my notifications newest first, unread in bold, 未読のみ, opening one marks
it read and goes to its record, すべて既読にする; another user's notification is not found."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from litestar.testing import TestClient

from tests.integration.http import conftest as http_fixtures
from tests.integration.http.conftest import LIGHT_PASSWORD, PASSWORD, World, csrf_token, log_in

app_container = http_fixtures.app_container
client = http_fixtures.client
world = http_fixtures.world
"""The HTTP tests' fixtures: a container on SQLite, the app's TestClient, tenant acme with alice and bob."""

PAST = (datetime.now(ZoneInfo("Asia/Tokyo")) - timedelta(days=1)).date()
ROW = re.compile(r'<tr data-id="([0-9a-f-]{36})" class="notification (read|unread)">')


def _activity(client: TestClient[Any], world: World, subject: str) -> dict[str, Any]:
    response = client.post("/api/v1/activities", headers={"Authorization": f"Bearer {world.bearer('alice')}"},
                           json={"kind_code": "visit", "subject": subject, "activity_date": PAST.isoformat()})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _post(client: TestClient[Any], path: str, data: dict[str, Any], form_path: str) -> Any:
    token = csrf_token(client, form_path)
    return client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False)


def test_the_owner_is_told_of_a_comment_and_opening_it_marks_it_read(
    client: TestClient[Any], world: World
) -> None:
    first = _activity(client, world, "初回訪問")
    second = _activity(client, world, "二回目の訪問")
    with TestClient(client.app) as bob:
        log_in(bob, "bob", LIGHT_PASSWORD)
        for activity, body in ((first, "良い訪問でした"), (second, "次回も同行します")):
            path = f"/activities/{activity['id']}"
            assert _post(bob, f"{path}/comments", {"body": body}, path).status_code == 303
        assert ROW.findall(bob.get("/notifications").text) == []  # no notice of one's own comments

    log_in(client, "alice", PASSWORD)
    listed = client.get("/notifications")
    assert listed.status_code == 200
    rows = ROW.findall(listed.text)
    assert [state for _, state in rows] == ["unread", "unread"]
    assert "次回も同行します" in listed.text.split("良い訪問でした")[0]  # newest first
    assert "<strong>" in listed.text
    assert 'class="unread-count"' in listed.text  # the bell
    newest, oldest = rows[0][0], rows[1][0]

    opened = _post(client, f"/notifications/{newest}/open", {}, "/notifications")
    assert opened.status_code == 303
    assert opened.headers["location"] == f"/activities/{second['id']}"
    after = dict(ROW.findall(client.get("/notifications").text))
    assert after == {newest: "read", oldest: "unread"}
    unread_only = client.get("/notifications?unread=true")
    assert [i for i, _ in ROW.findall(unread_only.text)] == [oldest]
    assert 'aria-checked="true"' in unread_only.text

    done = _post(client, "/notifications/read-all", {"next": "/notifications?unread=true"}, "/notifications")
    assert done.status_code == 303
    assert done.headers["location"] == "/notifications?unread=true"
    assert ROW.findall(client.get("/notifications?unread=true").text) == []
    assert {s for _, s in ROW.findall(client.get("/notifications").text)} == {"read"}

    with TestClient(client.app) as bob:
        log_in(bob, "bob", LIGHT_PASSWORD)
        assert _post(bob, f"/notifications/{oldest}/open", {}, "/notifications").status_code == 404
        assert _post(bob, "/notifications/not-an-id/open", {}, "/notifications").status_code == 404


def test_the_list_pages_and_says_when_it_is_empty(client: TestClient[Any], world: World) -> None:
    log_in(client, "alice", PASSWORD)
    assert "通知はありません" in client.get("/notifications").text

    activity = _activity(client, world, "定例")
    path = f"/activities/{activity['id']}"
    with TestClient(client.app) as bob:
        log_in(bob, "bob", LIGHT_PASSWORD)
        for i in range(52):
            assert _post(bob, f"{path}/comments", {"body": f"コメント{i}"}, path).status_code == 303
    page = client.get("/notifications")
    assert len(ROW.findall(page.text)) == 50
    assert '<span class="count" data-count="52">' in page.text
    nxt = re.search(r'<a href="([^"]+)" rel="next"', page.text)
    assert nxt
    assert len(ROW.findall(client.get("/notifications" + nxt.group(1).replace("&amp;", "&")).text)) == 2
