"""ImportRecords: a workbook or CSV of one kind into the tenant, all or nothing.

Pass 1 streams the rows: each cell is parsed for its column (types, code lists, trimming), rows
repeating an id or natural key of an earlier row are errors, then the kind checks the rows against
the database in bulk (existing records, references, permissions, the domain's rules) and builds
the domain objects. Pass 2 runs only when no row has an error: one transaction by default; with a
batch size, one commit per batch and a checkpoint file so a rerun skips what was committed. With any
error nothing is written and an error workbook (the original rows + the reasons) is produced.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from attrs import define, field, frozen

from dps.application.auth.principals import principal_for
from dps.application.sales.access import viewer_in
from dps.application.sales.deps import SalesDeps
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import Invalid, NotFound
from dps.application.shared.ports import Clock, PasswordHasher
from dps.application.shared.time import today_in
from dps.application.transfer.codes import CodeListResolver
from dps.application.transfer.errors import REQUIRED, CellError
from dps.application.transfer.kinds import KINDS
from dps.application.transfer.kinds.base import ErrorSink, ImportContext, ParsedRow, Prepared, TransferKind
from dps.application.transfer.kinds.common import custom_columns
from dps.application.transfer.ports import RowSourceFactory, SinkFactory
from dps.application.transfer.ports_store import CellFormatter, CellParser, CellParsers, TransferStores
from dps.application.transfer.progress import NoProgress, Progress
from dps.application.transfer.schema import ImportMode, SheetSchema
from dps.application.transfer.values import export_value, parse_cell
from dps.domain.shared.principal import Principal
from dps.domain.visibility.policy import Viewer

MAX_REPORTED_ERRORS = 1000
PROGRESS_EVERY = 500


def default_parsers(uow: SalesUnitOfWork, schema: SheetSchema) -> CellParser:
    """values.parse_cell with a resolver over the tenant's code lists (codes by code or label)."""
    codes = CodeListResolver.from_lists(uow.code_lists.list())

    def parse(column: Any, raw: Any) -> Any:
        return parse_cell(column, raw, codes)

    return parse


def default_formatter(column: Any, value: Any) -> Any:
    return export_value(column, value)


@frozen
class TransferDeps:
    """What the transfer use cases are built with: the sales bundle (unit of work, clock, ids, audit),
    the set-based stores, the file codecs, the cell parser/formatter and the password hasher (users)."""

    sales: SalesDeps
    stores: TransferStores
    sources: RowSourceFactory
    sinks: SinkFactory
    hasher: PasswordHasher | None = None
    parsers: CellParsers = default_parsers
    formatter: CellFormatter = default_formatter
    viewers: Callable[[SalesUnitOfWork, Principal, Clock], Viewer] = viewer_in
    """The acting user's Viewer (tests pass a simpler one)."""


@frozen
class RowError:
    row: int
    column: str | None
    header: str | None
    message: str


@define
class ImportReport:
    kind: str
    mode: ImportMode
    dry_run: bool
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    skipped: int = 0
    """Rows committed by an earlier, interrupted run (batch mode) and skipped now."""
    errors: int = 0
    row_errors: list[RowError] = field(factory=list)
    """The first MAX_REPORTED_ERRORS errors (all of them are in the error workbook)."""
    error_path: Path | None = None
    committed_batches: list[int] = field(factory=list)
    checkpoint_path: Path | None = None

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def summary(self) -> dict[str, Any]:
        return {"kind": self.kind, "mode": self.mode.value, "dry_run": self.dry_run, "read": self.read,
                "inserted": self.inserted, "updated": self.updated, "unchanged": self.unchanged,
                "skipped": self.skipped, "errors": self.errors, "batches": list(self.committed_batches)}


class ImportInterrupted(Exception):
    """A batch failed: the report says which batches were committed (the checkpoint lets a rerun resume)."""

    def __init__(self, report: ImportReport, cause: BaseException) -> None:
        super().__init__(f"import interrupted after batches {report.committed_batches}: {cause}")
        self.report = report
        self.cause = cause


def kind_named(name: str) -> TransferKind:
    make = KINDS.get(name)
    if make is None:
        raise Invalid.field("kind", f"'{name}' は取り込めません / unknown kind; one of {', '.join(sorted(KINDS))}")
    return make()


def sheet_schema(uow: SalesUnitOfWork, kind: TransferKind) -> SheetSchema:
    """The kind's columns plus the tenant's active custom fields."""
    schema = kind.base_schema()
    if kind.entity is None:
        return schema
    return schema.with_columns(custom_columns(uow.custom_fields.schema_for(kind.entity)))


# -- checkpoint -------------------------------------------------------------------------------------------

