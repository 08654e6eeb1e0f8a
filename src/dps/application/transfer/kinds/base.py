"""What the import/export engine asks of one kind (accounts, users, products, ...): its sheet, who may
move it, how validated rows become domain objects (references resolved in bulk), how a batch is
written set-based and how the visible records stream out for an export."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from attrs import define, field, frozen

from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.ports import AuditLog, IdFactory, PasswordHasher
from dps.application.transfer.ports_store import TransferStores
from dps.application.transfer.schema import ImportMode, SheetSchema
from dps.domain.shared.principal import Principal
from dps.domain.visibility.policy import Viewer

CHANGED_SINCE_EXPORT = "他のユーザが更新しました / changed since export (version {sheet} in the file, {current} now)"
NOT_FOUND = "該当するデータがありません / no such record"
ALREADY_EXISTS = "既に登録されています / already exists"


@frozen
class ParsedRow:
    """One source row after cell parsing: `values` holds the parsed value of every column the file has
    (None for an empty cell); columns the file lacks are absent (an update then keeps them)."""

    number: int
    values: Mapping[str, Any]

    def has(self, key: str) -> bool:
        return key in self.values

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


@frozen
class Prepared:
    """A row ready to write: `action` is insert, update or unchanged; `record` the domain object;
    `depth` orders rows whose references point at other rows of the same file (parents first)."""

    row: int
    action: str
    record: Any
    expected_version: int | None = None
    depth: int = 0

    @property
    def version_read(self) -> int:
        """The version the row was checked against (updates only)."""
        if self.expected_version is None:
            raise ValueError("not an update")
        return self.expected_version


@define
class ErrorSink:
    """Collects row errors (row number, column key, message); the first `cap` are kept in full,
    the rest only counted, so a million bad rows do not exhaust memory."""

    cap: int = 1000
    detail_cap: int = 100_000
    """Rows whose messages are kept for the error workbook (later ones get a generic message)."""
    kept: list[tuple[int, str | None, str]] = field(factory=list)
    count: int = 0
    rows: set[int] = field(factory=set)
    by_row: dict[int, list[tuple[str | None, str]]] = field(factory=dict)

    def add(self, row: int, column: str | None, message: str) -> None:
        self.count += 1
        self.rows.add(row)
        if len(self.kept) < self.cap:
            self.kept.append((row, column, message))
        if row in self.by_row or len(self.by_row) < self.detail_cap:
            self.by_row.setdefault(row, []).append((column, message))

    def __bool__(self) -> bool:
        return self.count > 0


@define
class ImportContext:
    """Everything a kind needs while preparing rows inside the import's unit of work."""

    uow: SalesUnitOfWork
    principal: Principal
    viewer: Viewer
    mode: ImportMode
    now: datetime
    today: date
    ids: IdFactory
    hasher: PasswordHasher | None
    errors: ErrorSink
    schema: SheetSchema


class TransferKind(Protocol):
    """One kind of sheet. Implementations live in `dps.application.transfer.kinds.<kind>`."""

    name: str
    entity: str | None
    """The custom-field entity ('account', ...) whose 拡張項目 become `cf.<key>` columns; None: none."""

    def base_schema(self) -> SheetSchema: ...

    def authorize(self, principal: Principal, audit: AuditLog, action: str) -> None:
        """Forbidden unless the principal may import/export this kind."""
        ...

    def code_choices(self, uow: SalesUnitOfWork, schema: SheetSchema) -> dict[str, Sequence[str]]:
        """Column key -> allowed codes, for the dropdowns of templates and exports."""
        ...

    def prepare(self, ctx: ImportContext, stores: TransferStores, rows: Sequence[ParsedRow]) -> list[Prepared]:
        """Validate the rows against the database (references and existing records looked up in bulk)
        and build the domain objects; errors go to `ctx.errors`."""
        ...

    def write(self, uow: SalesUnitOfWork, stores: TransferStores, items: Sequence[Prepared]) -> None:
        """Write a batch set-based (inserts, then updates) on the unit of work's connection."""
        ...

    def export_rows(self, uow: SalesUnitOfWork, stores: TransferStores, viewer: Viewer, schema: SheetSchema,
                    filters: Mapping[str, str]) -> Iterator[list[Any]]:
        """The rows the viewer may see, streaming, as values in the order of `schema.columns`."""
        ...
