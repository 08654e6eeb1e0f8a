"""SQL store of persons (パーソン): the row, its staff, 非公開 allow-list and relations, and the
visibility-filtered search (flat list items with the account name the viewer may see)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import sqlalchemy as sa

from dps.adapters.db.paging import keyset_page, resolve_sort
from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.sales.accounts import (
    hydrate,
    item_columns,
    item_of,
    record_values,
    save_children,
    staff_filter,
    text_filter,
    visible_account_name,
)
from dps.adapters.db.repositories.sales.record_rows import delete_record_children
from dps.adapters.db.tables.records import record_relations
from dps.adapters.db.tables.sales_accounts import business_cards, persons
from dps.adapters.db.tables.sales_activities import activity_persons
from dps.adapters.db.tables.sales_campaigns import leads
from dps.adapters.db.visibility import mine, visible_to
from dps.application.sales.persons.ports import PersonQuery, PersonRepository
from dps.application.sales.persons.read_models import PersonListItem
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.persons import Person
from dps.domain.sales.records import RecordType
from dps.domain.visibility.policy import Viewer


class SqlPersonRepository(TenantScoped, PersonRepository):
    def add(self, person: Person) -> None:
        values = record_values(person, persons) | {"id": person.id, "version": person.version}
        self._insert(persons, values, what="person")
        save_children(self._conn, self._tenant, RecordType.PERSON, person)

    def get(self, person_id: UUID) -> Person | None:
        row = self._conn.execute(self._select(persons, persons.c.id == person_id)).first()
        return None if row is None else hydrate(self._conn, self._tenant, RecordType.PERSON, [row], Person)[0]

    def update(self, person: Person, expected_version: int) -> int:
        values = record_values(person, persons)
        values.pop("created_at"), values.pop("created_by")
        version = self._update_versioned(persons, person.id, expected_version, values, what="person")
        save_children(self._conn, self._tenant, RecordType.PERSON, person)
        person.version = version
        return version

    def delete(self, person_id: UUID) -> list[str]:
        keys = delete_record_children(self._conn, self._tenant, RecordType.PERSON, [person_id])
        rr = record_relations
        self._conn.execute(rr.delete().where(rr.c.tenant_id == self._tenant, rr.c.person_id == person_id))
        bc = business_cards
        mine_cards = sa.and_(bc.c.tenant_id == self._tenant, bc.c.person_id == person_id)
        keys += [r.image_key for r in self._conn.execute(sa.select(bc.c.image_key).where(
            mine_cards, bc.c.image_key.is_not(None)))]
        self._conn.execute(bc.delete().where(mine_cards))
        self._conn.execute(persons.delete().where(persons.c.tenant_id == self._tenant, persons.c.id == person_id))
        return keys

    def search(self, viewer: Viewer, query: PersonQuery, page: PageRequest) -> Page[PersonListItem]:
        t = persons
        sort = resolve_sort(page, {"name": t.c.last_name, "kana": t.c.last_name_kana, "updated_at": t.c.updated_at,
                                   "created_at": t.c.created_at}, default="kana")
        where: list[sa.ColumnElement[bool]] = [visible_to(t, RecordType.PERSON.value, viewer)]
        if (text := text_filter(t, query.q)) is not None:
            where.append(text)
        if query.mine:
            where.append(mine(t, RecordType.PERSON.value, viewer))
        if query.account_id is not None:
            where.append(t.c.account_id == query.account_id)
        if query.owner_id is not None:
            where.append(t.c.owner_id == query.owner_id)
        if query.staff_id is not None:
            where.append(staff_filter(t, RecordType.PERSON, query.staff_id))
        account_name = visible_account_name(t, viewer)
        stmt = sa.select(*item_columns(t, PersonListItem, account_name=account_name)).where(
            t.c.tenant_id == self._tenant, *where)
        columns = {"name": "last_name", "kana": "last_name_kana"}
        return keyset_page(self._conn, stmt, sort=sort, id_column=t.c.id, request=page,
                         to_item=item_of(PersonListItem),
                         sort_value=lambda r: getattr(r, columns.get(sort.key, sort.key)))

    def existing(self, person_ids: Sequence[UUID]) -> set[UUID]:
        if not person_ids:
            return set()
        rows = self._conn.execute(sa.select(persons.c.id).where(
            persons.c.tenant_id == self._tenant, persons.c.id.in_(list(person_ids))))
        return {r.id for r in rows}

    def references(self, person_id: UUID) -> dict[str, int]:
        rr, ap = record_relations, activity_persons
        checks: dict[str, tuple[sa.Table, sa.ColumnElement[bool]]] = {
            "opportunities": (rr, sa.and_(rr.c.person_id == person_id,
                                          rr.c.record_type == RecordType.OPPORTUNITY.value)),
            "activities": (ap, ap.c.person_id == person_id),
            "leads": (leads, leads.c.converted_person_id == person_id),
        }
        found: dict[str, int] = {}
        for kind, (table, condition) in checks.items():
            n = self._conn.execute(
                sa.select(sa.func.count()).select_from(table).where(table.c.tenant_id == self._tenant, condition)
            ).scalar_one()
            if n:
                found[kind] = int(n)
        return found
