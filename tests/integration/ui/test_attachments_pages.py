"""添付ファイル card on the record detail pages (HTML, no browser): upload (multipart, 303 back), the list
with download links, download (as a file, stored type, nosniff, safe name), delete; a too-large or refused
upload shows an error on the detail page (never a 500); another user's invisible file is 404; light users
get no controls and their posts are refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from attrs import evolve
from dependency_injector import providers
from litestar.testing import TestClient

import tests.integration.http.conftest as http_fixtures
from dps.bootstrap.container import Container
from tests.integration.http.conftest import LIGHT_PASSWORD, PASSWORD, World, csrf_token, log_in
from tests.integration.ui.screens import created

app_container = http_fixtures.app_container
client = http_fixtures.client
world = http_fixtures.world

LIMIT = 4096
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LINK = re.compile(r'<a class="attachment-link" href="/attachments/([0-9a-f-]{36})" download>([^<]*)</a>')


@pytest.fixture
def small_limit(app_container: Container) -> Iterator[None]:
    """Uploads above LIMIT bytes are refused (the use case's limit, from the sales deps)."""
    app_container.sales_deps.override(providers.Object(evolve(app_container.sales_deps(), max_upload_bytes=LIMIT)))
    yield
    app_container.sales_deps.reset_override()


def _auth(world: World, login: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.bearer(login)}"}


@pytest.fixture
def made(client: TestClient[Any], world: World, small_limit: None) -> dict[str, Any]:
    """Alice's account, an opportunity on it and a 非公開 opportunity only alice sees; carol is a full user."""
    world.add_user("carol")
    alice = _auth(world, "alice")
    account = created(client.post("/api/v1/accounts", headers=alice, json={"name": "東京商事"}))
    deal = created(client.post("/api/v1/opportunities", headers=alice, json={
        "name": "基幹システム更改", "account_id": account["id"], "stage_code": "10"}))
    secret = created(client.post("/api/v1/opportunities", headers=alice, json={
        "name": "極秘案件", "account_id": account["id"], "stage_code": "10", "restriction": {"users": []}}))
    return {"account": account, "deal": deal, "secret": secret}


def _upload(client: TestClient[Any], path: str, name: str, content: bytes, content_type: str = "application/pdf",
            ) -> Any:
    token = csrf_token(client, path)
    return client.post(f"{path}/attachments", data={"_csrf_token": token},
                       files={"file": (name, content, content_type)}, follow_redirects=False)


def _files(html: str) -> list[tuple[str, str]]:
    return LINK.findall(html)


def test_upload_list_download_and_delete_on_an_opportunity(
    client: TestClient[Any], world: World, made: dict[str, Any]
) -> None:
    log_in(client, "alice", PASSWORD)
    path = f"/opportunities/{made['deal']['id']}"

    answer = _upload(client, path, "見積書 <v2>.pdf", PDF)

    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"{path}#attachments"
    html = client.get(path).text
    files = _files(html)
    assert [name for _, name in files] == ["見積書 _v2_.pdf"]  # sanitised, escaped
    assert "Alice 太郎" in html[html.index('id="attachments"'):]  # who uploaded it
    assert 'enctype="multipart/form-data"' in html
    file_id = files[0][0]

    download = client.get(f"/attachments/{file_id}")
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-type"].startswith("application/pdf")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"] == (  # an ASCII fallback and the exact name, encoded
        "attachment; filename=\"___ _v2_.pdf\"; filename*=UTF-8''%E8%A6%8B%E7%A9%8D%E6%9B%B8%20_v2_.pdf")

    token = csrf_token(client, path)
    assert f'action="/attachments/{file_id}/delete"' in html
    assert "data-confirm=" in html
    deleted = client.post(f"/attachments/{file_id}/delete", data={
        "_csrf_token": token, "kind": "opportunities", "record_id": made["deal"]["id"]}, follow_redirects=False)
    assert deleted.status_code == 303
    assert deleted.headers["location"] == f"{path}#attachments"
    assert _files(client.get(path).text) == []
    assert client.get(f"/attachments/{file_id}").status_code == 404


def test_markup_is_served_as_a_plain_download(client: TestClient[Any], world: World, made: dict[str, Any]) -> None:
    log_in(client, "alice", PASSWORD)
    path = f"/accounts/{made['account']['id']}"

    assert _upload(client, path, "page.html", b"<html><script>alert(1)</script></html>", "text/html").status_code == 303

    (file_id, name), = _files(client.get(path).text)
    assert name == "page.html"
    download = client.get(f"/attachments/{file_id}")
    assert download.headers["content-type"].startswith("application/octet-stream")
    assert download.headers["content-disposition"].startswith("attachment;")