@define
class Checkpoint:
    """Which rows earlier runs committed, for one source file (size + mtime) of one kind and mode."""

    path: Path
    stamp: dict[str, Any]
    rows: set[int] = field(factory=set)
    batches: list[int] = field(factory=list)

    @classmethod
    def for_source(cls, path: Path, source: Path, kind: str, mode: ImportMode, batch_size: int) -> Checkpoint:
        st = source.stat()
        stamp = {"source": source.name, "size": st.st_size, "mtime_ns": st.st_mtime_ns, "kind": kind,
                 "mode": mode.value, "batch_size": batch_size}
        cp = cls(path=path, stamp=stamp)
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("stamp") != stamp:
                raise Invalid.field("checkpoint", f"{path} は別のファイルまたは設定のものです / the checkpoint "
                                    "belongs to another file, kind, mode or batch size; delete it to start over")
            cp.rows = {n for a, b in data.get("rows", []) for n in range(a, b + 1)}
            cp.batches = list(data.get("batches", []))
        return cp

    def commit(self, batch: int, rows: Sequence[int]) -> None:
        self.rows.update(rows)
        self.batches.append(batch)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps({"stamp": self.stamp, "rows": _ranges(self.rows), "batches": self.batches}),
                       encoding="utf-8")
        os.replace(tmp, self.path)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def _ranges(numbers: set[int]) -> list[list[int]]:
    out: list[list[int]] = []
    for n in sorted(numbers):
        if out and out[-1][1] == n - 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return out


def default_checkpoint_path(source: Path) -> Path:
    return source.with_name(source.name + ".checkpoint.json")


def default_error_path(source: Path) -> Path:
    return source.with_name(f"{source.stem}.errors.xlsx")


# -- the use case -----------------------------------------------------------------------------------------

