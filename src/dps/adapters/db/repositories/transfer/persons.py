"""Persons in bulk: key lookups (by id or by account) with the visibility flag, chunked loads,
executemany insert/update, the position writes of a card import, and the keyset-paged export stream."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any, cast
from uuid import UUID

import sqlalchemy as sa

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.sales.accounts import hydrate, record_kwargs, record_values, text_filter
from dps.adapters.db.repositories.transfer.common import chunked, versioned_update
from dps.adapters.db.tables.directory import users
from dps.adapters.db.tables.sales_accounts import accounts, persons
from dps.adapters.db.visibility import visible_to
from dps.application.transfer.ports_store import AccountKey, PersonBulkStore, PersonKey, PersonMove
from dps.domain.sales.persons import Person
from dps.domain.sales.records import RecordType
from dps.domain.visibility.policy import Viewer


def _row(p: Person) -> dict[str, Any]:
    values = record_values(p, persons)
    for key in ("id", "version", "created_at", "created_by", "is_restricted"):
        values.pop(key, None)
    return values


def account_columns(account: Any) -> list[sa.ColumnElement[Any]]:
    """The columns naming a joined account (`acc_id`, `acc_code`, `acc_cn`) for `account_key`."""
    return [account.c.id.label("acc_id"), account.c.code.label("acc_code"),
            account.c.corporate_number.label("acc_cn")]


def account_key(row: Any) -> AccountKey | None:
    """The joined account of a row selected with `account_columns` (None: none, or not visible)."""
    m = row._mapping
    if m["acc_id"] is None:
        return None
    return AccountKey(id=m["acc_id"], code=m["acc_code"], corporate_number=m["acc_cn"], version=0, visible=True)


class SqlPersonBulkStore(TenantScoped, PersonBulkStore):
    def keys(self, viewer: Viewer, *, ids: Collection[UUID] = (), account_ids: Collection[UUID] = ()
             ) -> list[PersonKey]:
        t = persons
        visible = visible_to(t, RecordType.PERSON.value, viewer).label("visible")
        found: dict[UUID, PersonKey] = {}
        for column, values in ((t.c.id, ids), (t.c.account_id, account_ids)):
            for part in chunked(values):
                rows = self._conn.execute(sa.select(t.c.id, t.c.account_id, t.c.last_name, t.c.first_name,
                                                    t.c.email, t.c.version, visible)
                                          .where(t.c.tenant_id == self._tenant, column.in_(part)))
                for r in rows:
                    found[r.id] = PersonKey(id=r.id, account_id=r.account_id, last_name=r.last_name,
                                            first_name=r.first_name, email=r.email, version=r.version,
                                            visible=bool(r.visible))
        return list(found.values())

    def load(self, ids: Collection[UUID]) -> dict[UUID, Person]:
        out: dict[UUID, Person] = {}
        for part in chunked(ids, 500):
            rows = list(self._conn.execute(self._select(persons, persons.c.id.in_(part))))
            for p in hydrate(self._conn, self._tenant, RecordType.PERSON, rows, Person, with_relations=False):
                out[p.id] = p
        return out

    def insert(self, items: Sequence[Person]) -> None:
        rows = [_row(p) | {"tenant_id": self._tenant, "id": p.id, "version": p.version, "is_restricted": False,
                           "created_by": p.created_by, "created_at": p.created_at} for p in items]
        with self._conn.begin_nested():
            self._conn.execute(persons.insert(), rows)

    def update(self, items: Sequence[tuple[Person, int]]) -> None:
        rows = [_row(p) | {"b_id": p.id, "b_version": v} for p, v in items]
        with self._conn.begin_nested():
            versioned_update(self._conn, persons, self._tenant, rows, what="persons")
        for p, v in items:
            p.version = v + 1

    def move(self, moves: Sequence[PersonMove]) -> None:
        rows = [{"account_id": m.account_id, "department": m.department, "title": m.title,
                 "updated_by": m.updated_by, "updated_at": m.updated_at, "b_id": m.person_id,
                 "b_version": m.expected_version} for m in moves]
        with self._conn.begin_nested():
            versioned_update(self._conn, persons, self._tenant, rows, what="persons")

    def stream(self, viewer: Viewer, filters: Mapping[str, str], page_size: int = 1000
               ) -> Iterator[tuple[Person, str | None, AccountKey | None]]:
        t = persons
        account = accounts.alias("account")
        owner = users.alias("owner")
        account_visible = visible_to(cast(sa.Table, account), RecordType.ACCOUNT.value, viewer)
        where: list[sa.ColumnElement[bool]] = [t.c.tenant_id == self._tenant,
                                               visible_to(t, RecordType.PERSON.value, viewer)]
        if (text := text_filter(t, filters.get("q"))) is not None:
            where.append(text)
        stmt = (sa.select(t, owner.c.login_id.label("owner_login"), *account_columns(account))
                .select_from(t.outerjoin(owner, sa.and_(owner.c.tenant_id == t.c.tenant_id,
                                                        owner.c.id == t.c.owner_id))
                             .outerjoin(account, sa.and_(account.c.tenant_id == t.c.tenant_id,
                                                         account.c.id == t.c.account_id, account_visible)))
                .where(*where).order_by(t.c.id).limit(page_size))
        last: UUID | None = None
        while True:
            page = list(self._conn.execute(stmt if last is None else stmt.where(t.c.id > last)))
            for r in page:
                kwargs = record_kwargs(r, Person)
                kwargs["custom_fields"] = dict(kwargs.get("custom_fields") or {})
                yield Person(**kwargs), r.owner_login, account_key(r)
            if len(page) < page_size:
                return
            last = page[-1].id
