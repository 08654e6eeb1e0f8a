"""Accounts in bulk: key lookups with the visibility flag, chunked loads, executemany insert/update,
and the keyset-paged export stream (visibility filter in SQL)."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any, cast
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.sales.accounts import (
    _ACCOUNT_KEYS,
    closed_filter,
    hydrate,
    record_kwargs,
    text_filter,
    unique_conflict,
)
from dps.adapters.db.repositories.transfer.common import chunked, versioned_update
from dps.adapters.db.tables.directory import users
from dps.adapters.db.tables.sales_accounts import accounts
from dps.adapters.db.visibility import visible_to
from dps.application.transfer.ports_store import AccountBulkStore, AccountKey
from dps.domain.sales.accounts import Account
from dps.domain.sales.records import RecordType
from dps.domain.visibility.policy import Viewer

DATA_COLUMNS: tuple[str, ...] = (
    "code", "name", "kana", "short_name", "corporate_number", "postal_code", "prefecture", "address", "phone",
    "fax", "url", "industry_code", "size_code", "account_type_code", "transaction_status_code",
    "parent_account_id", "employees", "notes", "en_name", "closed_on", "close_cause", "successor_corporate_number",
    "owner_id", "owner_organization_id", "custom_fields", "updated_by", "updated_at",
)
"""What an import writes (staff, 非公開 allow-lists and relations are not in the sheet)."""


def _row(a: Account) -> dict[str, Any]:
    values = {c: getattr(a, c) for c in DATA_COLUMNS}
    values["search_text"] = a.search_text
    return values


class SqlAccountBulkStore(TenantScoped, AccountBulkStore):
    def keys(self, viewer: Viewer, *, ids: Collection[UUID] = (), codes: Collection[str] = (),
             corporate_numbers: Collection[str] = ()) -> list[AccountKey]:
        t = accounts
        visible = visible_to(t, RecordType.ACCOUNT.value, viewer).label("visible")
        found: dict[UUID, AccountKey] = {}
        for column, values in ((t.c.id, ids), (t.c.code, codes), (t.c.corporate_number, corporate_numbers)):
            for part in chunked(values):
                rows = self._conn.execute(sa.select(t.c.id, t.c.code, t.c.corporate_number, t.c.version, visible)
                                          .where(t.c.tenant_id == self._tenant, column.in_(part)))
                for r in rows:
                    found[r.id] = AccountKey(id=r.id, code=r.code, corporate_number=r.corporate_number,
                                             version=r.version, visible=bool(r.visible))
        return list(found.values())

    def load(self, ids: Collection[UUID]) -> dict[UUID, Account]:
        out: dict[UUID, Account] = {}
        for part in chunked(ids, 500):
            rows = list(self._conn.execute(self._select(accounts, accounts.c.id.in_(part))))
            for a in hydrate(self._conn, self._tenant, RecordType.ACCOUNT, rows, Account, with_relations=False):
                out[a.id] = a
        return out

    def insert(self, items: Sequence[Account]) -> None:
        rows = [_row(a) | {"tenant_id": self._tenant, "id": a.id, "version": a.version, "is_restricted": False,
                           "created_by": a.created_by, "created_at": a.created_at} for a in items]
        try:
            with self._conn.begin_nested():
                self._conn.execute(accounts.insert(), rows)
        except IntegrityError as e:
            raise unique_conflict(e, "account", _ACCOUNT_KEYS) from e

    def update(self, items: Sequence[tuple[Account, int]]) -> None:
        rows = [_row(a) | {"b_id": a.id, "b_version": v} for a, v in items]
        try:
            with self._conn.begin_nested():
                versioned_update(self._conn, accounts, self._tenant, rows, what="accounts")
        except IntegrityError as e:
            raise unique_conflict(e, "account", _ACCOUNT_KEYS) from e
        for a, v in items:
            a.version = v + 1

    def stream(self, viewer: Viewer, filters: Mapping[str, str], page_size: int = 1000
               ) -> Iterator[tuple[Account, str | None, str | None]]:
        t = accounts
        parent = accounts.alias("parent")
        owner = users.alias("owner")
        parent_visible = visible_to(cast(sa.Table, parent), RecordType.ACCOUNT.value, viewer)
        where: list[sa.ColumnElement[bool]] = [t.c.tenant_id == self._tenant,
                                               visible_to(t, RecordType.ACCOUNT.value, viewer)]
        if (text := text_filter(t, filters.get("q"))) is not None:
            where.append(text)
        closed = filters.get("closed")  # "true" / "false" as the accounts kind normalised it
        if (status := closed_filter(t, None if closed is None else closed == "true")) is not None:
            where.append(status)
        stmt = (sa.select(t, owner.c.login_id.label("owner_login"),
                          sa.func.coalesce(parent.c.corporate_number, parent.c.code).label("parent_key"))
                .select_from(t.outerjoin(owner, sa.and_(owner.c.tenant_id == t.c.tenant_id,
                                                        owner.c.id == t.c.owner_id))
                             .outerjoin(parent, sa.and_(parent.c.tenant_id == t.c.tenant_id,
                                                        parent.c.id == t.c.parent_account_id,
                                                        parent_visible)))
                .where(*where).order_by(t.c.id).limit(page_size))
        last: UUID | None = None
        while True:
            page = list(self._conn.execute(stmt if last is None else stmt.where(t.c.id > last)))
            for r in page:
                kwargs = record_kwargs(r, Account)
                kwargs["custom_fields"] = dict(kwargs.get("custom_fields") or {})
                yield Account(**kwargs), r.owner_login, r.parent_key
            if len(page) < page_size:
                return
            last = page[-1].id
