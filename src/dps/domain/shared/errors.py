"""The base of every rule violation the domain raises."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule was broken; `field` names the input it concerns, when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
