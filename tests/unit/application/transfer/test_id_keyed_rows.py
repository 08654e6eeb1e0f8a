"""The row flow of the kinds keyed by record id (opportunities, activities), with in-memory records: which
rows go ahead and with which error the others stop (in the order the checks run), how new records are
stamped, and when an update is 'unchanged'."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any, cast
from uuid import UUID, uuid4

import pytest

from dps.application.transfer.kinds.base import ALREADY_EXISTS, NOT_FOUND, ErrorSink, ImportContext, ParsedRow
from dps.application.transfer.kinds.id_keyed import IdKeyedRows
from dps.application.transfer.schema import ImportMode
from dps.domain.sales.records import SalesRecord
from dps.domain.shared.ids import TenantId, UserId
from dps.domain.shared.principal import License, Principal
from dps.domain.visibility.policy import UpdateRule, Viewer

ME, OTHER = UserId(uuid4()), UserId(uuid4())
NOW = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
NO_SUCH, NOT_EDITABLE, REFUSED = "no such record", "not editable", "refused"


def context(mode: ImportMode = ImportMode.UPSERT, rule: UpdateRule = UpdateRule.ANY_FULL_USER) -> ImportContext:
    principal = Principal(tenant_id=TenantId(uuid4()), user_id=ME, login_id="me", name="Me", license=License.FULL)
    uow = SimpleNamespace(tenant=lambda: SimpleNamespace(update_rule=rule))
    return ImportContext(uow=cast(Any, uow), principal=principal, viewer=Viewer(principal=principal), mode=mode,
                         now=NOW, today=date(2026, 4, 1), ids=cast(Any, None), hasher=None, errors=ErrorSink(),
                         schema=cast(Any, None))


def record(owner: UserId = ME, version: int = 3, **custom: Any) -> SalesRecord:
    return SalesRecord(id=uuid4(), owner_id=owner, created_by=owner, version=version, custom_fields=dict(custom))


def row(number: int, **values: Any) -> ParsedRow:
    return ParsedRow(number=number, values=values)


def content(r: SalesRecord) -> tuple[Any, ...]:
    return (r.owner_id, r.custom_fields)


class Store:
    def __init__(self, *records: SalesRecord) -> None:
        self.records = {r.id: r for r in records}
        self.asked: list[set[UUID]] = []

    def load(self, ids: Collection[UUID]) -> Mapping[UUID, SalesRecord]:
        self.asked.append(set(ids))
        return {i: self.records[i] for i in ids if i in self.records}


def run(ctx: ImportContext, store: Store, rows: list[ParsedRow], *, hidden: frozenset[UUID] = frozenset(),
        refused: frozenset[UUID] = frozenset()) -> tuple[IdKeyedRows[SalesRecord], list[int]]:
    """The flow over `rows`; each row that goes ahead sets custom field x to the row's x (when given)."""
    flow = IdKeyedRows.load(ctx, rows, store.load, content)
    went: list[int] = []
    for r, target in flow.candidates(lambda rec: rec.id not in hidden, NO_SUCH, NOT_EDITABLE,
                                     refuse=lambda rec: REFUSED if rec.id in refused else None):
        went.append(r.number)
        item = target if target is not None else SalesRecord(id=uuid4())
        if r.has("x"):
            item.custom_fields = {**item.custom_fields, "x": r.get("x")}
        flow.add(r, target, item, ME)
    return flow, went


def test_the_ids_are_looked_up_once_and_a_repeated_id_is_an_error_of_the_later_row() -> None:
    a = record()
    store, ctx = Store(a), context()
    flow, went = run(ctx, store, [row(2, id=a.id), row(3, id=a.id), row(4)])
    assert store.asked == [{a.id}]
    assert went == [2, 4]
    assert [(n, c) for n, c, _ in ctx.errors.kept] == [(3, "id")]
    assert [r.number for r in flow.rows] == [2, 4]


def test_an_id_the_user_cannot_see_reads_as_no_such_record() -> None:
    hidden = record()
    ctx = context()
    _, went = run(ctx, Store(hidden), [row(2, id=hidden.id), row(3, id=uuid4())], hidden=frozenset({hidden.id}))
    assert went == []
    assert ctx.errors.kept == [(2, "id", NO_SUCH), (3, "id", NO_SUCH)]


@pytest.mark.parametrize(("mode", "with_id", "message"), [
    (ImportMode.INSERT, True, ALREADY_EXISTS),
    (ImportMode.UPDATE, False, NOT_FOUND),
])
def test_the_mode_decides_whether_a_row_may_name_an_id(mode: ImportMode, with_id: bool, message: str) -> None:
    a = record()
    ctx = context(mode)
    _, went = run(ctx, Store(a), [row(2, id=a.id) if with_id else row(2)])
    assert went == []
    assert ctx.errors.kept == [(2, "id", message)]


def test_the_kinds_own_refusal_comes_before_edit_rights_and_edit_rights_before_the_version() -> None:
    theirs_refused, theirs, stale = record(owner=OTHER), record(owner=OTHER), record(version=5)
    ctx = context(rule=UpdateRule.STRICT)
    _, went = run(ctx, Store(theirs_refused, theirs, stale),
                  [row(2, id=theirs_refused.id), row(3, id=theirs.id, version=3), row(4, id=stale.id, version=4)],
                  refused=frozenset({theirs_refused.id}))
    assert went == []
    assert [(n, c, m) for n, c, m in ctx.errors.kept][:2] == [(2, "id", REFUSED), (3, None, NOT_EDITABLE)]
    assert ctx.errors.kept[2][:2] == (4, "version")


def test_a_new_record_is_the_acting_users_unless_the_row_names_an_owner() -> None:
    ctx = context()
    flow, _ = run(ctx, Store(), [row(2), row(3, owner="carol")])
    batch = flow.finish(ME)
    assert [p.action for p in batch] == ["insert", "insert"]
    mine, named = (p.record for p in batch)
    assert (mine.created_by, mine.updated_by, mine.created_at, mine.updated_at, mine.owner_id) == (ME, ME, NOW, NOW, ME)
    assert named.owner_id is None
    assert batch[0].expected_version is None


def test_an_update_that_changes_nothing_is_unchanged_and_a_change_is_stamped() -> None:
    same, changed = record(x="a"), record(x="a")
    ctx = context()
    flow, _ = run(ctx, Store(same, changed), [row(2, id=same.id, x="a"), row(3, id=changed.id, x="b", version=3)])
    batch = flow.finish(ME)
    assert [(p.row, p.action, p.expected_version) for p in batch] == [(2, "unchanged", 3), (3, "update", 3)]
    assert (same.updated_by, same.updated_at) == (None, None)
    assert (changed.updated_by, changed.updated_at) == (ME, NOW)


def test_a_row_that_meets_an_error_after_it_was_added_leaves_the_batch() -> None:
    ctx = context()
    flow, _ = run(ctx, Store(), [row(2), row(3)])
    ctx.errors.add(2, "owner", "no such active user")
    assert [p.row for p in flow.finish(ME)] == [3]
