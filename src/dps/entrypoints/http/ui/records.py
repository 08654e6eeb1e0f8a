"""レコード画面 / record pages: the read-only page behind every sales record's ``url``.

Each handler calls the record's get use case, so visibility is the use case's: a record the user
may not see, an unknown id and a malformed id are all the same 404 page (never a 403).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from uuid import UUID

from litestar import Request
from litestar.exceptions import NotFoundException
from litestar.response import Template

from dps.application.catalog.code_lists import ListCodeLists
from dps.application.shared.errors import NotFound
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.ui.code_choices import code_labels_of, code_lists_by_key
from dps.entrypoints.http.ui.formats import Formats
from dps.entrypoints.http.ui.pages import page


@contextmanager
def not_found_page() -> Iterator[None]:
    """The use case's NotFound as the standard 404 page ("ページが見つかりません"), the id not echoed."""
    try:
        yield
    except NotFound:
        raise NotFoundException() from None


def record_id(kind: str, raw: str) -> UUID:
    """The id in the path; anything that is not a UUID is simply a record that does not exist (404)."""
    try:
        return UUID(raw)
    except ValueError:
        raise NotFound(kind, raw) from None


def local_time(principal: Principal) -> Callable[[datetime | None], str]:
    """A formatter showing instants in the user's time zone (the tenant default when it is unknown),
    as ui.md wants them: 2026/11/25 (水) 14:30."""
    return Formats(principal.locale, principal.time_zone).datetime


def code_labels(principal: Principal, list_code_lists: ListCodeLists) -> dict[str, dict[str, str]]:
    """code list key -> code -> 日本語ラベル, for showing codes by their label."""
    return code_labels_of(code_lists_by_key(principal, list_code_lists))


def record_page(
    request: Request[Any, Any, Any],
    principal: Principal,
    list_code_lists: ListCodeLists,
    template: str,
    context: Mapping[str, Any],
) -> Template:
    """A record template with what every record page needs: code labels, the local-time formatter, who I am."""
    return page(request, f"records/{template}", context={
        "labels": code_labels(principal, list_code_lists),
        "local_time": local_time(principal),
        "me": principal.user_id,
        **context,
    })
