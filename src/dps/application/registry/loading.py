"""What `dps registry load|update` needs from the offline registry: stream the NTA's bulk files (全件データ)
and daily diff files (差分データ) into the local table, reporting bytes read for a progress bar."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from attrs import frozen

from dps.application.registry.ports import CorporateRegistry

Progress = Callable[[int], None]
"""Called with the number of bytes read since the previous call."""


@frozen
class LoadSummary:
    """What one load or update did. `updated` counts existing rows whose values changed (an identical
    reload updates nothing); `skipped` counts change-history rows (latest=0) and, with `skip_bad`,
    malformed lines, whose messages (with file and line number) are in `bad_lines` (the first 20)."""

    files: int = 0
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    skipped: int = 0
    bad: int = 0
    bad_lines: tuple[str, ...] = ()


class RegistryLoader(Protocol):
    @abstractmethod
    def load(self, files: Sequence[Path], progress: Progress | None = None, *,
             skip_bad: bool = False) -> LoadSummary:
        """Insert or update every latest record of the files (a reload is idempotent), in one
        transaction; a malformed line aborts it with the file and line number unless `skip_bad`."""

    @abstractmethod
    def apply_diff(self, files: Sequence[Path], progress: Progress | None = None, *,
                   skip_bad: bool = False) -> LoadSummary:
        """Apply daily diff files in order: new, changed, closed and merged records are written,
        process=99 rows delete theirs; for a number seen several times the last row wins."""


class OfflineRegistryPort(CorporateRegistry, RegistryLoader, Protocol):
    """The offline registry as `dps registry` uses it: read it and load it."""
