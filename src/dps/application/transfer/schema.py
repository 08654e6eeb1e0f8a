"""The shape of one sheet: its columns (key, Japanese and English headers, type, required, code list,
maximum length, reference) and the natural key that import modes match on.

An exported workbook carries the headers in the tenant's labels in row 1 and the column keys in a
hidden row 2, so a re-import finds its columns by key whatever the labels say (and still by header
text for a workbook typed by hand without the key row).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from attrs import field, frozen

KEY_ROW_MARKER = "#key"
"""The first cell of the hidden key row; the row below it holds the first record."""


class ColumnType(Enum):
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    DATETIME = "datetime"
    BOOLEAN = "boolean"
    CODE = "code"
    """A code-list value, accepted by code or by label; exported as the code."""
    CODES = "codes"
    """Several code-list values separated by a comma, 、 or a line break."""
    ID = "id"
    """A record id (UUID) as exported; empty for a new record."""
    REFERENCE = "reference"
    """Another record by its natural key (an account by corporate number, a user by login id, ...)."""


class ImportMode(Enum):
    INSERT = "insert"
    """Every row is new; a row whose key already exists is an error."""
    UPDATE = "update"
    """Every row exists (by id, else by natural key); a row that does not is an error."""
    UPSERT = "upsert"
    """Update the rows that exist, insert the others."""
    DELETE = "delete"
    """Delete the rows named by id or natural key (kinds that allow it)."""


@frozen
class Column:
    key: str
    header_ja: str
    header_en: str
    type: ColumnType = ColumnType.TEXT
    required: bool = False
    code_list: str | None = None
    max_length: int | None = None
    reference: str | None = None
    """For REFERENCE columns: what it points at ("account", "user", "product", ...)."""
    custom: bool = False
    """A 拡張項目 (custom field) column, key `cf.<field key>`."""

    def header(self, english_first: bool = False) -> str:
        return self.header_en if english_first else self.header_ja


@frozen
class SheetSchema:
    """One kind's sheet. `natural_key` names the columns that identify a record without its id
    (a user's login id, a product's code, an account's corporate number + branch or code)."""

    kind: str
    sheet_title: str
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...] = ()
    id_column: str | None = "id"
    modes: frozenset[ImportMode] = field(
        factory=lambda: frozenset({ImportMode.INSERT, ImportMode.UPDATE, ImportMode.UPSERT})
    )

    def __attrs_post_init__(self) -> None:
        keys = [c.key for c in self.columns]
        if len(keys) != len(set(keys)):
            raise ValueError(f"duplicate column keys in the {self.kind} sheet")
        missing = [k for k in (*self.natural_key, *([self.id_column] if self.id_column else [])) if k not in keys]
        if missing:
            raise ValueError(f"{self.kind}: key columns {missing} are not columns of the sheet")

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def with_columns(self, extra: Sequence[Column]) -> SheetSchema:
        """This schema with more columns at the end (the tenant's custom fields)."""
        return SheetSchema(kind=self.kind, sheet_title=self.sheet_title, columns=(*self.columns, *extra),
                           natural_key=self.natural_key, id_column=self.id_column, modes=self.modes)
