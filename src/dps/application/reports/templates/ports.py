"""What the template use cases need: the engine that reads and fills .xlsx templates (an adapter that
works on the file's parts, never loading the workbook as objects) and the store of template rows."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Collection, Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol, runtime_checkable
from uuid import UUID

from attrs import frozen

from dps.application.reports.tables import ReportTable
from dps.application.reports.templates.placeholders import PlaceholderAt, Problem
from dps.domain.shared.ids import UserId


@frozen
class TemplateScan:
    """What a template holds: its placeholders by cell, and every problem found (empty: usable)."""

    placeholders: tuple[PlaceholderAt, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@runtime_checkable
class ReportTemplateEngine(Protocol):
    """Runtime-checkable: litestar checks the instance it injects into handlers against this type."""

    @abstractmethod
    def check(self, path: Path, column_keys: Collection[str] | None = None) -> TemplateScan:
        """Read the template at `path`: not an xlsx, a malformed or misplaced placeholder (in a merged
        cell, row placeholders on two sheets or in rows that are not contiguous), too large; with
        `column_keys`, also `row.` / `total.` keys that are not among them. Never raises for a bad file."""

    @abstractmethod
    def fill(self, template: Path, table: ReportTable, out: Path, *, generated_at: datetime) -> None:
        """Write `template` filled with `table` to `out`, streaming the rows; every part of the workbook
        but the filled sheets (and the references that move) is copied unchanged. `generated_at` is
        shown as it is (a naive local time). Raises `Invalid` (with cell addresses) for a broken template."""


@frozen
class ReportTemplate:
    """An uploaded template: its bytes in the file store under `storage_key`, its placeholders as
    found at upload. `kind`: the report kind it was checked against (None: any kind)."""

    id: UUID
    name: str
    kind: str | None
    file_name: str
    size_bytes: int
    sha256: str
    storage_key: str
    placeholders: tuple[PlaceholderAt, ...]
    owner_id: UserId | None
    created_at: datetime
    updated_at: datetime
    version: int = 1


class ReportTemplateRepository(Protocol):
    @abstractmethod
    def add(self, template: ReportTemplate) -> None:
        """Raises Conflict when the name is taken in the tenant."""

    @abstractmethod
    def get(self, template_id: UUID) -> ReportTemplate | None: ...

    @abstractmethod
    def get_by_name(self, name: str) -> ReportTemplate | None: ...

    @abstractmethod
    def list(self) -> Sequence[ReportTemplate]:
        """By name."""

    @abstractmethod
    def is_used(self, template_id: UUID) -> bool:
        """True while a report definition names the template."""

    @abstractmethod
    def delete(self, template_id: UUID) -> bool: ...
