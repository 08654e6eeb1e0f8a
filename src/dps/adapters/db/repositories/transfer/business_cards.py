"""Business cards (名刺) in bulk: lookups by id or by person, executemany insert/update and the export
stream (cards of the persons the viewer may see, in id order)."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any, cast
from uuid import UUID

import sqlalchemy as sa

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.sales.accounts import text_filter
from dps.adapters.db.repositories.sales.business_cards import _card, _values
from dps.adapters.db.repositories.transfer.common import chunked, versioned_update
from dps.adapters.db.repositories.transfer.persons import account_columns, account_key
from dps.adapters.db.tables.directory import users
from dps.adapters.db.tables.sales_accounts import accounts, business_cards, persons
from dps.adapters.db.visibility import visible_to
from dps.application.transfer.ports_store import AccountKey, BusinessCardBulkStore
from dps.domain.sales.business_cards import BusinessCard
from dps.domain.sales.records import RecordType
from dps.domain.visibility.policy import Viewer


class SqlBusinessCardBulkStore(TenantScoped, BusinessCardBulkStore):
    def _by(self, column: sa.ColumnElement[Any], values: Collection[UUID]) -> list[BusinessCard]:
        out: list[BusinessCard] = []
        for part in chunked(values):
            out.extend(_card(r) for r in self._conn.execute(self._select(business_cards, column.in_(part))))
        return out

    def by_ids(self, ids: Collection[UUID]) -> dict[UUID, BusinessCard]:
        return {c.id: c for c in self._by(business_cards.c.id, ids)}

    def for_persons(self, person_ids: Collection[UUID]) -> dict[UUID, list[BusinessCard]]:
        out: dict[UUID, list[BusinessCard]] = {}
        for c in self._by(business_cards.c.person_id, person_ids):
            out.setdefault(c.person_id, []).append(c)
        return out

    def insert(self, cards: Sequence[BusinessCard]) -> None:
        rows = [_values(c) | {"tenant_id": self._tenant, "id": c.id, "version": c.version} for c in cards]
        with self._conn.begin_nested():
            self._conn.execute(business_cards.insert(), rows)

    def update(self, cards: Sequence[tuple[BusinessCard, int]]) -> None:
        rows = []
        for c, v in cards:
            values = _values(c)
            for key in ("created_at", "created_by", "person_id"):
                values.pop(key)
            rows.append(values | {"b_id": c.id, "b_version": v})
        with self._conn.begin_nested():
            versioned_update(self._conn, business_cards, self._tenant, rows, what="business cards")
        for c, v in cards:
            c.version = v + 1

    def stream(self, viewer: Viewer, filters: Mapping[str, str], page_size: int = 1000
               ) -> Iterator[tuple[BusinessCard, AccountKey | None, str | None]]:
        bc, p = business_cards, persons
        account = accounts.alias("account")
        receiver = users.alias("receiver")
        account_visible = visible_to(cast(sa.Table, account), RecordType.ACCOUNT.value, viewer)
        stmt = (sa.select(bc, receiver.c.login_id.label("receiver_login"), *account_columns(account))
                .select_from(bc.join(p, sa.and_(p.c.tenant_id == bc.c.tenant_id, p.c.id == bc.c.person_id))
                             .outerjoin(receiver, sa.and_(receiver.c.tenant_id == bc.c.tenant_id,
                                                          receiver.c.id == bc.c.received_by))
                             .outerjoin(account, sa.and_(account.c.tenant_id == bc.c.tenant_id,
                                                         account.c.id == bc.c.account_id, account_visible)))
                .where(bc.c.tenant_id == self._tenant, visible_to(p, RecordType.PERSON.value, viewer))
                .order_by(bc.c.id).limit(page_size))
        if (text := text_filter(p, filters.get("q"))) is not None:  # the person's names, kana, e-mail
            stmt = stmt.where(text)
        last: UUID | None = None
        while True:
            page = list(self._conn.execute(stmt if last is None else stmt.where(bc.c.id > last)))
            for r in page:
                yield _card(r), account_key(r), r.receiver_login
            if len(page) < page_size:
                return
            last = page[-1].id
