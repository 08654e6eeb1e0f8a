"""Stores of the catalog / settings context."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import Protocol

from dps.application.shared.ports import UnitOfWork
from dps.domain.catalog.code_lists import CodeList


class CodeListRepository(Protocol):
    @abstractmethod
    def get(self, key: str) -> CodeList | None: ...
    @abstractmethod
    def list(self) -> Sequence[CodeList]: ...
    @abstractmethod
    def save(self, code_list: CodeList) -> None:
        """Write every value of the list (insert new, update changed); values are never deleted."""


class CatalogUnitOfWork(UnitOfWork, Protocol):
    @property
    def code_lists(self) -> CodeListRepository: ...
