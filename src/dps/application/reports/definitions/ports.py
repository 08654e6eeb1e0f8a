"""The store of report definitions. Reads for a user go through the use rule compiled to SQL
(`usable`), so a list never loads definitions the user may not use."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import Protocol
from uuid import UUID

from attrs import frozen

from dps.domain.reports.definitions import DefinitionUser, ReportDefinition


@frozen
class DefinitionView:
    """A definition with its owner's login id and name, for lists and screens."""

    definition: ReportDefinition
    owner_login: str = ""
    owner_name: str = ""
    may_change: bool = False
    """Whether the user it was read for may edit and delete it (owner, administrator)."""


class ReportDefinitionRepository(Protocol):
    @abstractmethod
    def get(self, definition_id: UUID) -> ReportDefinition | None:
        """The definition (with its shares) whoever may use it; the caller applies the use rule."""

    @abstractmethod
    def usable(self, user: DefinitionUser, *, kind: str | None = None, name: str | None = None
               ) -> Sequence[DefinitionView]:
        """The definitions `user` may use (one statement plus one for the shares), by name;
        `kind` / `name` narrow them to one kind / one exact name."""

    @abstractmethod
    def view(self, definition_id: UUID) -> DefinitionView | None:
        """`get` with the owner's labels."""

    @abstractmethod
    def name_taken(self, name: str, *, other_than: UUID | None = None) -> bool: ...

    @abstractmethod
    def template_exists(self, template_id: UUID) -> bool: ...

    @abstractmethod
    def add(self, definition: ReportDefinition) -> None:
        """Insert with its shares; Conflict (field name) when the name is taken."""

    @abstractmethod
    def update(self, definition: ReportDefinition) -> int:
        """Save and replace the shares if `definition.version` is still the stored one; returns the
        new version. Conflict (with the current version) on a stale one, or when the name is taken."""

    @abstractmethod
    def delete(self, definition_id: UUID) -> None: ...