def test_a_too_large_or_refused_upload_shows_an_error_on_the_detail(
    client: TestClient[Any], world: World, made: dict[str, Any]
) -> None:
    log_in(client, "alice", PASSWORD)
    path = f"/opportunities/{made['deal']['id']}"

    big = _upload(client, path, "big.pdf", PDF + b"0" * LIMIT)
    assert big.status_code == 303
    assert big.headers["location"] == f"{path}?attachment_error=too_large#attachments"
    page = client.get(big.headers["location"])
    assert page.status_code == 200
    assert 'class="alert alert-error upload-error"' in page.text
    assert "ファイルが大きすぎます" in page.text
    assert _files(page.text) == []

    nameless = _upload(client, path, "...", PDF)
    assert nameless.status_code == 303
    assert nameless.headers["location"] == f"{path}?attachment_error=refused#attachments"
    assert "このファイルは登録できません" in client.get(nameless.headers["location"]).text

    unknown = client.get(f"{path}?attachment_error=<b>hi</b>").text
    assert "upload-error" not in unknown  # only known codes are shown


def test_another_users_invisible_attachment_is_404(
    client: TestClient[Any], world: World, made: dict[str, Any]
) -> None:
    log_in(client, "alice", PASSWORD)
    secret = f"/opportunities/{made['secret']['id']}"
    assert _upload(client, secret, "secret.pdf", PDF).status_code == 303
    (file_id, _), = _files(client.get(secret).text)

    with TestClient(client.app) as other:
        log_in(other, "carol", PASSWORD)
        assert other.get(f"/attachments/{file_id}").status_code == 404
        assert other.get("/attachments/not-a-uuid").status_code == 404
        token = csrf_token(other, "/")
        assert other.post(f"/attachments/{file_id}/delete", data={"_csrf_token": token},
                          follow_redirects=False).status_code == 404
        refused = other.post(f"{secret}/attachments", data={"_csrf_token": token},
                             files={"file": ("x.pdf", PDF, "application/pdf")}, follow_redirects=False)
        assert refused.status_code == 404
    assert client.get(f"/attachments/{file_id}").status_code == 200  # still there


def test_a_light_user_downloads_but_cannot_upload_or_delete(
    client: TestClient[Any], world: World, made: dict[str, Any]
) -> None:
    log_in(client, "alice", PASSWORD)
    path = f"/accounts/{made['account']['id']}"
    assert _upload(client, path, "会社概要.pdf", PDF).status_code == 303
    (file_id, _), = _files(client.get(path).text)

    with TestClient(client.app) as light:
        log_in(light, "bob", LIGHT_PASSWORD)
        html = light.get(path).text
        assert [name for _, name in _files(html)] == ["会社概要.pdf"]
        assert 'enctype="multipart/form-data"' not in html
        assert "/delete" not in html[html.index('id="attachments"'):]
        assert light.get(f"/attachments/{file_id}").status_code == 200
        token = csrf_token(light, path)
        assert light.post(f"{path}/attachments", data={"_csrf_token": token},
                          files={"file": ("x.pdf", PDF, "application/pdf")}, follow_redirects=False).status_code == 403
        assert light.post(f"/attachments/{file_id}/delete", data={"_csrf_token": token},
                          follow_redirects=False).status_code == 403
    assert client.get(f"/attachments/{file_id}").status_code == 200


@pytest.mark.parametrize("kind", ["persons", "activities"])
def test_every_detail_page_has_the_card(
    client: TestClient[Any], world: World, made: dict[str, Any], kind: str
) -> None:
    alice = _auth(world, "alice")
    body: dict[str, Any] = (
        {"account_id": made["account"]["id"], "last_name": "木村", "first_name": "一"} if kind == "persons"
        else {"kind_code": "visit", "subject": "初回訪問", "activity_date": "2026-01-05",
              "account_id": made["account"]["id"]})
    record = created(client.post(f"/api/v1/{kind}", headers=alice, json=body))
    log_in(client, "alice", PASSWORD)
    path = f"/{kind}/{record['id']}"

    assert _upload(client, path, "memo.txt", "議事録".encode(), "text/plain").status_code == 303

    (file_id, name), = _files(client.get(path).text)
    assert name == "memo.txt"
    assert client.get(f"/attachments/{file_id}").headers["content-type"].startswith("text/plain")
