"""The signed session cookie and the local-redirect rule, without a server."""

from __future__ import annotations

import uuid

import pytest

from dps.domain.shared.ids import TenantId
from dps.entrypoints.http.sessions import SessionCookies, TamperedCookie
from dps.entrypoints.http.ui.pages import local_path

TENANT = TenantId(uuid.UUID("0190f0c4-1111-7222-8333-444455556666"))


def test_a_signed_cookie_round_trips() -> None:
    cookies = SessionCookies(secret_key="k" * 32, secure=False)
    value = cookies.value(TENANT, "s3cret-Value_1")
    assert value.startswith(f"{TENANT.hex}.s3cret-Value_1.")
    assert cookies.parse(value) == (TENANT, "s3cret-Value_1")


@pytest.mark.parametrize("mutate", [
    lambda v: v[:-1] + ("0" if v[-1] != "0" else "1"),        # signature
    lambda v: v.replace("s3cret", "s3creT"),                   # secret
    lambda v: "0" * 32 + v[32:],                               # tenant
    lambda v: v.rsplit(".", 1)[0],                             # no signature
    lambda v: "garbage",
    lambda v: "",
])
def test_any_change_is_detected(mutate: object) -> None:
    cookies = SessionCookies(secret_key="k" * 32, secure=False)
    value = cookies.value(TENANT, "s3cret-Value_1")
    with pytest.raises(TamperedCookie):
        cookies.parse(mutate(value))  # type: ignore[operator]


def test_another_key_does_not_verify() -> None:
    value = SessionCookies(secret_key="a" * 32, secure=False).value(TENANT, "x1")
    with pytest.raises(TamperedCookie) as e:
        SessionCookies(secret_key="b" * 32, secure=False).parse(value)
    assert e.value.claimed_tenant == TENANT


def test_secure_flag_follows_the_settings() -> None:
    header = SessionCookies(secret_key="k" * 32, secure=True).cookie(TENANT, "x1").to_header(header="")
    assert "Secure" in header
    assert "HttpOnly" in header
    assert "samesite=lax" in header.lower()


@pytest.mark.parametrize(("candidate", "expected"), [
    ("/account/password", "/account/password"),
    ("/search?q=a&b=c", "/search?q=a&b=c"),
    ("//evil.example", "/"),
    ("/\\evil.example", "/"),
    ("https://evil.example/", "/"),
    ("javascript:alert(1)", "/"),
    ("/ok\r\nSet-Cookie: x=1", "/"),
    ("", "/"),
    (None, "/"),
])
def test_only_local_paths_are_redirect_targets(candidate: str | None, expected: str) -> None:
    assert local_path(candidate) == expected
