"""パーソン persons as a sheet. A person belongs to one account, named in the `account` column by
法人番号 (corporate number), account code or account id; the owner by login id; custom fields are
`cf.<key>` columns. Natural key without an id: the account + e-mail address (a row without an id and
without an e-mail is always a new person). Staff, 非公開 allow-lists and relations are not in the sheet:
an update keeps them, an insert creates an unrestricted person owned by the owner column (else the
acting user). Department and title are plain columns here; a business-card import (`cards`) moves them.

Also the account-reference helpers the cards and account-groups sheets share."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any
from uuid import UUID

from attrs import define, field

from dps.application.sales.uow import SalesUnitOfWork
from dps.application.transfer.kinds.base import ErrorSink, ImportContext, ParsedRow, Prepared
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
from dps.application.transfer.ports_store import (
    AccountBulkStore,
    AccountKey,
    DirectoryLookup,
    PersonKey,
    TransferStores,
)
from dps.application.transfer.schema import Column, ColumnType, SheetSchema
from dps.domain.catalog.custom_fields import CustomFieldSchema
from dps.domain.sales.persons import Person
from dps.domain.sales.records import SalesRecord
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.visibility.policy import Viewer, can_edit, can_view

T, B, R = ColumnType.TEXT, ColumnType.BOOLEAN, ColumnType.REFERENCE

COLUMNS: tuple[Column, ...] = (
    Column("id", "パーソンID", "Person ID", ColumnType.ID),
    Column("version", "バージョン", "Version", ColumnType.INTEGER),
    Column("account", "取引先", "Account", R, reference="account"),
    Column("last_name", "姓", "Last name", T, required=True, max_length=100),
    Column("first_name", "名", "First name", T, max_length=100),
    Column("last_name_kana", "姓カナ", "Last name (kana)", T, max_length=100),
    Column("first_name_kana", "名カナ", "First name (kana)", T, max_length=100),
    Column("department", "部署", "Department", T, max_length=200),
    Column("title", "役職", "Title", T, max_length=200),
    Column("email", "メールアドレス", "E-mail", T, max_length=254),
    Column("phone", "電話番号", "Phone", T, max_length=32),
    Column("mobile", "携帯電話", "Mobile", T, max_length=32),
    Column("fax", "FAX", "Fax", T, max_length=32),
    Column("postal_code", "郵便番号", "Postal code", T, max_length=8),
    Column("address", "住所", "Address", T, max_length=400),
    Column("score", "パーソンスコア", "Score", ColumnType.INTEGER),
    Column("is_retired", "退職", "Retired", B),
    Column("dm_opt_out", "DM不要", "No direct mail", B),
    Column("owner", "担当者", "Owner", R, reference="user"),
    Column("notes", "備考", "Notes", T, max_length=20000),
)
TEXT_FIELDS = ("last_name", "first_name", "last_name_kana", "first_name_kana", "department", "title", "email",
               "phone", "mobile", "fax", "postal_code", "address", "notes")
_ALIASES = {"account_id": "account", "owner_id": "owner"}
NO_ACCOUNT = "取引先が見つかりません / account not found"
NOT_EDITABLE = "このパーソンを更新する権限がありません / you may not change this person"

# -- account references (shared with the cards and account-groups sheets) ---------------------------------

_CORPORATE_NUMBER = re.compile(r"^\d{13}$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def account_label(key: AccountKey | None) -> str | None:
    """How a sheet names an account: its corporate number, else its code, else its id."""
    if key is None:
        return None
    return key.corporate_number or key.code or str(key.id)


@define
class AccountRefs:
    """Accounts named in a file by id, corporate number or code, looked up in one go (one query per
    kind of key), visible or not: the caller decides what an invisible account means."""

    by_id: dict[UUID, AccountKey] = field(factory=dict)
    by_cn: dict[str, AccountKey] = field(factory=dict)
    by_code: dict[str, AccountKey] = field(factory=dict)

    @classmethod
    def load(cls, store: AccountBulkStore, viewer: Viewer, refs: Iterable[str],
             ids: Collection[UUID] = ()) -> AccountRefs:
        id_refs, cns, codes = set(ids), set(), set()
        for ref in refs:
            if _UUID.match(ref):
                id_refs.add(UUID(ref))
            elif _CORPORATE_NUMBER.match(ref):
                cns.add(ref)
            else:
                codes.add(ref)
        keys = store.keys(viewer, ids=id_refs, codes=codes, corporate_numbers=cns)
        return cls(by_id={k.id: k for k in keys}, by_cn={k.corporate_number: k for k in keys if k.corporate_number},
                   by_code={k.code: k for k in keys if k.code})

    def find(self, ref: str) -> AccountKey | None:
        if _UUID.match(ref):
            return self.by_id.get(UUID(ref))
        return (self.by_cn if _CORPORATE_NUMBER.match(ref) else self.by_code).get(ref)


def ref_text(value: Any) -> str:
    """A reference cell as text ('' when empty)."""
    return str(value).strip() if value is not None else ""


def resolve_owners(ctx: ImportContext, directory: DirectoryLookup, prepared: Sequence[Prepared],
                   logins: Mapping[int, str]) -> None:
    """Owner by login id (active users only; row -> login) and every record's owner organisation
    (the owner's 主所属 today), in bulk."""
    users = directory.users_by_login(set(logins.values()))
    for item in prepared:
        login = logins.get(item.row)
        if login:
            user = users.get(login)
            if user is None or not user.is_active:
                ctx.errors.add(item.row, "owner", f"担当者 '{login}' が見つかりません / no such active user")
                continue
            item.record.owner_id = user.id
    orgs = directory.primary_organizations({i.record.owner_id for i in prepared if i.record.owner_id}, ctx.today)
    for item in prepared:
        record: SalesRecord = item.record
        org = orgs.get(record.owner_id) if record.owner_id is not None else None
        record.owner_organization_id = OrganizationId(org) if org is not None else None


def _content(p: Person) -> tuple[Any, ...]:
    return (*(getattr(p, k) for k in TEXT_FIELDS), p.score, p.is_retired, p.dm_opt_out, p.account_id, p.owner_id,
            p.custom_fields)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class PersonsKind(SalesRecordKind):
    name = "persons"
    entity: str | None = "person"

    def base_schema(self) -> SheetSchema:
        return SheetSchema(kind=self.name, sheet_title="パーソン", columns=COLUMNS, natural_key=("account", "email"))

    # -- import
    def prepare(self, ctx: ImportContext, stores: TransferStores, rows: Sequence[ParsedRow]) -> list[Prepared]:
        errors = ctx.errors
        rows = _natural_duplicates(check_duplicates(rows, ("id",), errors), errors)
        store = stores.persons(ctx.uow)
        refs = AccountRefs.load(stores.accounts(ctx.uow), ctx.viewer,
                                {t for r in rows if (t := ref_text(r.get("account")))})
        ids = {v for r in rows if isinstance(v := r.get("id"), UUID)}
        by_email_accounts = {k.id for r in rows if r.get("id") is None and r.get("email")
                             and (k := refs.find(ref_text(r.get("account")))) is not None}
        keys = store.keys(ctx.viewer, ids=ids, account_ids=by_email_accounts)
        by_id = {k.id: k for k in keys}
        by_email: dict[tuple[UUID, str], list[PersonKey]] = {}
        for pk in keys:
            if pk.email and pk.visible:  # a person the user cannot see is never matched (nor revealed)
                by_email.setdefault((pk.account_id, pk.email.casefold()), []).append(pk)
        targets: dict[int, UUID | None] = {}
        for r in rows:
            target = self._target(r, refs, by_id, by_email, errors)
            if target is not False:
                targets[r.number] = target if isinstance(target, UUID) else None
        existing = store.load({t for t in targets.values() if t is not None})
        custom = ctx.uow.custom_fields.schema_for("person")
        rule = ctx.uow.tenant().update_rule
        directory = stores.directory(ctx.uow)
        acting = acting_user(ctx, directory)
        prepared: list[Prepared] = []
        before: dict[UUID, tuple[Any, ...]] = {}
        logins: dict[int, str] = {}
        for r in rows:
            if r.number not in targets:
                continue
            target = targets[r.number]
            if not mode_allows(ctx.mode, target is not None, r.number, "id" if r.get("id") else "email", errors):
                continue
            if target is None:
                item = self._insert(ctx, r, refs, custom, acting)
            else:
                person = existing[target]
                if not can_view(ctx.viewer, person.access):
                    errors.add(r.number, "id", "該当するパーソンがありません / no such person")
                    continue
                if not can_edit(ctx.viewer, person.access, rule):
                    errors.add(r.number, None, NOT_EDITABLE)
                    continue
                if not version_matches(r, person.version, errors):
                    continue
                before[person.id] = _content(person)
                item = self._update(ctx, r, person, refs, custom)
            if item is None:
                continue
            if owner := ref_text(r.get("owner")):
                logins[r.number] = owner
            prepared.append(item)
        resolve_owners(ctx, directory, prepared, logins)
        out: list[Prepared] = []
        for item in prepared:
            if item.row in errors.rows:
                continue
            p: Person = item.record
            if item.action == "update":
                if _content(p) == before[p.id]:
                    item = Prepared(row=item.row, action="unchanged", record=p, expected_version=item.expected_version)
                else:
                    p.updated_by, p.updated_at = acting, ctx.now
            out.append(item)
        return out

    @staticmethod
    def _target(r: ParsedRow, refs: AccountRefs, by_id: Mapping[UUID, PersonKey],
                by_email: Mapping[tuple[UUID, str], list[PersonKey]], errors: ErrorSink) -> UUID | bool | None:
        """The existing person a row names (None: a new one; False: an error was recorded)."""
        row_id = r.get("id")
        if row_id is not None:
            found = by_id.get(row_id)
            if found is None or not found.visible:
                errors.add(r.number, "id", "該当するパーソンがありません / no such person")
                return False
            return found.id
        account = refs.find(ref_text(r.get("account")))
        email = _text(r.get("email")).strip().casefold()
        if account is None or not email:
            return None
        matches = by_email.get((account.id, email), [])
        if len(matches) > 1:
            errors.add(r.number, "email", "同じメールアドレスのパーソンが複数います / several persons of the account "
                       "have this e-mail; give the person id")
            return False
        return matches[0].id if matches else None

    @staticmethod
    def _account(ctx: ImportContext, r: ParsedRow, refs: AccountRefs, current: UUID | None) -> UUID | bool | None:
        """The account the row names (None: the cell is empty; False: an error was recorded). The
        account must be one the user may see, or the person's current one."""
        ref = ref_text(r.get("account"))
        if not ref:
            return None
        found = refs.find(ref)
        if found is None or not (found.visible or found.id == current):
            ctx.errors.add(r.number, "account", f"{NO_ACCOUNT} ({ref})")
            return False
        return found.id

    def _insert(self, ctx: ImportContext, r: ParsedRow, refs: AccountRefs, custom: CustomFieldSchema,
                acting: UserId | None) -> Prepared | None:
        account = self._account(ctx, r, refs, None)
        if account is None:
            ctx.errors.add(r.number, "account", "取引先は必須です / the account is required")
        if not isinstance(account, UUID):
            return None
        try:
            person = Person(id=ctx.ids.new_id(), account_id=account, last_name=_text(r.get("last_name")))
            person.change({k: _text(r.get(k)) for k in TEXT_FIELDS if r.has(k) and k != "last_name"})
            person.change({k: r.get(k) for k in ("score",) if r.has(k)})
            person.change({k: bool(r.get(k)) for k in ("is_retired", "dm_opt_out") if r.get(k) is not None})
            person.custom_fields = custom.validate(custom_values(r))
        except DomainError as e:
            ctx.errors.add(r.number, column_of(e, _ALIASES, "last_name"), e.message)
            return None
        person.owner_id = acting
        person.created_by = person.updated_by = acting
        person.created_at = person.updated_at = ctx.now
        return Prepared(row=r.number, action="insert", record=person)

    def _update(self, ctx: ImportContext, r: ParsedRow, person: Person, refs: AccountRefs,
                custom: CustomFieldSchema) -> Prepared | None:
        account = self._account(ctx, r, refs, person.account_id)
        if account is False:
            return None
        try:
            person.change({k: _text(r.get(k)) for k in TEXT_FIELDS if r.has(k)})
            person.change({k: r.get(k) for k in ("score",) if r.has(k)})
            person.change({k: bool(r.get(k)) for k in ("is_retired", "dm_opt_out") if r.get(k) is not None})
            if isinstance(account, UUID):
                person.move_to(account)
            changes = custom_values(r)
            if changes:
                person.custom_fields = custom.apply_changes(person.custom_fields, changes)
        except DomainError as e:
            ctx.errors.add(r.number, column_of(e, _ALIASES), e.message)
            return None
        return Prepared(row=r.number, action="update", record=person, expected_version=person.version)

    def write(self, uow: SalesUnitOfWork, stores: TransferStores, items: Sequence[Prepared]) -> None:
        write_batch(stores.persons(uow), items)

    # -- export
    def export_rows(self, uow: SalesUnitOfWork, stores: TransferStores, viewer: Viewer, schema: SheetSchema,
                    filters: Mapping[str, str]) -> Iterator[list[Any]]:
        columns = schema.columns
        for person, owner_login, account in stores.persons(uow).stream(viewer, filters):
            extra = {"account": account_label(account), "owner": owner_login}
            cf = person.custom_fields
            yield [
                custom_cell(c, cf.get(c.key[len(CF_PREFIX):])) if c.custom
                else extra[c.key] if c.key in extra else getattr(person, c.key)
                for c in columns
            ]


def _natural_duplicates(rows: Sequence[ParsedRow], errors: ErrorSink) -> list[ParsedRow]:
    """Two rows without an id naming the same account + e-mail: the later one is an error."""
    seen: dict[tuple[str, str], int] = {}
    kept: list[ParsedRow] = []
    for r in rows:
        email = _text(r.get("email")).strip().casefold()
        if r.get("id") is None and email:
            first = seen.setdefault((ref_text(r.get("account")), email), r.number)
            if first != r.number:
                errors.add(r.number, "email",
                           f"ファイル内で重複しています (行 {first}) / duplicate of row {first} in the file")
                continue
        kept.append(r)
    return kept
