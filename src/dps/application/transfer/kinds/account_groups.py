"""取引先汎用グループ account groups as a sheet (imports: administrators only). One row per group:
code (the natural key), name, description, and a `members` cell listing the member accounts, one per
line (a comma, 、 or ; also separates), each by 法人番号, account code or account id - the same names
the accounts sheet uses. One row per group keeps a group's definition in one place and re-imports as
one unit; the price is Excel's 32,767 characters per cell (about 2,300 corporate numbers per group).

When a row has the `members` column, the group's membership becomes exactly the listed accounts,
except that members the importing user cannot see stay (the export left them out, so a round trip
never drops them); an empty cell removes every visible member. A file without the column leaves
memberships alone. Listed accounts must exist and be visible to the importing user."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from uuid import UUID

from attrs import frozen

from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.ports import AuditLog
from dps.application.transfer.kinds.base import ImportContext, ParsedRow, Prepared
from dps.application.transfer.kinds.common import (
    check_duplicates,
    column_of,
    ensure_admin_import,
    mode_allows,
    version_matches,
    write_batch,
)
from dps.application.transfer.kinds.persons import AccountRefs, account_label
from dps.application.transfer.ports_store import TransferStores
from dps.application.transfer.schema import Column, ColumnType, SheetSchema
from dps.domain.sales.account_groups import AccountGroup
from dps.domain.shared.errors import DomainError
from dps.domain.shared.principal import Principal
from dps.domain.visibility.policy import Viewer

T = ColumnType.TEXT

COLUMNS: tuple[Column, ...] = (
    Column("id", "グループID", "Group ID", ColumnType.ID),
    Column("version", "バージョン", "Version", ColumnType.INTEGER),
    Column("code", "グループコード", "Group code", T, required=True, max_length=64),
    Column("name", "グループ名", "Name", T, required=True, max_length=200),
    Column("description", "説明", "Description", T, max_length=4000),
    Column("members", "所属取引先", "Member accounts", T, max_length=32767),
)
_SEPARATORS = re.compile(r"[\n,、;；，]+")


def member_refs(value: Any) -> list[str]:
    """The account names of a members cell, in order, each once."""
    out: list[str] = []
    for part in _SEPARATORS.split(str(value or "")):
        ref = part.strip()
        if ref and ref not in out:
            out.append(ref)
    return out


@frozen
class GroupWrite:
    """A group row: the group and the memberships it adds and removes."""

    group: AccountGroup
    added: tuple[UUID, ...] = ()
    removed: tuple[UUID, ...] = ()


def _content(g: AccountGroup) -> tuple[str, str, str]:
    return (g.code, g.name, g.description)


class AccountGroupsKind:
    name = "account-groups"
    entity: str | None = None

    def base_schema(self) -> SheetSchema:
        return SheetSchema(kind=self.name, sheet_title="取引先グループ", columns=COLUMNS, natural_key=("code",))

    def authorize(self, principal: Principal, audit: AuditLog, action: str) -> None:
        if action.endswith(".import"):
            ensure_admin_import(principal, audit, action)

    def code_choices(self, uow: SalesUnitOfWork, schema: SheetSchema) -> dict[str, Sequence[str]]:
        return {}

    def prepare(self, ctx: ImportContext, stores: TransferStores, rows: Sequence[ParsedRow]) -> list[Prepared]:
        errors = ctx.errors
        store = stores.account_groups(ctx.uow)
        rows = check_duplicates(rows, ("id", "code"), errors)
        by_id = store.by_ids({v for r in rows if isinstance(v := r.get("id"), UUID)})
        by_code = store.by_codes({str(v).strip() for r in rows if (v := r.get("code"))})
        targets: dict[int, AccountGroup | None] = {}
        for r in rows:
            row_id = r.get("id")
            current = by_id.get(row_id) if row_id is not None else by_code.get(str(r.get("code") or "").strip())
            if row_id is not None and current is None:
                errors.add(r.number, "id", "該当するグループがありません / no such account group")
                continue
            if not mode_allows(ctx.mode, current is not None, r.number, "id" if row_id else "code", errors):
                continue
            if current is not None:
                taken = by_code.get(str(r.get("code") or "").strip())
                if taken is not None and taken.id != current.id:
                    errors.add(r.number, "code", "グループコードは既に使われています / group code already used")
                    continue
                if not version_matches(r, current.version, errors):
                    continue
            targets[r.number] = current
        members = store.members({g.id for g in targets.values() if g is not None})
        refs = AccountRefs.load(stores.accounts(ctx.uow), ctx.viewer,
                                {ref for r in rows if r.number in targets for ref in member_refs(r.get("members"))},
                                ids={a for held in members.values() for a in held})
        out: list[Prepared] = []
        for r in rows:
            if r.number not in targets:
                continue
            current = targets[r.number]
            try:
                if current is None:
                    group = AccountGroup(id=ctx.ids.new_id(), code=str(r.get("code") or ""),
                                         name=str(r.get("name") or ""), description=str(r.get("description") or ""),
                                         created_at=ctx.now)
                    before: tuple[str, str, str] | None = None
                else:
                    group = current
                    before = _content(group)
                    if r.has("code"):
                        group.code = str(r.get("code") or "")
                    if r.has("name"):
                        group.name = str(r.get("name") or "").strip()
                    if r.has("description"):
                        group.description = str(r.get("description") or "").strip()
                    group.__attrs_post_init__()
            except DomainError as e:
                errors.add(r.number, column_of(e, default="code"), e.message)
                continue
            held = members.get(group.id, set())
            added: list[UUID] = []
            removed: list[UUID] = []
            if r.has("members"):
                wanted: list[UUID] = []
                unknown: list[str] = []
                for ref in member_refs(r.get("members")):
                    found = refs.find(ref)
                    if found is None or not (found.visible or found.id in held):
                        unknown.append(ref)
                    elif found.id not in wanted:
                        wanted.append(found.id)
                if unknown:
                    errors.add(r.number, "members",
                               f"取引先が見つかりません / accounts not found: {', '.join(unknown)}")
                    continue
                added = [a for a in wanted if a not in held]
                removed = sorted((a for a in held if a not in wanted and (k := refs.by_id.get(a)) is not None
                                  and k.visible), key=str)
            write = GroupWrite(group=group, added=tuple(added), removed=tuple(removed))
            if current is None:
                out.append(Prepared(row=r.number, action="insert", record=write))
            elif before == _content(group) and not added and not removed:
                out.append(Prepared(row=r.number, action="unchanged", record=write, expected_version=group.version))
            else:
                out.append(Prepared(row=r.number, action="update", record=write, expected_version=group.version))
        return out

    def write(self, uow: SalesUnitOfWork, stores: TransferStores, items: Sequence[Prepared]) -> None:
        store = stores.account_groups(uow)
        write_batch(store, items, lambda i: i.record.group)
        added = [(i.record.group.id, a) for i in items if i.action != "unchanged" for a in i.record.added]
        removed = [(i.record.group.id, a) for i in items if i.action != "unchanged" for a in i.record.removed]
        if added or removed:
            store.change_members(added, removed)

    def export_rows(self, uow: SalesUnitOfWork, stores: TransferStores, viewer: Viewer, schema: SheetSchema,
                    filters: Mapping[str, str]) -> Iterator[list[Any]]:
        keys = schema.keys
        for group, members in stores.account_groups(uow).stream(viewer, filters):
            extra = {"members": "\n".join(label for m in members if (label := account_label(m))) or None}
            yield [extra[k] if k in extra else getattr(group, k) for k in keys]
