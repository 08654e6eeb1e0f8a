"""The session cookie: ``<tenant id hex>.<session secret>.<HMAC-SHA256 signature>``.

The signature (keyed with the settings' secret key) lets the server tell a cookie it issued
from a forged or altered one before touching the database; the session itself lives in the
database (``ResolveSession``), so logging out or changing a password ends it server-side.
"""

from __future__ import annotations

import hashlib
import hmac
from uuid import UUID

from attrs import frozen
from litestar.datastructures import Cookie

from dps.domain.shared.ids import TenantId

COOKIE_NAME = "dps_session"


class TamperedCookie(ValueError):
    """The cookie is malformed or its signature does not match."""

    def __init__(self, message: str, *, claimed_tenant: TenantId | None = None) -> None:
        super().__init__(message)
        self.claimed_tenant = claimed_tenant


@frozen
class SessionCookies:
    secret_key: str
    secure: bool

    def _sign(self, payload: str) -> str:
        return hmac.new(self.secret_key.encode(), payload.encode(), hashlib.sha256).hexdigest()

    def value(self, tenant_id: TenantId, session_secret: str) -> str:
        payload = f"{tenant_id.hex}.{session_secret}"
        return f"{payload}.{self._sign(payload)}"

    def parse(self, value: str) -> tuple[TenantId, str]:
        """(tenant id, session secret) of a cookie this server signed; TamperedCookie otherwise."""
        parts = value.split(".")
        claimed = _tenant_or_none(parts[0]) if parts else None
        if len(parts) != 3 or not parts[1] or claimed is None:
            raise TamperedCookie("malformed session cookie", claimed_tenant=claimed)
        expected = self._sign(f"{parts[0]}.{parts[1]}")
        if not hmac.compare_digest(expected.encode(), parts[2].encode()):
            raise TamperedCookie("bad session cookie signature", claimed_tenant=claimed)
        return claimed, parts[1]

    def cookie(self, tenant_id: TenantId, session_secret: str) -> Cookie:
        return Cookie(
            key=COOKIE_NAME, value=self.value(tenant_id, session_secret), path="/", httponly=True,
            samesite="lax", secure=self.secure,
        )

    def expired_cookie(self) -> Cookie:
        """A Set-Cookie that makes the browser forget the session cookie."""
        return Cookie(
            key=COOKIE_NAME, value="", path="/", httponly=True, samesite="lax", secure=self.secure, max_age=0,
            expires=0,
        )


def _tenant_or_none(raw: str) -> TenantId | None:
    if len(raw) != 32:
        return None
    try:
        return TenantId(UUID(hex=raw))
    except ValueError:
        return None