class ImportRecords:
    def __init__(self, deps: TransferDeps) -> None:
        self._d = deps

    def __call__(
        self, principal: Principal, kind_name: str, path: Path, mode: ImportMode = ImportMode.UPSERT, *,
        dry_run: bool = False, batch_size: int | None = None, error_path: Path | None = None,
        checkpoint_path: Path | None = None, progress: Progress | None = None,
    ) -> ImportReport:
        sales = self._d.sales
        kind = kind_named(kind_name)
        kind.authorize(principal, sales.audit, f"{kind.name}.import")
        if batch_size is not None and batch_size < 1:
            raise Invalid.field("batch_size", "1以上を指定してください / must be at least 1")
        progress = progress or NoProgress()
        report = ImportReport(kind=kind.name, mode=mode, dry_run=dry_run)
        checkpoint = None
        if batch_size is not None and not dry_run:
            checkpoint = Checkpoint.for_source(checkpoint_path or default_checkpoint_path(path), path, kind.name,
                                               mode, batch_size)
            report.checkpoint_path = checkpoint.path
            report.committed_batches = list(checkpoint.batches)
        try:
            return self._import(principal, kind, path, mode, report, dry_run, batch_size, checkpoint,
                                error_path, progress)
        except ImportInterrupted as e:
            sales.audit.master_change(entity=kind.name, record_id=f"import:{path.name}",
                                      action=f"import.{mode.value}.interrupted", actor=principal.login_id,
                                      before=None, after=e.report.summary())
            raise

    def _import(self, principal: Principal, kind: TransferKind, path: Path, mode: ImportMode, report: ImportReport,
                dry_run: bool, batch_size: int | None, checkpoint: Checkpoint | None, error_path: Path | None,
                progress: Progress) -> ImportReport:
        d, sales = self._d, self._d.sales
        with sales.uow(principal.tenant_id) as uow:
            schema = sheet_schema(uow, kind)
            if mode not in schema.modes:
                raise Invalid.field("mode", f"{kind.name} は {mode.value} で取り込めません / mode not allowed")
            source = d.sources.open(path, schema)
            try:
                done = self._run(uow, principal, kind, schema, source, report, mode, dry_run, batch_size,
                                 checkpoint, error_path or default_error_path(path), progress)
            finally:
                close = getattr(source, "close", None)
                if close is not None:
                    close()
            if not done:
                return report
        progress.finish()
        sales.audit.master_change(entity=kind.name, record_id=f"import:{path.name}", action=f"import.{mode.value}",
                                  actor=principal.login_id, before=None, after=report.summary())
        return report

    def _run(self, uow: SalesUnitOfWork, principal: Principal, kind: TransferKind, schema: SheetSchema,
             source: Any, report: ImportReport, mode: ImportMode, dry_run: bool, batch_size: int | None,
             checkpoint: Checkpoint | None, error_path: Path, progress: Progress) -> bool:
        """Pass 1, then pass 2 when the file is clean; False when nothing was to be written."""
        d, sales = self._d, self._d.sales
        errors = ErrorSink(cap=MAX_REPORTED_ERRORS)
        rows = self._read(uow, schema, source, errors, report, checkpoint, progress)
        ctx = ImportContext(
            uow=uow, principal=principal, viewer=d.viewers(uow, principal, sales.clock), mode=mode,
            now=sales.clock.now(), today=today_in(sales.clock, uow.tenant().time_zone), ids=sales.ids,
            hasher=d.hasher, errors=errors, schema=schema)
        progress.phase("check", len(rows))
        items = kind.prepare(ctx, d.stores, rows) if rows else []
        progress.advance(len(rows))
        self._count(report, items)
        if errors:
            report.errors = errors.count
            headers = dict(zip(source.columns, source.headers, strict=False))
            report.row_errors = [RowError(r, c, headers.get(c) if c else None, m) for r, c, m in errors.kept]
            report.error_path = self._error_workbook(source, errors, error_path)
            progress.finish()
            return False
        if dry_run:
            progress.finish()
            return False
        self._write(uow, kind, items, batch_size, checkpoint, report, progress)
        return True

    def _read(self, uow: SalesUnitOfWork, schema: SheetSchema, source: Any, errors: ErrorSink,
              report: ImportReport, checkpoint: Checkpoint | None, progress: Progress) -> list[ParsedRow]:
        parse = self._d.parsers(uow, schema)
        columns = [(i, schema.column(k)) for i, k in enumerate(source.columns) if k is not None]
        skip = checkpoint.rows if checkpoint is not None else set()
        progress.phase("read", getattr(source, "total_rows", None))
        rows: list[ParsedRow] = []
        n = 0
        for src in source.rows():
            n += 1
            if n % PROGRESS_EVERY == 0:
                progress.advance(PROGRESS_EVERY)
            report.read += 1
            if src.number in skip:
                report.skipped += 1
                continue
            values: dict[str, Any] = {}
            bad = False
            cells = src.cells
            for i, column in columns:
                raw = cells[i] if i < len(cells) else None
                if raw is None or (raw.__class__ is str and not raw.strip()):
                    if column.required:
                        errors.add(src.number, column.key, REQUIRED)
                        bad = True
                    values[column.key] = None
                    continue
                try:
                    values[column.key] = parse(column, raw)
                except CellError as e:
                    errors.add(src.number, column.key, e.message)
                    bad = True
            if not bad:
                rows.append(ParsedRow(number=src.number, values=values))
        progress.advance(n % PROGRESS_EVERY)
        return rows

    @staticmethod
    def _count(report: ImportReport, items: Sequence[Prepared]) -> None:
        for item in items:
            if item.action == "insert":
                report.inserted += 1
            elif item.action == "update":
                report.updated += 1
            elif item.action == "delete":
                report.deleted += 1
            else:
                report.unchanged += 1

    def _write(self, uow: SalesUnitOfWork, kind: TransferKind, items: list[Prepared], batch_size: int | None,
               checkpoint: Checkpoint | None, report: ImportReport, progress: Progress) -> None:
        stores = self._d.stores
        progress.phase("write", len(items))
        if batch_size is None or checkpoint is None:
            kind.write(uow, stores, items)
            uow.commit()
            progress.advance(len(items))
            return
        ordered = sorted(items, key=lambda i: (i.depth, i.row))
        number = max(checkpoint.batches, default=0)
        for start in range(0, len(ordered), batch_size):
            batch = ordered[start:start + batch_size]
            number += 1
            try:
                kind.write(uow, stores, batch)
                uow.commit()
            except Exception as e:
                raise ImportInterrupted(report, e) from e
            checkpoint.commit(number, [i.row for i in batch])
            report.committed_batches.append(number)
            progress.advance(len(batch))
        checkpoint.remove()

    def _error_workbook(self, source: Any, errors: ErrorSink, path: Path) -> Path:
        """The source rows that have errors, with a column naming each field and reason (re-read from the
        file: nothing of the rows is kept in memory for this)."""
        headers = list(source.headers)
        keys = list(source.columns)
        label = {k: h for k, h in zip(keys, headers, strict=False) if k}
        sink = self._d.sinks.error_report(path, headers, keys=keys)
        for src in source.rows():
            if src.number in errors.rows:
                messages = [f"{label.get(c, c)}: {m}" if c else m for c, m in errors.by_row.get(src.number, ())]
                messages = messages or ["エラー / error (see the summary)"]
                sink.write_row([*src.cells, messages])
        sink.close()
        return path



class ActingPrincipal:
    """Who a batch command acts as: the tenant's operator, or (`--as LOGIN`) an active user of the
    tenant with that user's rights and visibility, as if logged in."""

    def __init__(self, deps: TransferDeps) -> None:
        self._d = deps

    def __call__(self, operator: Principal, login_id: str | None) -> Principal:
        if not login_id:
            return operator
        sales = self._d.sales
        with sales.uow(operator.tenant_id) as uow:
            user = uow.users.get_by_login(login_id)
            if user is None or not user.is_active:
                raise NotFound("user", login_id)
            return principal_for(uow, operator.tenant_id, user, today_in(sales.clock, user.time_zone))
