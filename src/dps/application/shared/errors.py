"""Typed failures of use cases; entrypoints map them to HTTP statuses, exit codes and form messages."""

from __future__ import annotations

from collections.abc import Mapping

from dps.domain.shared.errors import DomainError


class ApplicationError(Exception):
    """Base of the errors a user can cause; never a bug."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ApplicationError):
    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"{what} '{key}' not found")
        self.what = what
        self.key = key


class Forbidden(ApplicationError):
    """The principal may not do this (licence, role or visibility)."""


class Unauthenticated(ApplicationError):
    """No valid credentials: wrong password, locked account, expired session, bad token."""


class ServiceUnavailable(ApplicationError):
    """A backing service (the database) cannot be reached; try again later. Not the user's fault."""


class Conflict(ApplicationError):
    """The record changed since it was read (optimistic lock) or a unique key is taken."""

    def __init__(self, message: str, *, current_version: int | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.current_version = current_version
        self.field = field


class Invalid(ApplicationError):
    """Input breaks a rule; `errors` maps each field to why."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)

    @classmethod
    def from_domain(cls, error: DomainError) -> Invalid:
        return cls({error.field or "_": error.message})

    @classmethod
    def field(cls, name: str, message: str) -> Invalid:
        return cls({name: message})


class domain_rules:  # noqa: N801 - used as a context manager, reads as prose
    """`with domain_rules():` turns a broken domain rule into `Invalid` for the caller."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if isinstance(exc, DomainError):
            raise Invalid.from_domain(exc) from exc
