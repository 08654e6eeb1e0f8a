"""What the transfer use cases need from the outside: a source of rows (an xlsx sheet or a CSV file,
read streaming) and sinks that write rows (an export, a template, an error workbook)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from attrs import frozen

from dps.application.transfer.schema import SheetSchema


@frozen
class SourceRow:
    """One data row: its row number in the file (1-based, as a spreadsheet shows it) and its cells in
    the order of `RowSource.columns` (None for an empty cell)."""

    number: int
    cells: tuple[Any, ...]


class UnreadableFile(Exception):
    """Not a workbook / not a CSV of a known encoding / password-protected / corrupt / too large:
    `reason` says which, for the operator."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@frozen
class HeaderProblem:
    """What is wrong with a sheet's header row: required columns (keys) not found, header texts that
    name no column of the schema (a renamed or foreign column), and columns named twice."""

    missing: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    duplicate: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.missing or self.unknown or self.duplicate)

    def message(self) -> str:
        parts = []
        if self.missing:
            parts.append(f"必須の列がありません / required columns missing: {', '.join(self.missing)}")
        if self.unknown:
            parts.append(f"不明な列があります / unknown columns: {', '.join(self.unknown)}")
        if self.duplicate:
            parts.append(f"列が重複しています / columns given twice: {', '.join(self.duplicate)}")
        return "; ".join(parts)


class SheetHeaderError(UnreadableFile):
    """The header row does not fit the schema; `problem` lists the columns for the operator."""

    def __init__(self, problem: HeaderProblem, reason: str | None = None) -> None:
        super().__init__(reason or problem.message())
        self.problem = problem


class RowSource(Protocol):
    """The rows of one sheet. `columns` are the column keys found (by the hidden key row, else by
    matching header texts against the schema's headers); unknown headers are reported, not guessed."""

    @property
    def columns(self) -> Sequence[str | None]:
        """The column key of each position (None: a header this schema does not know)."""
        ...

    @property
    def headers(self) -> Sequence[str]:
        """The header texts as they stand in the file (for the error workbook)."""
        ...

    def rows(self) -> Iterator[SourceRow]:
        """The data rows, streaming; blank rows are skipped. Raises UnreadableFile on a broken file."""
        ...


class RowSourceFactory(Protocol):
    def open(self, path: Path, schema: SheetSchema, *, encoding: str | None = None) -> RowSource:
        """Open `path` (xlsx, or csv by extension) for `schema`; UnreadableFile when it cannot be read."""
        ...


class RowSink(Protocol):
    """A streaming writer of one sheet (openpyxl write-only / csv): headers once, then rows."""

    def write_header(self, schema: SheetSchema, *, english_first: bool = False) -> None: ...

    def write_row(self, values: Sequence[Any]) -> None: ...

    def close(self) -> None: ...


class SinkFactory(Protocol):
    def export(self, path: Path, schema: SheetSchema, *, code_choices: dict[str, Sequence[str]] | None = None
               ) -> RowSink:
        """A workbook for `schema` at `path`; `code_choices` (column key -> allowed codes) become
        data-validation dropdowns (templates and exports). Text that a spreadsheet would run as a
        formula (=, +, -, @ at the start) is neutralised."""
        ...

    def error_report(self, path: Path, headers: Sequence[str], *, keys: Sequence[str | None] | None = None
                     ) -> RowSink:
        """The error workbook: the original headers plus an エラー / Errors column. `keys` (the source's
        `columns`) adds the hidden key row, so the corrected workbook re-imports by key; each row is the
        original cells followed by the messages (a string, or a sequence of strings joined by line breaks)."""
        ...
