"""The registry on the account screens over HTTP: the form's 法人番号 check and 「登録情報から入力」 block,
the /lookup/registry JSON, the detail page's link, and the compare page - differences with a checkbox per
field, apply (CSRF, version), 409 banner on a stale version, 404 for an invisible account, and the
"registry unreachable, enter manually" banner."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar.testing import TestClient

from tests.fakes.registry import CLOSED_NUMBER, SAMPLE_NUMBER, FakeRegistry
from tests.integration.http import conftest as http_fixtures
from tests.integration.http.conftest import LIGHT_PASSWORD, PASSWORD, World, log_in
from tests.integration.ui.pages_support import auth, form_data, post_json

app_container, client, world = http_fixtures.app_container, http_fixtures.client, http_fixtures.world
registry = http_fixtures.registry

NUMBER, CLOSED = SAMPLE_NUMBER, CLOSED_NUMBER
BANNER = "登録情報を取得できません。手入力してください"


@pytest.fixture
def account(client: TestClient[Any], world: World) -> dict[str, Any]:
    return post_json(client, auth(world, "alice"), "accounts", {
        "name": "サンプル", "kana": "サンプル", "corporate_number": NUMBER, "phone": "03-1"})


def _checkboxes(html: str) -> dict[str, bool]:
    return {m.group(1): "checked" in m.group(0)
            for m in re.finditer(r'<input type="checkbox" name="fields" value="(\w+)"[^>]*>', html)}


def test_the_form_checks_the_number_and_offers_the_registry(client: TestClient[Any], world: World) -> None:
    log_in(client, "alice", PASSWORD)
    html = client.get("/accounts/new").text
    assert 'data-check-for="f-corporate_number"' in html
    assert "法人番号の検査用数字が正しくありません" in html  # the script's message, in the page's language
    assert 'data-registry-fill="/lookup/registry"' in html
    assert "登録情報から入力" in html
    assert BANNER in html  # what the script shows when the registry is down


def test_lookup_json(client: TestClient[Any], world: World, registry: FakeRegistry) -> None:
    log_in(client, "alice", PASSWORD)
    found = client.get("/lookup/registry", params={"name": "サンプル"})
    assert found.status_code == 200
    items = found.json()
    assert [i["label"] for i in items] == ["株式会社サンプル", "旧サンプル株式会社"]
    assert items[0]["values"] == {
        "name": "株式会社サンプル", "kana": "サンプル", "postal_code": "100-0005", "prefecture": "東京都",
        "address": "千代田区丸の内1丁目1-1", "corporate_number": NUMBER, "en_name": "Sample Co., Ltd.",
        "closed_on": "", "close_cause": "", "successor_corporate_number": "",
    }
    assert items[1]["closed"] is True
    assert {k: items[1]["values"][k] for k in ("closed_on", "close_cause", "successor_corporate_number")} == {
        "closed_on": "2023-03-31", "close_cause": "11", "successor_corporate_number": NUMBER}
    assert "閉鎖" in items[1]["detail"]
    bad = client.get("/lookup/registry", params={"number": "6010001008846"})
    assert bad.status_code == 422
    assert "number" in bad.json()["errors"]
    registry.down = True
    down = client.get("/lookup/registry", params={"number": NUMBER})
    assert down.status_code == 503
    assert BANNER in down.json()["detail"]
    client.cookies.clear()
    assert client.get("/lookup/registry", params={"number": NUMBER}, follow_redirects=False).status_code == 303


def test_compare_and_apply(
    client: TestClient[Any], world: World, registry: FakeRegistry, account: dict[str, Any]
) -> None:
    log_in(client, "alice", PASSWORD)
    detail = client.get(f"/accounts/{account['id']}").text
    assert f'href="/accounts/{account["id"]}/registry"' in detail

    path = f"/accounts/{account['id']}/registry"
    page = client.get(path)
    assert page.status_code == 200
    html = page.text
    assert _checkboxes(html) == {"name": True, "postal_code": True, "prefecture": True, "address": True,
                                 "en_name": True}
    assert '<tr data-field="en_name">' in html
    assert "Sample Co., Ltd." in html
    assert "拡張項目" not in html  # no more "define a custom field" hint
    assert 'name="version" value="1"' in html

    applied = client.post(path, data=form_data(client, path, version="1", fields=["name", "address"]),
                          follow_redirects=False)
    assert applied.status_code == 303, applied.text
    assert applied.headers["location"] == f"/accounts/{account['id']}"
    stored = client.get(f"/api/v1/accounts/{account['id']}", headers=auth(world, "alice")).json()
    assert (stored["name"], stored["address"], stored["postal_code"], stored["phone"], stored["version"]) == (
        "株式会社サンプル", "千代田区丸の内1丁目1-1", "", "03-1", 2)
    after = client.get(path).text
    assert _checkboxes(after) == {"postal_code": True, "prefecture": True, "en_name": True}

    stale = client.post(path, data=form_data(client, path, version="1", fields=["postal_code"]))
    assert stale.status_code == 409
    assert 'class="alert alert-error conflict"' in stale.text
    assert 'name="version" value="2"' in stale.text  # the page shows the fresh comparison to apply again
    nothing = client.post(path, data=form_data(client, path, version="2"))
    assert nothing.status_code == 422
    assert "反映する項目を選んでください" in nothing.text
    without_csrf = client.post(path, data={"version": "2", "fields": "postal_code"})
    assert without_csrf.status_code == 403


def test_closed_corporation_status_is_shown(client: TestClient[Any], world: World, registry: FakeRegistry) -> None:
    closed = post_json(client, auth(world, "alice"), "accounts", {"name": "旧サンプル株式会社",
                                                                   "corporate_number": CLOSED})
    log_in(client, "alice", PASSWORD)
    html = client.get(f"/accounts/{closed['id']}/registry").text
    status = re.search(r'<dd class="registry-status">(.*?)</dd>', html, re.S)
    assert status is not None
    assert "閉鎖" in status.group(1) and "2023-03-31" in status.group(1) and NUMBER in status.group(1)  # noqa: PT018
    assert _checkboxes(html) == {"kana": True, "postal_code": True, "prefecture": True, "address": True,
                                 "en_name": True, "closed_on": True, "close_cause": True,
                                 "successor_corporate_number": True}
    cause = re.search(r'<tr data-field="close_cause">.*?<td class="registry">(.*?)</td>', html, re.S)
    assert cause is not None and "合併による解散等" in cause.group(1)  # noqa: PT018

    path = f"/accounts/{closed['id']}/registry"
    applied = client.post(path, data=form_data(client, path, version="1", fields=[
        "closed_on", "close_cause", "successor_corporate_number"]), follow_redirects=False)
    assert applied.status_code == 303, applied.text
    stored = client.get(f"/api/v1/accounts/{closed['id']}", headers=auth(world, "alice")).json()
    assert (stored["closed_on"], stored["close_cause"], stored["successor_corporate_number"]) == (
        "2023-03-31", "11", NUMBER)
    detail = client.get(f"/accounts/{closed['id']}").text
    assert '<span class="badge closed"' in detail


def test_invisible_accounts_are_404(client: TestClient[Any], world: World, registry: FakeRegistry) -> None:
    world.add_user("carol")
    secret = post_json(client, auth(world, "carol"), "accounts",
                       {"name": "極秘商会", "corporate_number": NUMBER, "restriction": {}})
    log_in(client, "alice", PASSWORD)
    path = f"/accounts/{secret['id']}/registry"
    assert client.get(path).status_code == 404
    assert client.get("/accounts/not-a-uuid/registry").status_code == 404
    own = post_json(client, auth(world, "alice"), "accounts", {"name": "自社"})
    token_page = f"/accounts/{own['id']}/registry"
    assert client.post(path, data=form_data(client, token_page, version="1", fields="name")).status_code == 404
    assert registry.asked == []  # never asked about the hidden account


def test_registry_unavailable_banner(
    client: TestClient[Any], world: World, registry: FakeRegistry, account: dict[str, Any]
) -> None:
    registry.down = True
    log_in(client, "alice", PASSWORD)
    page = client.get(f"/accounts/{account['id']}/registry")
    assert page.status_code == 503
    assert BANNER in page.text
    assert "registry unreachable, enter manually" in page.text
    assert 'name="fields"' not in page.text


def test_light_users_see_but_cannot_apply(
    client: TestClient[Any], world: World, registry: FakeRegistry, account: dict[str, Any]
) -> None:
    log_in(client, "bob", LIGHT_PASSWORD)
    path = f"/accounts/{account['id']}/registry"
    page = client.get(path)
    assert page.status_code == 200
    boxes = re.findall(r'<input type="checkbox" name="fields"[^>]*>', page.text)
    assert boxes
    assert all(" disabled" in box for box in boxes)
    assert "選んだ項目を反映" not in page.text
    refused = client.post(path, data=form_data(client, path, version="1", fields="name"))
    assert refused.status_code == 403
