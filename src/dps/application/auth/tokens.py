"""Per-user API tokens for `Authorization: Bearer` access to the JSON API."""

from __future__ import annotations

import hmac
import secrets
from uuid import UUID

from attrs import frozen

from dps.application.auth.deps import AuthDeps, CheckedToken
from dps.application.auth.login import secret_hash
from dps.application.auth.principals import active_principal, principal_for
from dps.application.shared.errors import NotFound, Unauthenticated
from dps.application.shared.guards import ensure_admin
from dps.application.shared.request_reads import current_reads
from dps.application.shared.time import today_in
from dps.domain.auth.sessions import ApiToken
from dps.domain.shared.ids import ApiTokenId, TenantId
from dps.domain.shared.principal import Principal

PREFIX = "dps"


@frozen
class IssuedToken:
    token: ApiToken
    bearer: str
    """Shown once; only its hash is stored."""


def _parse(bearer: str) -> tuple[TenantId, ApiTokenId, str]:
    parts = bearer.strip().split(".")
    if len(parts) != 4 or parts[0] != PREFIX:
        raise Unauthenticated("malformed API token")
    try:
        return TenantId(UUID(hex=parts[1])), ApiTokenId(UUID(hex=parts[2])), parts[3]
    except ValueError as e:
        raise Unauthenticated("malformed API token") from e


class IssueApiToken:
    """Issue a bearer token for the acting user (light users too: they read through the API)."""

    def __init__(self, deps: AuthDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, name: str = "api") -> IssuedToken:
        secret = secrets.token_urlsafe(32)
        token = ApiToken(
            id=ApiTokenId(self._d.ids.new_id()), user_id=principal.user_id, name=name.strip() or "api",
            secret_hash=secret_hash(secret), created_at=self._d.clock.now(),
        )
        with self._d.uow(principal.tenant_id) as uow:
            uow.api_tokens.add(token)
            uow.commit()
        self._d.audit.security("api_token.issued", user=principal.login_id, token_id=str(token.id))
        bearer = f"{PREFIX}.{principal.tenant_id.hex}.{token.id.hex}.{secret}"
        return IssuedToken(token=token, bearer=bearer)


class ResolveApiToken:
    """The principal behind a bearer token; Unauthenticated when unknown, revoked or its user inactive.

    One connection, and on the usual path one indexed read of the tenant row with the token row (active?
    which directory version? revoked? secret). The principal comes from the process memo while the
    directory version is unchanged (revoking a token and deactivating a user bump it too). Where the
    database tells of directory changes (`AuthDeps.freshness`, PostgreSQL), a token found valid is
    remembered and `cached` answers later requests with no database work until its tenant's directory
    changes (ADR 23).
    """

    def __init__(self, deps: AuthDeps) -> None:
        self._d = deps

    def __call__(self, bearer: str) -> Principal:
        tenant_id, token_id, secret = _parse(bearer)
        keep = self._d.checked_tokens
        stamp = self._d.freshness.stamp(tenant_id) if self._d.freshness is not None and keep is not None else None
        with self._d.reading(tenant_id) as uow:
            try:
                tenant, token = uow.tenant_with_api_token(token_id)
            except NotFound:
                raise Unauthenticated("unknown API token") from None
            if not tenant.is_active:
                raise Unauthenticated("unknown API token")
            if token is None or token.is_revoked or not hmac.compare_digest(token.secret_hash, secret_hash(secret)):
                raise Unauthenticated("unknown API token")
            principal = active_principal(uow, tenant, token.user_id, self._d.clock)
            if principal is None:
                raise Unauthenticated("the token's user is no longer active")
        if stamp is not None and keep is not None:
            keep.put(token_id, CheckedToken(stamp=stamp, tenant=tenant, secret_hash=token.secret_hash,
                                            principal=principal, day=today_in(self._d.clock, principal.time_zone)))
        return principal

    def cached(self, bearer: str) -> Principal | None:
        """The principal of a token found valid before, if nothing of its tenant's directory (users,
        memberships, tokens, the tenant row) changed since and its day is today; no database work, so a
        request can skip a worker thread. None: check it against the database (`__call__`), which also
        names what is wrong with a bad one. The tenant row read with the token serves the request's
        read-only units of work (`request_reads`)."""
        keep, fresh = self._d.checked_tokens, self._d.freshness
        if keep is None or fresh is None:
            return None
        try:
            tenant_id, token_id, secret = _parse(bearer)
        except Unauthenticated:
            return None
        hit = keep.get(token_id)
        if hit is None or hit.tenant.id != tenant_id or not fresh.holds(hit.stamp, tenant_id):
            return None
        if not hmac.compare_digest(hit.secret_hash, secret_hash(secret)):
            return None
        if hit.day != today_in(self._d.clock, hit.principal.time_zone):
            return None
        if (reads := current_reads()) is not None:
            reads.tenants.setdefault(tenant_id, hit.tenant)
        return hit.principal


class RevokeApiToken:
    def __init__(self, deps: AuthDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, token_id: ApiTokenId) -> None:
        with self._d.uow(principal.tenant_id) as uow:
            token = uow.api_tokens.get(token_id)
            if token is None or token.user_id != principal.user_id:
                raise Unauthenticated("unknown API token")
            token.revoked_at = self._d.clock.now()
            uow.api_tokens.update(token)
            uow.commit()
        self._d.audit.security("api_token.revoked", user=principal.login_id, token_id=str(token_id))


class IssueApiTokenForUser:
    """An administrator (or an operator through the CLI) issues a token in a user's name."""

    def __init__(self, deps: AuthDeps) -> None:
        self._d = deps
        self._issue = IssueApiToken(deps)

    def __call__(self, principal: Principal, login_id: str, name: str = "api") -> IssuedToken:
        ensure_admin(principal, self._d.audit, "api_token.issue_for_user")
        with self._d.uow(principal.tenant_id) as uow:
            user = uow.users.get_by_login(login_id)
            if user is None or not user.is_active:
                raise NotFound("user", login_id)
            owner = principal_for(uow, principal.tenant_id, user, today_in(self._d.clock, user.time_zone))
        return self._issue(owner, name)
