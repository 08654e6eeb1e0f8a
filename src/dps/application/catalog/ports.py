"""Stores of the catalog / settings context."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import Protocol

from dps.application.shared.ports import UnitOfWork
from dps.domain.catalog.code_lists import CodeList
from dps.domain.catalog.custom_fields import CustomFieldDef, CustomFieldId, CustomFieldSchema


class CodeListRepository(Protocol):
    @abstractmethod
    def get(self, key: str) -> CodeList | None: ...
    @abstractmethod
    def list(self) -> Sequence[CodeList]: ...
    @abstractmethod
    def save(self, code_list: CodeList) -> None:
        """Write every value of the list (insert new, update changed); values are never deleted."""


class CustomFieldRepository(Protocol):
    """拡張項目 definitions per record kind."""

    @abstractmethod
    def schema_for(self, entity: str) -> CustomFieldSchema:
        """The active definitions of `entity` ('account', 'person', ...) with the code lists their
        choices come from; empty when none."""

    @abstractmethod
    def list(self, entity: str | None = None) -> Sequence[CustomFieldDef]:
        """Every definition (active or not) of `entity`, or of all entities, in display order."""

    @abstractmethod
    def get(self, field_id: CustomFieldId) -> CustomFieldDef | None: ...

    @abstractmethod
    def get_by_key(self, entity: str, key: str) -> CustomFieldDef | None: ...

    @abstractmethod
    def add(self, definition: CustomFieldDef) -> None:
        """Insert a new definition; Conflict when (entity, key) is taken."""

    @abstractmethod
    def update(self, definition: CustomFieldDef) -> None:
        """Save a changed definition if its `version` is still the stored one (then bump it);
        Conflict with the current version otherwise."""


class CatalogUnitOfWork(UnitOfWork, Protocol):
    @property
    def code_lists(self) -> CodeListRepository: ...
    @property
    def custom_fields(self) -> CustomFieldRepository: ...
