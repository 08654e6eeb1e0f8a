"""What the TestClient page tests share: API headers, making records through the JSON API (so through
the use cases), a form's fields with its CSRF token, and reading a list page's count and names."""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import TestClient

from tests.integration.http.conftest import World, csrf_token

COUNT = re.compile(r'<span class="count" data-count="(\d+)">')


def auth(world: World, login: str) -> dict[str, str]:
    """Headers for the JSON API as `login`."""
    return {"Authorization": f"Bearer {world.bearer(login)}"}


def post_json(client: TestClient[Any], headers: dict[str, str], path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST /api/v1/<path>; the record made (201 expected)."""
    response = client.post(f"/api/v1/{path}", headers=headers, json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def count_of(html: str) -> int:
    """The list's count line (件)."""
    match = COUNT.search(html)
    assert match, "no count on the page"
    return int(match.group(1))


def form_data(client: TestClient[Any], path: str, **fields: Any) -> dict[str, Any]:
    """`fields` with the CSRF token a GET of `path` hands out."""
    return {"_csrf_token": csrf_token(client, path), **fields}


def record_names(html: str, family: str) -> list[str]:
    """The names of the rows a list page links to, in order."""
    return re.findall(rf'<a class="record-link" href="/{family}/[0-9a-f-]+">([^<]+)</a>', html)
