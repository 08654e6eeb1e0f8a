"""アカウント / account: change one's password, issue an API token for oneself."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from dps.application.auth.login import ChangePassword
from dps.application.auth.tokens import IssueApiToken
from dps.application.directory.users import ChangeMyPreferences
from dps.application.shared.errors import Invalid
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.context import request_info
from dps.entrypoints.http.ui.pages import page

PASSWORD_TEMPLATE = "account_password.html"  # noqa: S105 - a template name
TOKENS_TEMPLATE = "account_tokens.html"


class PasswordForm(msgspec.Struct):
    current_password: str = ""
    new_password: str = ""
    confirm_password: str = ""


class TokenForm(msgspec.Struct):
    name: str = ""


@get("/account/password", include_in_schema=False, sync_to_thread=False)
def password_page(request: Request[Any, Any, Any], principal: Principal) -> Template:
    return page(request, PASSWORD_TEMPLATE, context={"form": {}, "errors": {}})


@post("/account/password", include_in_schema=False, sync_to_thread=True, opt={"form_template": PASSWORD_TEMPLATE})
def password_submit(
    request: Request[Any, Any, Any],
    principal: Principal,
    data: Annotated[PasswordForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    change_password: ChangePassword,
) -> Template:
    """Errors go under the fields (see errors.py); this session stays, every other one ends."""
    if data.new_password != data.confirm_password:
        raise Invalid.field("confirm_password", "確認用のパスワードが一致しません / the passwords do not match")
    session = request_info(request.scope).session
    change_password(
        principal, data.current_password, data.new_password,
        keep_session_secret=session.secret if session else None,
    )
    return page(request, PASSWORD_TEMPLATE, context={
        "form": {}, "errors": {}, "done": "パスワードを変更しました / your password has been changed",
    })


@get("/account/tokens", include_in_schema=False, sync_to_thread=False)
def tokens_page(request: Request[Any, Any, Any], principal: Principal) -> Template:
    return page(request, TOKENS_TEMPLATE, context={"form": {}, "errors": {}, "bearer": None})


@post("/account/tokens", include_in_schema=False, sync_to_thread=True, opt={"form_template": TOKENS_TEMPLATE})
def tokens_submit(
    request: Request[Any, Any, Any],
    principal: Principal,
    data: Annotated[TokenForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    issue_api_token: IssueApiToken,
) -> Template:
    """The bearer is shown on this response only; the server keeps its hash."""
    issued = issue_api_token(principal, data.name)
    return page(request, TOKENS_TEMPLATE, context={
        "form": {}, "errors": {}, "bearer": issued.bearer, "token_name": issued.token.name,
    })


PREFERENCES_TEMPLATE = "account_preferences.html"
TIME_ZONES = ("Asia/Tokyo", "Asia/Seoul", "Asia/Shanghai", "Asia/Singapore", "Asia/Bangkok", "Asia/Kolkata",
              "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "UTC")
"""Offered in the form; any tz database name is accepted."""


class PreferencesForm(msgspec.Struct):
    locale: str = "ja"
    time_zone: str = "Asia/Tokyo"


def _preferences_context(principal: Principal, form: dict[str, str], done: str = "") -> dict[str, Any]:
    zones = list(TIME_ZONES) if principal.time_zone in TIME_ZONES else [principal.time_zone, *TIME_ZONES]
    return {"form": form, "errors": {}, "time_zones": zones, "done": done}


@get("/account/preferences", include_in_schema=False, sync_to_thread=False)
def preferences_page(request: Request[Any, Any, Any], principal: Principal, saved: str = "") -> Template:
    form = {"locale": principal.locale, "time_zone": principal.time_zone}
    done = "保存しました / Saved" if saved else ""
    return page(request, PREFERENCES_TEMPLATE, context=_preferences_context(principal, form, done))


@post("/account/preferences", include_in_schema=False, sync_to_thread=True,
      opt={"form_template": PREFERENCES_TEMPLATE})
def preferences_submit(
    request: Request[Any, Any, Any],
    principal: Principal,
    data: Annotated[PreferencesForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    change_my_preferences: ChangeMyPreferences,
) -> Redirect:
    """表示言語とタイムゾーン: saved, then the page again in the new language (PRG)."""
    change_my_preferences(principal, locale=data.locale, time_zone=data.time_zone.strip())
    return Redirect("/account/preferences?saved=1", status_code=303)
