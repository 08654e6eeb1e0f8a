"""The read-only record pages behind every sales record's ``url``: the owner sees them, anyone who
may not see the record (or asks for an unknown or malformed id) gets the 404 page, never a 403."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from litestar.testing import TestClient

from tests.integration.http.conftest import PASSWORD, World, log_in

KINDS = ("accounts", "persons", "opportunities", "activities", "leads", "campaigns", "budgets")


def _auth(world: World, login: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.bearer(login)}"}


def _post(client: TestClient[Any], headers: dict[str, str], path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/api/v1/{path}", headers=headers, json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _budget_lines() -> list[dict[str, str]]:
    months = [(2026, m) for m in range(4, 13)] + [(2027, m) for m in (1, 2, 3)]
    return [{"month": f"{y}-{m:02d}", "amount": str(1000 * m)} for y, m in months]


@pytest.fixture
def made(client: TestClient[Any], world: World) -> dict[str, dict[str, Any]]:
    """One record of each kind, made by alice through the JSON API (so through the use cases), and
    carol: a second full user who is on no allow-list."""
    world.add_user("carol")
    alice = _auth(world, "alice")
    account = _post(client, alice, "accounts", {"name": "東京商事", "account_type_code": "customer"})
    person = _post(client, alice, "persons", {"account_id": account["id"], "last_name": "木村", "first_name": "一"})
    card = client.post(f"/api/v1/persons/{person['id']}/business-cards", headers=alice, json={
        "received_on": "2026-04-01", "company_name": "東京商事", "last_name": "木村", "title": "名刺課長"})
    assert card.status_code == 201, card.text
    return {
        "accounts": account,
        "persons": card.json()["person"],  # the card moved the person: version 2
        "opportunities": _post(client, alice, "opportunities", {
            "name": "基幹システム更改", "account_id": account["id"], "stage_code": "20",
            "lines": [{"product_name": "年間ライセンス", "quantity": 2, "unit_price": "1500000"}]}),
        "activities": _post(client, alice, "activities", {
            "kind_code": "visit", "subject": "初回訪問", "activity_date": "2026-01-05"}),
        "leads": _post(client, alice, "leads", {
            "company_name": "大阪物産", "last_name": "山田", "source_code": "exhibition"}),
        "campaigns": _post(client, alice, "campaigns", {"name": "新製品セミナー", "starts_on": "2026-05-10"}),
        "budgets": _post(client, alice, "budgets", {
            "fiscal_year": 2026, "kind_code": "orders", "organization_id": str(world.organization.id),
            "lines": _budget_lines()}),
    }


def _page(kind: str, record: dict[str, Any]) -> str:
    return f"/{kind}/{record['id']}"


@pytest.mark.parametrize("kind", KINDS)
def test_the_api_url_is_the_record_page(made: dict[str, dict[str, Any]], kind: str) -> None:
    assert made[kind]["url"] == _page(kind, made[kind])


NAMES = {
    "accounts": "東京商事", "persons": "木村 一", "opportunities": "基幹システム更改", "activities": "初回訪問",
    "leads": "大阪物産", "campaigns": "新製品セミナー", "budgets": "営業部",
}


@pytest.mark.parametrize("kind", KINDS)
def test_the_owner_sees_the_record_page_at_its_url(
    client: TestClient[Any], world: World, made: dict[str, dict[str, Any]], kind: str
) -> None:
    record = made[kind]
    log_in(client, "alice", PASSWORD)

    response = client.get(_page(kind, record))

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="ja">' in response.text
    assert NAMES[kind] in response.text
    version = re.search(r"バージョン <span class=\"en\">/ Version</span></dt><dd>(\d+)</dd>", response.text)
    assert version
    assert int(version.group(1)) == record["version"]
    assert "非公開" not in response.text


def test_pages_show_code_labels_lines_cards_and_local_time(
    client: TestClient[Any], world: World, made: dict[str, dict[str, Any]]
) -> None:
    log_in(client, "alice", PASSWORD)

    opportunity = client.get(_page("opportunities", made["opportunities"])).text
    assert "年間ライセンス" in opportunity  # the product line
    assert re.search(r"商談ステージ.*?</dt><dd>[^<]+<span class=\"muted\">\(20\)</span>", opportunity, re.S)
    account = client.get(_page("accounts", made["accounts"])).text
    assert re.search(r"取引先区分.*?</dt><dd>[^<(]+<span class=\"muted\">\(customer\)</span>", account, re.S)
    assert "(あなた / you)" in account  # alice owns what she registered
    person = client.get(_page("persons", made["persons"])).text
    assert "名刺課長" in person  # the business-card history
    assert "予定 / Planned" in client.get(_page("activities", made["activities"])).text

    # updated_at is shown in the user's zone (Asia/Tokyo, +9h), not in UTC
    updated = datetime.fromisoformat(made["accounts"]["updated_at"])
    local = updated.astimezone(ZoneInfo("Asia/Tokyo"))
    shown = local.strftime("%Y/%m/%d ") + f"({'月火水木金土日'[local.weekday()]}) " + local.strftime("%H:%M")
    assert f'<dd class="updated-at">{shown}</dd>' in account


@pytest.mark.parametrize("kind", ["accounts", "opportunities"])
def test_a_restricted_record_is_404_for_outsiders_and_badged_for_the_owner(
    client: TestClient[Any], world: World, made: dict[str, dict[str, Any]], kind: str
) -> None:
    body: dict[str, Any] = {"name": "極秘案件", "restriction": {}}
    if kind == "opportunities":
        body |= {"account_id": made["accounts"]["id"], "stage_code": "10"}
    secret = _post(client, _auth(world, "alice"), kind, body)

    log_in(client, "alice", PASSWORD)
    own = client.get(_page(kind, secret))
    assert own.status_code == 200
    assert "非公開" in own.text

    with TestClient(client.app) as other:
        log_in(other, "carol", PASSWORD)
        hidden = other.get(_page(kind, secret))
        assert hidden.status_code == 404
        assert "極秘案件" not in hidden.text
        assert "ページが見つかりません / not found" in hidden.text
        assert secret["id"] not in hidden.text  # the same page as for an id that never existed
        assert other.get(_page(kind, made[kind])).status_code == 200  # the public one is visible to carol


@pytest.mark.parametrize("kind", KINDS)
def test_unknown_and_malformed_ids_are_404(client: TestClient[Any], world: World, kind: str) -> None:
    log_in(client, "alice", PASSWORD)

    for path in (f"/{kind}/{uuid4()}", f"/{kind}/not-a-uuid", f"/{kind}/123"):
        response = client.get(path)
        assert response.status_code == 404, (path, response.status_code)
        assert '<html lang="ja">' in response.text
        assert "ページが見つかりません / not found" in response.text


@pytest.mark.parametrize("kind", ["accounts", "budgets"])
def test_anonymous_users_are_sent_to_login(
    client: TestClient[Any], world: World, made: dict[str, dict[str, Any]], kind: str
) -> None:
    response = client.get(_page(kind, made[kind]), follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
    assert client.get(f"/{kind}/not-a-uuid", follow_redirects=False).status_code == 303


def test_user_text_is_escaped(client: TestClient[Any], world: World) -> None:
    name = '<script>alert("x")</script>'
    account = _post(client, _auth(world, "alice"), "accounts", {"name": name, "notes": "<b>bold</b>"})
    log_in(client, "alice", PASSWORD)

    html = client.get(_page("accounts", account)).text

    assert "<script>alert" not in html
    assert "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
