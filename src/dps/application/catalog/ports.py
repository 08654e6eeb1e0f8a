"""Stores of the catalog / settings context."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import Protocol

from dps.application.shared.ports import UnitOfWork
from dps.domain.catalog.code_lists import CodeList
from dps.domain.catalog.custom_fields import CustomFieldSchema


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
        """The active definitions of `entity` ('account', 'person', ...); empty when none."""


class CatalogUnitOfWork(UnitOfWork, Protocol):
    @property
    def code_lists(self) -> CodeListRepository: ...
    @property
    def custom_fields(self) -> CustomFieldRepository: ...
