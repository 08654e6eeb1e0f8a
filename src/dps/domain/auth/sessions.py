"""Web sessions and API tokens: what a login hands out and how long it lasts."""

from __future__ import annotations

from datetime import datetime, timedelta

from attrs import define

from dps.domain.shared.ids import ApiTokenId, TenantId, UserId


@define(eq=False)
class WebSession:
    """A server-side session; `key_hash` is the SHA-256 of the secret the cookie carries."""

    key_hash: str
    tenant_id: TenantId
    user_id: UserId
    created_at: datetime
    expires_at: datetime
    last_seen_at: datetime
    idle_timeout: timedelta

    def is_alive(self, now: datetime) -> bool:
        return now < self.expires_at and now < self.last_seen_at + self.idle_timeout

    def touch(self, now: datetime) -> bool:
        """Record activity; returns True when it is worth writing (at most once a minute)."""
        if now - self.last_seen_at >= timedelta(minutes=1):
            self.last_seen_at = now
            return True
        return False


@define(eq=False)
class ApiToken:
    """A per-user bearer token; only the hash of its secret is kept."""

    id: ApiTokenId
    user_id: UserId
    name: str
    secret_hash: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
