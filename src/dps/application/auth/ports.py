"""Stores of web sessions and API tokens."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import Protocol

from dps.application.directory.ports import DirectoryUnitOfWork
from dps.domain.auth.sessions import ApiToken, WebSession
from dps.domain.shared.ids import ApiTokenId, UserId
from dps.domain.tenancy.tenants import Tenant


class SessionRepository(Protocol):
    @abstractmethod
    def add(self, session: WebSession) -> None: ...
    @abstractmethod
    def get(self, key_hash: str) -> WebSession | None: ...
    @abstractmethod
    def touch(self, session: WebSession) -> None: ...
    @abstractmethod
    def delete(self, key_hash: str) -> None: ...
    @abstractmethod
    def delete_for_user(self, user_id: UserId, *, except_key_hash: str | None = None) -> int: ...


class ApiTokenRepository(Protocol):
    @abstractmethod
    def add(self, token: ApiToken) -> None: ...
    @abstractmethod
    def get(self, token_id: ApiTokenId) -> ApiToken | None: ...
    @abstractmethod
    def for_user(self, user_id: UserId) -> Sequence[ApiToken]: ...
    @abstractmethod
    def update(self, token: ApiToken) -> None: ...


class AuthUnitOfWork(DirectoryUnitOfWork, Protocol):
    @property
    def sessions(self) -> SessionRepository: ...
    @property
    def api_tokens(self) -> ApiTokenRepository: ...

    @abstractmethod
    def tenant_with_api_token(self, token_id: ApiTokenId) -> tuple[Tenant, ApiToken | None]:
        """`tenant()` (NotFound without one) and one of its API tokens, read together: the first read of
        every bearer request, so one round trip instead of two."""
