"""Actual activities in bulk: person lookups with the visibility flag, chunked loads, executemany
insert/update of the row and its persons met, and the keyset-paged export stream of the actual (done)
activities the viewer may see (R1/R2 on the activity, R6 on its opportunity, in SQL). Attendees, staff
and allow-lists are not in the sheet: an update keeps them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import date
from typing import Any, cast
from uuid import UUID

import sqlalchemy as sa

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.sales.accounts import text_filter
from dps.adapters.db.repositories.sales.activities import SqlActivityRepository, _row, visible_activities
from dps.adapters.db.repositories.transfer.common import chunked, versioned_update
from dps.adapters.db.repositories.transfer.opportunities import account_key
from dps.adapters.db.tables.directory import users
from dps.adapters.db.tables.sales_accounts import accounts, persons
from dps.adapters.db.tables.sales_activities import activities, activity_persons
from dps.adapters.db.visibility import visible_to
from dps.application.transfer.ports_store import ActivityBulkStore, RecordKey
from dps.domain.sales.activities import Activity, ActivityStatus
from dps.domain.sales.records import RecordType
from dps.domain.visibility.policy import Viewer

EXPORT_COLUMNS = (
    "id", "version", "account_id", "opportunity_id", "kind_code", "subject", "activity_date", "starts_at",
    "ends_at", "purpose_code", "result_code", "content", "next_action", "next_action_on", "custom_fields",
)
"""The activity columns an export reads (not search_text, stamps or links the sheet does not carry)."""


class SqlActivityBulkStore(TenantScoped, ActivityBulkStore):
    def persons(self, viewer: Viewer, ids: Collection[UUID]) -> dict[UUID, RecordKey]:
        t = persons
        visible = visible_to(t, RecordType.PERSON.value, viewer).label("visible")
        out: dict[UUID, RecordKey] = {}
        for part in chunked(ids):
            for r in self._conn.execute(sa.select(t.c.id, t.c.last_name, visible)
                                        .where(t.c.tenant_id == self._tenant, t.c.id.in_(part))):
                out[r.id] = RecordKey(id=r.id, visible=bool(r.visible), name=r.last_name)
        return out

    def load(self, ids: Collection[UUID]) -> dict[UUID, Activity]:
        repo = SqlActivityRepository(self._conn, self._tenant)
        out: dict[UUID, Activity] = {}
        for part in chunked(ids, 500):
            rows = list(self._conn.execute(self._select(activities, activities.c.id.in_(part))))
            out.update((a.id, a) for a in repo._hydrate(rows))
        return out

    def _persons(self, items: Sequence[Activity]) -> None:
        rows = [{"tenant_id": self._tenant, "activity_id": a.id, "person_id": p} for a in items for p in a.person_ids]
        if rows:
            self._conn.execute(activity_persons.insert(), rows)

    def insert(self, items: Sequence[Activity]) -> None:
        rows = [_row(a) | {"tenant_id": self._tenant, "id": a.id, "version": a.version} for a in items]
        with self._conn.begin_nested():
            self._conn.execute(activities.insert(), rows)
            self._persons(items)

    def update(self, items: Sequence[tuple[Activity, int]]) -> None:
        rows = []
        for a, v in items:
            values = _row(a)
            del values["created_by"], values["created_at"], values["is_restricted"]
            rows.append(values | {"b_id": a.id, "b_version": v})
        p = activity_persons
        with self._conn.begin_nested():
            versioned_update(self._conn, activities, self._tenant, rows, what="activities")
            for part in chunked([a.id for a, _ in items]):
                self._conn.execute(p.delete().where(p.c.tenant_id == self._tenant, p.c.activity_id.in_(part)))
            self._persons([a for a, _ in items])
        for a, v in items:
            a.version = v + 1

    def stream(self, viewer: Viewer, filters: Mapping[str, str], page_size: int = 1000
               ) -> Iterator[Mapping[str, Any]]:
        t = activities
        account = accounts.alias("account")
        owner = users.alias("owner")
        account_visible = visible_to(cast(sa.Table, account), RecordType.ACCOUNT.value, viewer)
        where: list[sa.ColumnElement[bool]] = [t.c.tenant_id == self._tenant, t.c.status == ActivityStatus.DONE.value]
        if not viewer.sees_everything:
            where.append(visible_activities(viewer))
        if (text := text_filter(t, filters.get("q"))) is not None:
            where.append(text)
        for key, op in (("date_from", "__ge__"), ("date_to", "__le__")):
            if value := filters.get(key):
                where.append(getattr(t.c.activity_date, op)(date.fromisoformat(value)))
        stmt = (sa.select(*(t.c[c] for c in EXPORT_COLUMNS), owner.c.login_id.label("owner_login"),
                          sa.func.coalesce(account.c.corporate_number, account.c.code).label("account_key"))
                .select_from(t.outerjoin(owner, sa.and_(owner.c.tenant_id == t.c.tenant_id,
                                                        owner.c.id == t.c.owner_id))
                             .outerjoin(account, sa.and_(account.c.tenant_id == t.c.tenant_id,
                                                         account.c.id == t.c.account_id, account_visible)))
                .where(*where).order_by(t.c.id).limit(page_size))
        p = activity_persons
        last: UUID | None = None
        while True:
            page = list(self._conn.execute(stmt if last is None else stmt.where(t.c.id > last)))
            met: dict[UUID, list[UUID]] = defaultdict(list)
            if page:
                for activity_id, person_id in self._conn.execute(
                        sa.select(p.c.activity_id, p.c.person_id)
                        .where(p.c.tenant_id == self._tenant, p.c.activity_id.in_([r.id for r in page]))
                        .order_by(p.c.activity_id, p.c.person_id)):
                    met[activity_id].append(person_id)
            for r in page:
                yield {**r._mapping, "account_key": account_key(r) if r.account_id is not None else None,
                       "person_ids": tuple(met.get(r.id, ()))}
            if len(page) < page_size:
                return
            last = page[-1].id
