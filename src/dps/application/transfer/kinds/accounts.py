"""取引先 accounts as a sheet. Natural key: 法人番号 (corporate number) when given, else the account
code; the parent account is named by corporate number or code, the owner by login id; custom fields
are `cf.<key>` columns. The registry status columns: 英語名, 閉鎖日 (a date), 閉鎖事由 (the NTA's code
01/11/21/31, or its text, which is stored as the code) and 承継法人番号 (check digit validated). Staff,
非公開 allow-lists and relations are not in the sheet: an update keeps them, an insert creates an
unrestricted account owned by the owner column (else the acting user)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import Invalid
from dps.application.transfer.kinds.base import ImportContext, ParsedRow, Prepared
from dps.application.transfer.kinds.common import (
    CF_PREFIX,
    SalesRecordKind,
    acting_user,
    check_duplicates,
    column_of,
    custom_cell,
    custom_values,
    mode_allows,
    version_matches,
    write_batch,
)
from dps.application.transfer.ports_store import AccountBulkStore, AccountKey, TransferStores
from dps.application.transfer.schema import Column, ColumnType, SheetSchema
from dps.domain.catalog.custom_fields import CustomFieldSchema
from dps.domain.sales.accounts import ACCOUNT_CODE_LISTS, EDITABLE_FIELDS, Account
from dps.domain.sales.records import SalesRecord
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.visibility.policy import Viewer, can_edit, can_view

T, N, D, C = ColumnType.TEXT, ColumnType.INTEGER, ColumnType.ID, ColumnType.CODE

COLUMNS: tuple[Column, ...] = (
    Column("id", "取引先ID", "Account ID", D),
    Column("version", "バージョン", "Version", N),
    Column("code", "取引先コード", "Account code", T, max_length=64),
    Column("name", "取引先名", "Name", T, required=True, max_length=200),
    Column("kana", "取引先名カナ", "Name (kana)", T, max_length=200),
    Column("short_name", "略称", "Short name", T, max_length=100),
    Column("corporate_number", "法人番号", "Corporate number", T, max_length=13),
    Column("postal_code", "郵便番号", "Postal code", T, max_length=8),
    Column("prefecture", "都道府県", "Prefecture", T, max_length=10),
    Column("address", "住所", "Address", T, max_length=400),
    Column("phone", "電話番号", "Phone", T, max_length=32),
    Column("fax", "FAX", "Fax", T, max_length=32),
    Column("url", "URL", "URL", T, max_length=400),
    Column("industry_code", "業種", "Industry", C, code_list="industry"),
    Column("size_code", "企業規模", "Company size", C, code_list="company_size"),
    Column("account_type_code", "取引先区分", "Account type", C, code_list="account_type"),
    Column("transaction_status_code", "取引状況", "Transaction status", C, code_list="transaction_status"),
    Column("parent", "親取引先", "Parent account", ColumnType.REFERENCE, reference="account"),
    Column("owner", "担当者", "Owner", ColumnType.REFERENCE, reference="user"),
    Column("employees", "従業員数", "Employees", N),
    Column("notes", "備考", "Notes", T, max_length=20000),
    Column("en_name", "英語名", "English name", T, max_length=200),
    Column("closed_on", "閉鎖日", "Closed on", ColumnType.DATE),
    Column("close_cause", "閉鎖事由", "Close cause", T, max_length=100),
    Column("successor_corporate_number", "承継法人番号", "Successor corporate number", T, max_length=13),
)

DATA_FIELDS: tuple[str, ...] = tuple(c.key for c in COLUMNS if c.key in EDITABLE_FIELDS)
"""The sheet columns that are plain account attributes."""
_NULLABLE = frozenset({"code", "corporate_number", "closed_on", "close_cause", "successor_corporate_number",
                       *ACCOUNT_CODE_LISTS})
_ALIASES = {"parent_account_id": "parent", "owner_id": "owner"}
_CORPORATE_NUMBER = re.compile(r"^\d{13}$")
_NOT_EDITABLE = "この取引先を更新する権限がありません / you may not change this account"
_TRUE, _FALSE = frozenset({"true", "1", "yes", "on"}), frozenset({"false", "0", "no", "off"})


def _field_value(key: str, value: Any) -> Any:
    if value is None:
        return None if key in _NULLABLE else ("" if key != "employees" else None)
    if isinstance(value, str):
        return value.strip() or (None if key in _NULLABLE else "")
    if isinstance(value, date):
        return value
    if key in _NULLABLE or (key not in ("employees",) and not isinstance(value, str)):
        return str(value)
    return value


def export_filters(filters: Mapping[str, str]) -> dict[str, str]:
    """The export's filters with `closed` (閉鎖) normalised to "true" (only the accounts the registry closed)
    or "false" (only the open ones), or left out (both); any other value is Invalid naming `closed`."""
    out = {k: v for k, v in filters.items() if k != "closed"}
    raw = (filters.get("closed") or "").strip().lower()
    if raw in _TRUE:
        out["closed"] = "true"
    elif raw in _FALSE:
        out["closed"] = "false"
    elif raw:
        raise Invalid.field("closed", f"'{filters['closed']}': true (閉鎖のみ) か false (閉鎖を除く) で指定してください"
                                      " / closed is true (closed only) or false (open only)")
    return out


def _content(a: Account) -> tuple[Any, ...]:
    """What an import may change; equal before and after means the row changes nothing."""
    return (*(getattr(a, k) for k in DATA_FIELDS), a.parent_account_id, a.owner_id, a.custom_fields)


class AccountsKind(SalesRecordKind):
    name = "accounts"
    entity: str | None = "account"
    unique_columns: tuple[str, ...] = ("id", "corporate_number", "code")

    def base_schema(self) -> SheetSchema:
        return SheetSchema(kind=self.name, sheet_title="取引先", columns=COLUMNS,
                           natural_key=("corporate_number", "code"))

    # -- import
    def prepare(self, ctx: ImportContext, stores: TransferStores, rows: Sequence[ParsedRow]) -> list[Prepared]:
        errors = ctx.errors
        self._before: dict[UUID, tuple[Any, ...]] = {}
        store = stores.accounts(ctx.uow)
        rows = check_duplicates(rows, self.unique_columns, errors)
        ids = {v for r in rows if isinstance(v := r.get("id"), UUID)}
        codes = {v for r in rows if (v := r.get("code"))}
        cns = {v for r in rows if (v := r.get("corporate_number"))}
        parent_refs = {str(v).strip() for r in rows if (v := r.get("parent"))}
        keys = store.keys(ctx.viewer, ids=ids, codes=codes | {p for p in parent_refs if not _CORPORATE_NUMBER.match(p)},
                          corporate_numbers=cns | {p for p in parent_refs if _CORPORATE_NUMBER.match(p)})
        by_id = {k.id: k for k in keys}
        by_code = {k.code: k for k in keys if k.code}
        by_cn = {k.corporate_number: k for k in keys if k.corporate_number}
        # which existing account each row targets
        targets: dict[int, AccountKey | None] = {}
        for r in rows:
            targets[r.number] = self._target(r, by_id, by_cn, by_code)
        existing = store.load([k.id for k in targets.values() if k is not None])
        current_parents = {a.parent_account_id for a in existing.values() if a.parent_account_id is not None}
        hidden_parents = {k.id for k in store.keys(ctx.viewer, ids=current_parents) if not k.visible}
        owners = {str(v).strip() for r in rows if (v := r.get("owner"))}
        directory = stores.directory(ctx.uow)
        users = directory.users_by_login(owners)
        custom = ctx.uow.custom_fields.schema_for("account")
        rule = ctx.uow.tenant().update_rule
        acting = acting_user(ctx, directory)
        self._acting, self._now = acting, ctx.now

        prepared: list[Prepared] = []
        file_ids: dict[str, UUID] = {}  # corporate number / code of a row -> the account id it will have
        parents: dict[int, str] = {}
        for r in rows:
            target = targets[r.number]
            key_column = "id" if r.get("id") is not None else ("corporate_number" if r.get("corporate_number")
                                                                 else "code")
            if r.get("id") is not None and target is None:
                errors.add(r.number, "id", "該当する取引先がありません / no such account")
                continue
            if not mode_allows(ctx.mode, target is not None, r.number, key_column, errors):
                continue
            item = (self._update(ctx, r, existing[target.id], custom, rule) if target is not None
                    else self._insert(ctx, r, custom, acting))
            if item is None:
                continue
            account: Account = item.record
            if not self._keys_free(r, account, by_code, by_cn, errors):
                continue
            for k in (account.corporate_number, account.code):
                if k:
                    file_ids[k] = account.id
            if r.has("parent"):
                parents[r.number] = str(r.get("parent") or "").strip()
            prepared.append(item)
        self._owners(ctx, directory, prepared, rows, users)
        return self._parents(ctx, prepared, parents, by_code, by_cn, file_ids, hidden_parents)

    @staticmethod
    def _target(r: ParsedRow, by_id: Mapping[UUID, AccountKey], by_cn: Mapping[str, AccountKey],
                by_code: Mapping[str, AccountKey]) -> AccountKey | None:
        row_id = r.get("id")
        if row_id is not None:
            return by_id.get(row_id)
        cn, code = r.get("corporate_number"), r.get("code")
        found = by_cn.get(cn) if cn else None
        if found is None and code and not cn:
            found = by_code.get(code)
        return found if found is not None else None

    def _insert(self, ctx: ImportContext, r: ParsedRow, custom: CustomFieldSchema, acting: UserId | None
                ) -> Prepared | None:
        values = {k: _field_value(k, r.get(k)) for k in DATA_FIELDS if r.has(k)}
        try:
            account = Account(id=ctx.ids.new_id(), **values)
            account.custom_fields = custom.validate(custom_values(r))
        except DomainError as e:
            ctx.errors.add(r.number, column_of(e, _ALIASES, "name"), e.message)
            return None
        if not r.get("owner"):
            account.owner_id = acting
        account.created_by = account.updated_by = acting
        account.created_at = account.updated_at = ctx.now
        return Prepared(row=r.number, action="insert", record=account)

    def _update(self, ctx: ImportContext, r: ParsedRow, account: Account, custom: CustomFieldSchema,
                rule: Any) -> Prepared | None:
        if not can_view(ctx.viewer, account.access):
            ctx.errors.add(r.number, "id", "該当する取引先がありません / no such account")
            return None
        if not can_edit(ctx.viewer, account.access, rule):
            ctx.errors.add(r.number, None, _NOT_EDITABLE)
            return None
        if not version_matches(r, account.version, ctx.errors):
            return None
        before = _content(account)
        try:
            for k in DATA_FIELDS:
                if r.has(k):
                    setattr(account, k, _field_value(k, r.get(k)))
            changes = custom_values(r)
            if changes:
                account.custom_fields = custom.apply_changes(account.custom_fields, changes)
            account.__attrs_post_init__()
        except DomainError as e:
            ctx.errors.add(r.number, column_of(e, _ALIASES), e.message)
            return None
        self._before[account.id] = before
        return Prepared(row=r.number, action="update", record=account, expected_version=account.version)

    @staticmethod
    def _keys_free(r: ParsedRow, account: Account, by_code: Mapping[str, AccountKey],
                   by_cn: Mapping[str, AccountKey], errors: Any) -> bool:
        ok = True
        for column, value, index in (("corporate_number", account.corporate_number, by_cn),
                                     ("code", account.code, by_code)):
            holder = index.get(value) if value else None
            if holder is not None and holder.id != account.id:
                errors.add(r.number, column,
                           f"{value} は既に別の取引先に登録されています / already used by another account")
                ok = False
        return ok

    @staticmethod
    def _owners(ctx: ImportContext, directory: Any, prepared: list[Prepared], rows: Sequence[ParsedRow],
                users: Mapping[str, Any]) -> None:
        """Owner by login id (active users only) and the owner's primary organisation, in bulk."""
        by_number = {r.number: r for r in rows}
        for item in prepared:
            login = by_number[item.row].get("owner")
            if login:
                user = users.get(str(login).strip())
                if user is None or not user.is_active:
                    ctx.errors.add(item.row, "owner", f"担当者 '{login}' が見つかりません / no such active user")
                    continue
                item.record.owner_id = user.id
        owner_ids = {i.record.owner_id for i in prepared if i.record.owner_id is not None}
        orgs = directory.primary_organizations(owner_ids, ctx.today)
        for item in prepared:
            a: SalesRecord = item.record
            org = orgs.get(a.owner_id) if a.owner_id is not None else None
            a.owner_organization_id = OrganizationId(org) if org is not None else None

    def _parents(self, ctx: ImportContext, prepared: list[Prepared], parents: Mapping[int, str],
                 by_code: Mapping[str, AccountKey], by_cn: Mapping[str, AccountKey],
                 file_ids: Mapping[str, UUID], hidden_parents: Collection[UUID] = ()) -> list[Prepared]:
        """親取引先: a row of the file or a visible account; rows whose parent is another new row of the
        file are ordered after it (depth), and a loop inside the file is an error. An empty cell clears
        the parent, except a parent the importing user cannot see (the export left it empty)."""
        link: dict[UUID, UUID | None] = {}
        new_ids = {i.record.id for i in prepared if i.action == "insert"}
        for item in prepared:
            ref = parents.get(item.row)
            account: Account = item.record
            if ref is None:
                continue
            if ref == "":
                if account.parent_account_id not in hidden_parents:
                    account.parent_account_id = None
                continue
            parent_id = file_ids.get(ref)
            if parent_id is None:
                found = (by_cn if _CORPORATE_NUMBER.match(ref) else by_code).get(ref)
                if found is None or not (found.visible or found.id == account.parent_account_id):
                    ctx.errors.add(item.row, "parent", f"親取引先 '{ref}' が見つかりません / parent account not found")
                    continue
                parent_id = found.id
            if parent_id == account.id:
                ctx.errors.add(item.row, "parent",
                               "自分自身は親取引先にできません / an account cannot be its own parent")
                continue
            account.parent_account_id = parent_id
            link[account.id] = parent_id
        depth: dict[UUID, int] = {}

        def depth_of(account_id: UUID, trail: tuple[UUID, ...] = ()) -> int:
            if account_id in depth:
                return depth[account_id]
            parent = link.get(account_id)
            if parent is None or (parent not in link and parent not in new_ids):
                depth[account_id] = 0
                return 0
            if parent in trail:
                raise DomainError("親取引先が循環しています / the parent account would create a cycle")
            depth[account_id] = depth_of(parent, (*trail, account_id)) + 1
            return depth[account_id]

        out: list[Prepared] = []
        for item in prepared:
            if item.row in ctx.errors.rows:
                continue
            try:
                d = depth_of(item.record.id, ())
            except DomainError as e:
                ctx.errors.add(item.row, "parent", e.message)
                continue
            action = item.action
            if action == "update" and _content(item.record) == self._before.get(item.record.id):
                action = "unchanged"
            elif action == "update":
                item.record.updated_by, item.record.updated_at = self._acting, self._now
            out.append(Prepared(row=item.row, action=action, record=item.record,
                                expected_version=item.expected_version, depth=d))
        return out

    def write(self, uow: SalesUnitOfWork, stores: TransferStores, items: Sequence[Prepared]) -> None:
        store: AccountBulkStore = stores.accounts(uow)
        write_batch(store, sorted(items, key=lambda i: i.depth))  # parents before the rows naming them

    # -- export
    def export_rows(self, uow: SalesUnitOfWork, stores: TransferStores, viewer: Viewer, schema: SheetSchema,
                    filters: Mapping[str, str]) -> Iterator[list[Any]]:
        """Filters: `q` (words) and `closed` (see `export_filters`); a bad one raises Invalid before any row."""
        return self._rows(uow, stores, viewer, schema, export_filters(filters))

    @staticmethod
    def _rows(uow: SalesUnitOfWork, stores: TransferStores, viewer: Viewer, schema: SheetSchema,
              filters: Mapping[str, str]) -> Iterator[list[Any]]:
        columns = schema.columns
        for account, owner_login, parent_key in stores.accounts(uow).stream(viewer, filters):
            extra = {"parent": parent_key, "owner": owner_login}
            cf = account.custom_fields
            yield [
                custom_cell(c, cf.get(c.key[len(CF_PREFIX):])) if c.custom
                else extra[c.key] if c.key in extra else getattr(account, c.key)
                for c in columns
            ]



