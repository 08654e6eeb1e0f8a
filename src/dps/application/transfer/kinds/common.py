"""Helpers the kinds share: custom-field columns, mapping a domain error to its column, the in-file
duplicate check, the mode rules (insert / update / upsert against what exists), the set-based batch
write, the code-list dropdowns, who the acting user is, and `SalesRecordKind` (what the sales-record
kinds - accounts, persons, cards, opportunities, activities - share: who may move them, the dropdowns)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from dps.application.sales.record_support import code_list
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import Forbidden
from dps.application.shared.ports import AuditLog
from dps.application.transfer.kinds.base import (
    ALREADY_EXISTS,
    CHANGED_SINCE_EXPORT,
    NOT_FOUND,
    ErrorSink,
    ImportContext,
    ParsedRow,
    Prepared,
)
from dps.application.transfer.ports_store import DirectoryLookup
from dps.application.transfer.schema import Column, ColumnType, ImportMode, SheetSchema
from dps.domain.catalog.custom_fields import CustomFieldSchema, FieldKind
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import UserId
from dps.domain.shared.principal import Principal

CF_PREFIX = "cf."

_CF_TYPES = {
    FieldKind.TEXT: ColumnType.TEXT, FieldKind.NUMBER: ColumnType.DECIMAL, FieldKind.DATE: ColumnType.DATE,
    FieldKind.CHOICE: ColumnType.CODE, FieldKind.MULTI_CHOICE: ColumnType.CODES,
}


def custom_columns(schema: CustomFieldSchema) -> list[Column]:
    """One `cf.<key>` column per active custom field, in display order."""
    return [
        Column(key=f"{CF_PREFIX}{d.key}", header_ja=d.label_ja, header_en=d.label_en or d.key,
               type=_CF_TYPES[d.kind], required=d.required, code_list=d.code_list_key,
               max_length=d.max_length if d.kind is FieldKind.TEXT else None, custom=True)
        for d in schema.ordered()
    ]


def custom_values(row: ParsedRow) -> dict[str, Any]:
    """The `cf.*` cells of a row by field key, in the form the custom-field schema validates
    (dates as ISO text, several codes as a list)."""
    out: dict[str, Any] = {}
    for key, value in row.values.items():
        if key.startswith(CF_PREFIX):
            if hasattr(value, "isoformat") and not isinstance(value, str):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            out[key[len(CF_PREFIX):]] = value
    return out


def custom_cell(column: Column, value: Any) -> Any:
    """A stored custom-field value (JSON: numbers and dates as text, several codes as a list) as the
    Python value its column exports."""
    if value is None or value == "" or value == []:
        return None
    if column.type is ColumnType.DECIMAL:
        return Decimal(str(value))
    if column.type is ColumnType.DATE and isinstance(value, str):
        return date.fromisoformat(value)
    if column.type is ColumnType.CODES:
        return tuple(value) if isinstance(value, list | tuple) else (str(value),)
    return value


def column_of(error: DomainError, aliases: Mapping[str, str] | None = None, default: str | None = None) -> str | None:
    """The sheet column a domain error concerns (custom_fields.x -> cf.x; attribute aliases)."""
    name = error.field
    if name is None:
        return default
    if name.startswith("custom_fields."):
        return CF_PREFIX + name[len("custom_fields."):]
    return (aliases or {}).get(name, name)


def check_duplicates(rows: Sequence[ParsedRow], unique: Sequence[str], errors: ErrorSink) -> list[ParsedRow]:
    """Rows whose value in a unique column repeats an earlier row's are errors (the first occurrence
    stays); returns the rows without such an error."""
    seen: dict[str, dict[Any, int]] = {k: {} for k in unique}
    kept: list[ParsedRow] = []
    for row in rows:
        bad = False
        for key in unique:
            value = row.get(key)
            if value is None or value == "":
                continue
            first = seen[key].setdefault(value, row.number)
            if first != row.number:
                errors.add(row.number, key,
                           f"ファイル内で重複しています (行 {first}) / duplicate of row {first} in the file")
                bad = True
        if not bad:
            kept.append(row)
    return kept


def mode_allows(mode: ImportMode, exists: bool, row: int, column: str | None, errors: ErrorSink) -> bool:
    """Insert needs a new key, update an existing one, upsert takes either."""
    if mode is ImportMode.INSERT and exists:
        errors.add(row, column, ALREADY_EXISTS)
        return False
    if mode is ImportMode.UPDATE and not exists:
        errors.add(row, column, NOT_FOUND)
        return False
    return True


def version_matches(row: ParsedRow, current: int, errors: ErrorSink) -> bool:
    """Optimistic locking: a sheet that carries the version read at export must still match."""
    sheet = row.get("version")
    if sheet is None or int(sheet) == current:
        return True
    errors.add(row.number, "version", CHANGED_SINCE_EXPORT.format(sheet=sheet, current=current))
    return False


def ensure_admin_import(principal: Principal, audit: AuditLog, action: str) -> None:
    """Users and masters: the tenant administrator role (and a full licence)."""
    if not (principal.is_admin and principal.can_write_records):
        audit.security("permission.denied", user=principal.login_id, action=action, reason="not an administrator")
        raise Forbidden("この操作には管理者権限が必要です / this needs the tenant administrator role")


def ensure_full_licence(principal: Principal, audit: AuditLog, action: str) -> None:
    """Sales records: a full licence."""
    if not principal.can_write_records:
        audit.security("permission.denied", user=principal.login_id, action=action, reason="light licence")
        raise Forbidden("ライトユーザは取り込み・出力できません / a light user may not import or export records")


class BatchStore(Protocol):
    """A kind's bulk store as `write_batch` uses it: new records in one executemany, changed records with
    the version each was checked against."""

    def insert(self, records: Sequence[Any]) -> None: ...

    def update(self, records: Sequence[tuple[Any, int]]) -> None: ...


def write_batch(store: BatchStore, items: Sequence[Prepared], record: Callable[[Prepared], Any] | None = None) -> None:
    """Write a prepared batch set-based: the inserts, then the updates (rows left unchanged are skipped).
    `record` picks what to write from a prepared row (the row's record by default)."""
    pick = record or (lambda item: item.record)
    inserts = [pick(i) for i in items if i.action == "insert"]
    if inserts:
        store.insert(inserts)
    updates = [(pick(i), i.version_read) for i in items if i.action == "update"]
    if updates:
        store.update(updates)


def code_list_choices(uow: SalesUnitOfWork, schema: SheetSchema) -> dict[str, Sequence[str]]:
    """The active codes of every code-list column: the template's and export's dropdowns."""
    return {c.key: [v.code for v in code_list(uow, c.code_list).active()]
            for c in schema.columns if c.code_list and c.type in (ColumnType.CODE, ColumnType.CODES)}


def acting_user(ctx: ImportContext, directory: DirectoryLookup) -> UserId | None:
    """Whom an import stamps as creating and updating records: the importing principal when it is a user
    of the tenant (an operator's system principal is not: None). `record_support.acting_user`'s rule,
    asked through the import's directory lookup."""
    return ctx.principal.user_id if directory.users_by_id([ctx.principal.user_id]) else None


class SalesRecordKind:
    """A sales-record kind: importing it needs a full licence; its code-list columns (custom ones
    included) get dropdowns."""

    def authorize(self, principal: Principal, audit: AuditLog, action: str) -> None:
        if action.endswith(".import"):
            ensure_full_licence(principal, audit, action)

    def code_choices(self, uow: SalesUnitOfWork, schema: SheetSchema) -> dict[str, Sequence[str]]:
        return code_list_choices(uow, schema)
