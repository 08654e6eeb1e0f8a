"""What the kinds whose rows name their record by its id alone share (opportunities and activities: they
have no external code, so a row without an id is a new record): `IdKeyedRows`, one file's rows against
the records they name - the id must name a record the user sees, the mode must allow the row, an update
needs edit rights under the tenant's update rule and the version read at export; new records are stamped
as the acting user's, and an update that changes nothing is 'unchanged'. Who may move them and their
dropdowns are `common.SalesRecordKind`'s."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar
from uuid import UUID

from attrs import define, field

from dps.application.transfer.kinds.base import ImportContext, ParsedRow, Prepared
from dps.application.transfer.kinds.common import check_duplicates, mode_allows, version_matches
from dps.domain.sales.records import SalesRecord
from dps.domain.shared.ids import UserId
from dps.domain.visibility.policy import can_edit

R = TypeVar("R", bound=SalesRecord)


@define
class IdKeyedRows(Generic[R]):
    """The rows of one file and the records they name, from the first check to the prepared batch:
    `candidates` yields the rows that may go ahead, the kind builds each one's record and hands it to
    `add`; `finish` gives the batch once the owners are resolved (on `prepared`)."""

    ctx: ImportContext
    rows: list[ParsedRow]
    """The rows without those repeating an earlier row's id (an error each)."""
    existing: Mapping[UUID, R]
    """The records the rows' ids name (whether the user sees them or not)."""
    content: Callable[[R], tuple[Any, ...]]
    """What an import may change; equal before and after means the row changes nothing."""
    prepared: list[Prepared] = field(factory=list)
    _before: dict[UUID, tuple[Any, ...]] = field(factory=dict)

    @classmethod
    def load(cls, ctx: ImportContext, rows: Sequence[ParsedRow], records: Callable[[set[UUID]], Mapping[UUID, R]],
             content: Callable[[R], tuple[Any, ...]]) -> IdKeyedRows[R]:
        """The rows after the in-file duplicate check, with the records their ids name (one lookup)."""
        kept = check_duplicates(rows, ("id",), ctx.errors)
        return cls(ctx, kept, records({v for r in kept if isinstance(v := r.get("id"), UUID)}), content)

    def candidates(self, visible: Callable[[R], bool], no_such: str, not_editable: str,
                   refuse: Callable[[R], str | None] | None = None) -> Iterator[tuple[ParsedRow, R | None]]:
        """Each row that may go ahead with the record it updates (None: a new record). Checked in this order:
        the id names a record the user sees (else `no_such`), the import mode, the kind's own `refuse`
        (a message on the id), edit rights (else `not_editable`), the version read."""
        errors = self.ctx.errors
        rule = self.ctx.uow.tenant().update_rule
        for r in self.rows:
            if r.number in errors.rows:
                continue
            row_id = r.get("id")
            target = self.existing.get(row_id) if row_id is not None else None
            if target is not None and not visible(target):
                target = None
            if row_id is not None and target is None:
                errors.add(r.number, "id", no_such)
                continue
            if not mode_allows(self.ctx.mode, target is not None, r.number, "id", errors):
                continue
            if target is not None:
                if refuse is not None and (reason := refuse(target)) is not None:
                    errors.add(r.number, "id", reason)
                    continue
                if not can_edit(self.ctx.viewer, target.access, rule):
                    errors.add(r.number, None, not_editable)
                    continue
                if not version_matches(r, target.version, errors):
                    continue
                self._before[target.id] = self.content(target)
            yield r, target

    def add(self, row: ParsedRow, target: R | None, record: R, acting: UserId | None) -> None:
        """A row's record, ready: a new one is created by the acting user now and is theirs unless the
        row names an owner."""
        if target is None:
            record.created_by = record.updated_by = acting
            record.created_at = record.updated_at = self.ctx.now
            if not row.get("owner"):
                record.owner_id = acting
        self.prepared.append(Prepared(row=row.number, action="update" if target is not None else "insert",
                                      record=record, expected_version=target.version if target else None))

    def finish(self, acting: UserId | None) -> list[Prepared]:
        """The batch: without the rows that met an error after `add` (an unknown owner); an update that
        changes nothing is 'unchanged', the others are stamped as updated by the acting user now."""
        out: list[Prepared] = []
        for p in self.prepared:
            if p.row in self.ctx.errors.rows:
                continue
            if p.action == "update":
                if self.content(p.record) == self._before[p.record.id]:
                    p = Prepared(row=p.row, action="unchanged", record=p.record, expected_version=p.expected_version)
                else:
                    p.record.updated_by, p.record.updated_at = acting, self.ctx.now
            out.append(p)
        return out
