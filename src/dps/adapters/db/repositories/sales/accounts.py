"""SQL store of accounts (取引先): the row, its staff, 非公開 allow-list and relations, and the
visibility-filtered search (flat list items read straight from the rows). Also the row <-> SalesRecord
helpers the other record stores share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar, cast
from uuid import UUID

import sqlalchemy as sa
from attrs import fields
from sqlalchemy.exc import IntegrityError

from dps.adapters.db.paging import keyset_page, resolve_sort
from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.sales.record_rows import (
    delete_record_children,
    load_relations,
    load_restrictions,
    load_staff,
    save_relations,
    save_restriction,
    save_staff,
)
from dps.adapters.db.statement_memo import memo_key, memoised_statement
from dps.adapters.db.tables.records import record_staff
from dps.adapters.db.tables.sales_accounts import account_group_members, accounts, business_cards, persons
from dps.adapters.db.tables.sales_activities import activities
from dps.adapters.db.tables.sales_campaigns import leads
from dps.adapters.db.tables.sales_opportunities import opportunities, opportunity_competitors
from dps.adapters.db.tables.sales_results import sales_results
from dps.adapters.db.visibility import mine, visible_to
from dps.application.sales.accounts.ports import AccountQuery, AccountRepository
from dps.application.sales.accounts.read_models import AccountListItem
from dps.application.shared.errors import Conflict
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.accounts import Account
from dps.domain.sales.records import RecordType, SalesRecord
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.shared.text import normalize_for_search
from dps.domain.visibility.policy import Viewer

R = TypeVar("R", bound=SalesRecord)
T = TypeVar("T")

_BASE_FIELDS = frozenset(f.name for f in fields(SalesRecord))
_CHILD_FIELDS = frozenset({"staff", "restriction", "relations", "id", "version"})


def record_values(record: SalesRecord, table: sa.Table) -> dict[str, Any]:
    """The row of a sales record: every attribute that is a column, plus is_restricted and search_text."""
    values: dict[str, Any] = {
        a.name: getattr(record, a.name) for a in fields(type(record))
        if a.name not in _CHILD_FIELDS and a.name in table.c
    }
    if record.created_at is None or record.updated_at is None:
        raise ValueError("stamp_created() the record before adding it")
    values["is_restricted"] = record.restriction is not None
    values["search_text"] = getattr(record, "search_text", "")
    return values


def record_kwargs(row: sa.Row[Any], cls: type[SalesRecord]) -> dict[str, Any]:
    """Constructor arguments of `cls` read from its row (children are added by `hydrate`)."""
    mapping = row._mapping
    skip = _CHILD_FIELDS - {"id", "version"}
    return {a.name: mapping[a.name] for a in fields(cls) if a.name not in skip and a.name in mapping}


def hydrate(
    conn: sa.Connection, tenant: Any, record_type: RecordType, rows: Sequence[sa.Row[Any]], cls: type[R],
    *, with_relations: bool = True,
) -> list[R]:
    """Records of the rows, with staff, allow-lists and relations loaded in three queries."""
    ids = [r.id for r in rows]
    if not ids:
        return []
    staff = load_staff(conn, tenant, record_type, ids)
    restrictions = load_restrictions(conn, tenant, record_type, [r.id for r in rows if r.is_restricted])
    relations = load_relations(conn, tenant, record_type, ids) if with_relations else {}
    out: list[R] = []
    for r in rows:
        kwargs = record_kwargs(r, cls)
        kwargs["owner_id"] = cast(UserId | None, kwargs.get("owner_id"))
        kwargs["owner_organization_id"] = cast(OrganizationId | None, kwargs.get("owner_organization_id"))
        kwargs["custom_fields"] = dict(kwargs.get("custom_fields") or {})
        kwargs |= {"staff": staff.get(r.id, ()), "restriction": restrictions.get(r.id)}
        if with_relations:
            kwargs["relations"] = relations.get(r.id, ())
        out.append(cls(**kwargs))
    return out


def item_columns(table: sa.Table, cls: type, **exprs: sa.ColumnElement[Any]) -> list[sa.ColumnElement[Any]]:
    """One select column per attribute of the read model `cls`, in its order, so that `cls(*row)`
    builds a list item straight from the row: the column of the same name, or the expression given."""
    return [(exprs[a.name] if a.name in exprs else table.c[a.name]).label(a.name) for a in fields(cls)]


def item_of(cls: Callable[..., T]) -> Callable[[sa.Row[Any]], T]:
    """The list item of a row selected with `item_columns(table, cls)` (positional: no per-row lookups)."""
    return lambda row: cls(*row)


def save_children(conn: sa.Connection, tenant: Any, record_type: RecordType, record: SalesRecord) -> None:
    save_staff(conn, tenant, record_type, record.id, record.staff)
    save_restriction(conn, tenant, record_type, record.id, record.restriction)
    save_relations(conn, tenant, record_type, record.id, getattr(record, "relations", ()))


def text_filter(table: sa.Table, q: str | None) -> sa.ColumnElement[bool] | None:
    """`search_text` contains the normalised words of q (each word, in any order)."""
    words = normalize_for_search(q).split() if q else []
    if not words:
        return None
    return sa.and_(*(table.c.search_text.contains(w, autoescape=True) for w in words))


def visible_account_name(table: sa.Table, viewer: Viewer) -> sa.ScalarSelect[Any]:
    """The name of the row's account (`table.account_id`), NULL when the viewer may not see that account
    (a hidden account's name must not show in another record's list)."""
    a = accounts
    return sa.select(a.c.name).where(
        a.c.tenant_id == table.c.tenant_id, a.c.id == table.c.account_id,
        visible_to(a, RecordType.ACCOUNT.value, viewer),
    ).scalar_subquery()


def staff_filter(table: sa.Table, record_type: RecordType, user_id: UUID) -> sa.ColumnElement[bool]:
    s = record_staff
    return sa.exists().where(
        s.c.tenant_id == table.c.tenant_id, s.c.record_type == record_type.value, s.c.record_id == table.c.id,
        s.c.user_id == user_id,
    )


def closed_filter(table: sa.Table, closed: bool | None) -> sa.ColumnElement[bool] | None:
    """閉鎖: True only the accounts the registry closed (closed_on set), False only the open ones."""
    if closed is None:
        return None
    return table.c.closed_on.is_not(None) if closed else table.c.closed_on.is_(None)


def custom_field_filters(table: sa.Table, values: Mapping[str, str]) -> list[sa.ColumnElement[bool]]:
    return [table.c.custom_fields[key].as_string() == value for key, value in sorted(values.items())]


def unique_conflict(error: IntegrityError, what: str, keys: Iterable[tuple[str, str]]) -> Conflict:
    """A Conflict naming the field whose unique key was taken (the constraint name says which)."""
    text = str(error.orig).lower()
    for column, label in keys:
        if column in text:
            return Conflict(f"{label} is already used by another {what} / 既に登録されています", field=column)
    return Conflict(f"{what} already exists (a unique key is taken)")


_ACCOUNT_KEYS = (("corporate_number", "法人番号 corporate number"), ("code", "code"))


class SqlAccountRepository(TenantScoped, AccountRepository):
    def add(self, account: Account) -> None:
        values = record_values(account, accounts) | {"id": account.id, "version": account.version}
        try:
            with self._conn.begin_nested():
                self._conn.execute(accounts.insert().values(tenant_id=self._tenant, **values))
        except IntegrityError as e:
            raise unique_conflict(e, "account", _ACCOUNT_KEYS) from e
        save_children(self._conn, self._tenant, RecordType.ACCOUNT, account)

    def get(self, account_id: UUID) -> Account | None:
        row = self._conn.execute(self._select(accounts, accounts.c.id == account_id)).first()
        if row is None:
            return None
        return hydrate(self._conn, self._tenant, RecordType.ACCOUNT, [row], Account)[0]

    def update(self, account: Account, expected_version: int) -> int:
        values = record_values(account, accounts)
        values.pop("created_at"), values.pop("created_by")
        try:
            with self._conn.begin_nested():
                version = self._update_versioned(accounts, account.id, expected_version, values, what="account")
        except IntegrityError as e:
            raise unique_conflict(e, "account", _ACCOUNT_KEYS) from e
        save_children(self._conn, self._tenant, RecordType.ACCOUNT, account)
        account.version = version
        return version

    def delete(self, account_id: UUID) -> list[str]:
        keys = delete_record_children(self._conn, self._tenant, RecordType.ACCOUNT, [account_id])
        self._conn.execute(account_group_members.delete().where(
            account_group_members.c.tenant_id == self._tenant, account_group_members.c.account_id == account_id))
        self._conn.execute(accounts.delete().where(accounts.c.tenant_id == self._tenant, accounts.c.id == account_id))
        return keys

    def search(self, viewer: Viewer, query: AccountQuery, page: PageRequest) -> Page[AccountListItem]:
        t = accounts
        sort = resolve_sort(page, {"name": t.c.name, "kana": t.c.kana, "updated_at": t.c.updated_at,
                                   "created_at": t.c.created_at}, default="name")
        stmt = memoised_statement(viewer, memo_key("accounts", self._tenant, query), lambda: sa.select(
            *item_columns(t, AccountListItem, website=t.c.url)).where(
            t.c.tenant_id == self._tenant, visible_to(t, RecordType.ACCOUNT.value, viewer),
            *self._filters(viewer, query)))
        return keyset_page(self._conn, stmt, sort=sort, id_column=t.c.id, request=page,
                         to_item=item_of(AccountListItem), sort_value=lambda r: getattr(r, sort.key))

    def _filters(self, viewer: Viewer, query: AccountQuery) -> list[sa.ColumnElement[bool]]:
        t = accounts
        where: list[sa.ColumnElement[bool]] = []
        if (text := text_filter(t, query.q)) is not None:
            where.append(text)
        if query.mine:
            where.append(mine(t, RecordType.ACCOUNT.value, viewer))
        if query.owner_id is not None:
            where.append(t.c.owner_id == query.owner_id)
        if query.staff_id is not None:
            where.append(staff_filter(t, RecordType.ACCOUNT, query.staff_id))
        for column in ("account_type_code", "transaction_status_code", "industry_code", "parent_account_id",
                       "corporate_number"):
            if (value := getattr(query, column)) is not None:
                where.append(t.c[column] == value)
        if (closed := closed_filter(t, query.closed)) is not None:
            where.append(closed)
        if query.group_id is not None:
            m = account_group_members
            where.append(sa.exists().where(m.c.tenant_id == t.c.tenant_id, m.c.account_id == t.c.id,
                                           m.c.group_id == query.group_id))
        where.extend(custom_field_filters(t, query.custom_fields))
        return where

    def id_by_corporate_number(self, corporate_number: str) -> UUID | None:
        return cast(UUID | None, self._conn.execute(
            sa.select(accounts.c.id).where(accounts.c.tenant_id == self._tenant,
                                           accounts.c.corporate_number == corporate_number)).scalar())

    def ancestors(self, account_id: UUID) -> list[UUID]:
        """Walks up the parent links (bounded: a corrupt loop stops where it closes)."""
        chain: list[UUID] = []
        current: UUID | None = account_id
        while current is not None:
            parent = self._conn.execute(
                sa.select(accounts.c.parent_account_id).where(accounts.c.tenant_id == self._tenant,
                                                              accounts.c.id == current)).scalar()
            if parent is None or parent in chain or parent == account_id:
                break
            chain.append(parent)
            current = parent
        return chain

    def existing(self, account_ids: Sequence[UUID]) -> set[UUID]:
        if not account_ids:
            return set()
        rows = self._conn.execute(sa.select(accounts.c.id).where(
            accounts.c.tenant_id == self._tenant, accounts.c.id.in_(list(account_ids))))
        return {r.id for r in rows}

    def references(self, account_id: UUID) -> dict[str, int]:
        checks: dict[str, tuple[sa.Table, sa.ColumnElement[bool]]] = {
            "child_accounts": (accounts, accounts.c.parent_account_id == account_id),
            "persons": (persons, persons.c.account_id == account_id),
            "opportunities": (opportunities, opportunities.c.account_id == account_id),
            "competitor_entries": (
                opportunity_competitors, opportunity_competitors.c.competitor_account_id == account_id),
            "activities": (activities, activities.c.account_id == account_id),
            "leads": (leads, leads.c.converted_account_id == account_id),
            "business_cards": (business_cards, business_cards.c.account_id == account_id),
            "sales_results": (sales_results, sales_results.c.account_id == account_id),
        }
        found: dict[str, int] = {}
        for kind, (table, condition) in checks.items():
            n = self._conn.execute(
                sa.select(sa.func.count()).select_from(table).where(table.c.tenant_id == self._tenant, condition)
            ).scalar_one()
            if n:
                found[kind] = int(n)
        return found
