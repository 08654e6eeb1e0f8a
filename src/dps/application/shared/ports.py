"""Ports every context shares: time, ids, password hashing, audit logs, transactions."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self
from uuid import UUID


class Clock(Protocol):
    @abstractmethod
    def now(self) -> datetime:
        """The current instant, timezone-aware in UTC."""


class IdFactory(Protocol):
    @abstractmethod
    def new_id(self) -> UUID:
        """A fresh time-ordered UUID (v7)."""


class PasswordHasher(Protocol):
    """Memory-hard hashing of user passwords (argon2id in production)."""

    @abstractmethod
    def hash(self, password: str) -> str: ...

    @abstractmethod
    def verify(self, password_hash: str, password: str) -> bool: ...

    @abstractmethod
    def needs_rehash(self, password_hash: str) -> bool: ...


class AuditLog(Protocol):
    """Writes the security and master-data-change logs of the acting tenant (spec 3.4)."""

    @abstractmethod
    def security(self, event: str, **fields: Any) -> None:
        """A login, failure, lockout, permission denial or credential change."""

    @abstractmethod
    def master_change(
        self,
        *,
        entity: str,
        record_id: UUID | str,
        action: str,
        actor: str,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
    ) -> None:
        """Who changed which master record, with its state before and after."""

    @abstractmethod
    def application(self, event: str, **fields: Any) -> None:
        """A business event worth keeping (batch results, refreshes)."""


class UnitOfWork(Protocol):
    """One business transaction bound to one tenant. Nothing persists without `commit()`."""

    @abstractmethod
    def __enter__(self) -> Self: ...

    @abstractmethod
    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    @abstractmethod
    def commit(self) -> None: ...
