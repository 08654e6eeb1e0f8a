"""Per-user API tokens for `Authorization: Bearer` access to the JSON API."""

from __future__ import annotations

import hmac
import secrets
from uuid import UUID

from attrs import frozen

from dps.application.auth.deps import AuthDeps
from dps.application.auth.login import secret_hash
from dps.application.auth.principals import active_principal, principal_for
from dps.application.shared.errors import NotFound, Unauthenticated
from dps.application.shared.guards import ensure_admin
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

    One connection, and on the usual path two indexed reads: the tenant row (active? which directory
    version?) and the token row (revoked? secret). The token is checked against the database on every
    request, not memoised: revoking it takes effect at once whatever path revoked it. The principal
    comes from the process memo while the directory version is unchanged (revoking a token and
    deactivating a user bump it too).
    """

    def __init__(self, deps: AuthDeps) -> None:
        self._d = deps

    def __call__(self, bearer: str) -> Principal:
        tenant_id, token_id, secret = _parse(bearer)
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
            return principal


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
