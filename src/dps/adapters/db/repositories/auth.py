"""SQL repositories for web sessions and API tokens."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.tables.auth import api_tokens, web_sessions
from dps.adapters.db.tables.tenancy import tenants
from dps.application.auth.ports import ApiTokenRepository, SessionRepository
from dps.domain.auth.sessions import ApiToken, WebSession
from dps.domain.shared.ids import ApiTokenId, UserId

# Built once: every request checks its session or token, and building a statement costs more than running it.
_SESSION = sa.select(web_sessions).where(
    web_sessions.c.tenant_id == sa.bindparam("tenant_id"), web_sessions.c.key_hash == sa.bindparam("key_hash")
)
_TOKEN = sa.select(api_tokens).where(
    api_tokens.c.tenant_id == sa.bindparam("tenant_id"), api_tokens.c.id == sa.bindparam("token_id")
)


class SqlSessionRepository(TenantScoped, SessionRepository):
    def add(self, session: WebSession) -> None:
        self._conn.execute(web_sessions.insert().values(
            tenant_id=self._tenant, key_hash=session.key_hash, user_id=session.user_id,
            created_at=session.created_at, expires_at=session.expires_at, last_seen_at=session.last_seen_at,
            idle_seconds=int(session.idle_timeout.total_seconds()),
        ))

    def get(self, key_hash: str) -> WebSession | None:
        r = self._conn.execute(_SESSION, {"tenant_id": self._tenant, "key_hash": key_hash}).first()
        if r is None:
            return None
        return WebSession(
            key_hash=r.key_hash, tenant_id=r.tenant_id, user_id=r.user_id, created_at=r.created_at,
            expires_at=r.expires_at, last_seen_at=r.last_seen_at, idle_timeout=timedelta(seconds=r.idle_seconds),
        )

    def touch(self, session: WebSession) -> None:
        self._conn.execute(
            web_sessions.update()
            .where(web_sessions.c.tenant_id == self._tenant, web_sessions.c.key_hash == session.key_hash)
            .values(last_seen_at=session.last_seen_at)
        )

    def delete(self, key_hash: str) -> None:
        self._conn.execute(
            web_sessions.delete().where(web_sessions.c.tenant_id == self._tenant, web_sessions.c.key_hash == key_hash)
        )

    def delete_for_user(self, user_id: UserId, *, except_key_hash: str | None = None) -> int:
        q = web_sessions.delete().where(web_sessions.c.tenant_id == self._tenant, web_sessions.c.user_id == user_id)
        if except_key_hash is not None:
            q = q.where(web_sessions.c.key_hash != except_key_hash)
        return int(self._conn.execute(q).rowcount)


def _token(r: Any) -> ApiToken:
    return ApiToken(
        id=r.id, user_id=r.user_id, name=r.name, secret_hash=r.secret_hash, created_at=r.created_at,
        last_used_at=r.last_used_at, revoked_at=r.revoked_at,
    )


_TOKEN_COLUMNS = [c.label(f"token_{c.name}") for c in api_tokens.c if c.name != "tenant_id"]
TENANT_WITH_TOKEN = (
    sa.select(tenants, *_TOKEN_COLUMNS)
    .outerjoin(api_tokens, sa.and_(api_tokens.c.tenant_id == tenants.c.id,
                                   api_tokens.c.id == sa.bindparam("token_id")))
    .where(tenants.c.id == sa.bindparam("tenant_id"))
)
"""The tenant row with one of its tokens (token_* columns NULL when there is no such token)."""


def token_of(r: Any) -> ApiToken | None:
    """The token part of a `TENANT_WITH_TOKEN` row."""
    if r.token_id is None:
        return None
    return ApiToken(
        id=r.token_id, user_id=r.token_user_id, name=r.token_name, secret_hash=r.token_secret_hash,
        created_at=r.token_created_at, last_used_at=r.token_last_used_at, revoked_at=r.token_revoked_at,
    )


class SqlApiTokenRepository(TenantScoped, ApiTokenRepository):
    def add(self, token: ApiToken) -> None:
        self._insert(api_tokens, {
            "id": token.id, "user_id": token.user_id, "name": token.name, "secret_hash": token.secret_hash,
            "created_at": token.created_at, "last_used_at": token.last_used_at, "revoked_at": token.revoked_at,
        }, what="API token")

    def get(self, token_id: ApiTokenId) -> ApiToken | None:
        r = self._conn.execute(_TOKEN, {"tenant_id": self._tenant, "token_id": token_id}).first()
        return _token(r) if r else None

    def for_user(self, user_id: UserId) -> Sequence[ApiToken]:
        q = self._select(api_tokens, api_tokens.c.user_id == user_id).order_by(api_tokens.c.created_at)
        return [_token(r) for r in self._conn.execute(q)]

    def update(self, token: ApiToken) -> None:
        self._conn.execute(
            api_tokens.update()
            .where(api_tokens.c.tenant_id == self._tenant, api_tokens.c.id == token.id)
            .values(name=token.name, last_used_at=token.last_used_at, revoked_at=token.revoked_at)
        )
