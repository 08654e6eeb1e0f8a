"""SQL store of leads (リード): the row, its staff and 非公開 allow-list, its follow-up actions, and the
visibility-filtered search (flat list items) and duplicate lookup."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import attrs
import sqlalchemy as sa

from dps.adapters.db.paging import keyset_page, resolve_sort
from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.sales.accounts import item_columns, item_of
from dps.adapters.db.repositories.sales.campaigns import record_row, records_of, staff_has
from dps.adapters.db.repositories.sales.record_rows import (
    delete_record_children,
    save_restriction,
    save_staff,
)
from dps.adapters.db.tables.sales_activities import activities
from dps.adapters.db.tables.sales_campaigns import campaign_members, lead_actions, leads
from dps.adapters.db.tables.sales_opportunities import opportunities
from dps.adapters.db.visibility import mine, visible_to
from dps.application.sales.leads.ports import LeadQuery, LeadRepository
from dps.application.sales.leads.read_models import LeadListItem
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.leads import Lead, LeadAction
from dps.domain.sales.records import RecordType
from dps.domain.shared.text import normalize_for_search
from dps.domain.visibility.policy import Viewer

SORTS = {
    "updated_at": leads.c.updated_at, "created_at": leads.c.created_at, "next_action_on": leads.c.next_action_on,
    "company_name": leads.c.company_name, "score": leads.c.score,
}
_ACTION_FIELDS = [a.name for a in attrs.fields(LeadAction)]


def _action(row: sa.Row[Any]) -> LeadAction:
    return LeadAction(**{n: row._mapping[n] for n in _ACTION_FIELDS})


class SqlLeadRepository(TenantScoped, LeadRepository):
    def add(self, lead: Lead) -> None:
        self._insert(leads, record_row(lead, leads), what="lead")
        self._save_children(lead)

    def get(self, lead_id: UUID) -> Lead | None:
        row = self._conn.execute(self._select(leads, leads.c.id == lead_id)).first()
        return None if row is None else records_of(self._conn, self._tenant, RecordType.LEAD, [row], Lead)[0]

    def update(self, lead: Lead, expected_version: int) -> int:
        values = record_row(lead, leads)
        for key in ("id", "version", "created_by", "created_at"):
            values.pop(key)
        lead.version = self._update_versioned(leads, lead.id, expected_version, values, what="lead")
        self._save_children(lead)
        return lead.version

    def _save_children(self, lead: Lead) -> None:
        save_staff(self._conn, self._tenant, RecordType.LEAD, lead.id, lead.staff)
        save_restriction(self._conn, self._tenant, RecordType.LEAD, lead.id, lead.restriction)

    def delete(self, lead_id: UUID) -> list[str]:
        t = self._tenant
        for table in (lead_actions, campaign_members):
            self._conn.execute(table.delete().where(table.c.tenant_id == t, table.c.lead_id == lead_id))
        keys = delete_record_children(self._conn, t, RecordType.LEAD, [lead_id])
        self._conn.execute(leads.delete().where(leads.c.tenant_id == t, leads.c.id == lead_id))
        return keys

    def references(self, lead_id: UUID) -> dict[str, int]:
        t = self._tenant
        counts = {
            "opportunities": sa.select(sa.func.count()).where(
                opportunities.c.tenant_id == t, opportunities.c.source_lead_id == lead_id),
            "activities": sa.select(sa.func.count()).where(
                activities.c.tenant_id == t, activities.c.lead_id == lead_id),
        }
        found = {kind: int(self._conn.execute(q).scalar() or 0) for kind, q in counts.items()}
        return {kind: n for kind, n in found.items() if n}

    def search(self, viewer: Viewer, query: LeadQuery, page: PageRequest) -> Page[LeadListItem]:
        t = leads
        where: list[sa.ColumnElement[bool]] = [visible_to(t, RecordType.LEAD.value, viewer)]
        if query.q and (needle := normalize_for_search(query.q)):
            where.append(t.c.search_text.contains(needle, autoescape=True))
        if query.status_code:
            where.append(t.c.status_code == query.status_code)
        if query.source_code:
            where.append(t.c.source_code == query.source_code)
        if query.campaign_id is not None:
            where.append(t.c.campaign_id == query.campaign_id)
        if query.owner_id is not None:
            where.append(t.c.owner_id == query.owner_id)
        if query.staff_id is not None:
            where.append(staff_has(t, RecordType.LEAD, query.staff_id))
        if query.mine:
            where.append(mine(t, RecordType.LEAD.value, viewer))
        if query.next_action_from is not None:
            where.append(t.c.next_action_on >= query.next_action_from)
        if query.next_action_to is not None:
            where.append(t.c.next_action_on <= query.next_action_to)
        if query.converted is not None:
            where.append(t.c.converted_at.is_not(None) if query.converted else t.c.converted_at.is_(None))
        for key, value in query.custom_fields.items():
            where.append(t.c.custom_fields[key].as_string() == value)
        sort = resolve_sort(page, SORTS, "-updated_at")
        stmt = sa.select(*item_columns(t, LeadListItem)).where(t.c.tenant_id == self._tenant, *where)
        return keyset_page(self._conn, stmt, sort=sort, id_column=t.c.id, request=page,
                         to_item=item_of(LeadListItem), sort_value=lambda r: r._mapping[sort.key])

    def with_email(self, viewer: Viewer, email: str, *, excluding: UUID | None = None) -> list[UUID]:
        t = leads
        query = sa.select(t.c.id).where(
            t.c.tenant_id == self._tenant, t.c.email == email, visible_to(t, RecordType.LEAD.value, viewer))
        if excluding is not None:
            query = query.where(t.c.id != excluding)
        return list(self._conn.execute(query.order_by(t.c.created_at, t.c.id).limit(50)).scalars())

    def opportunities_from(self, viewer: Viewer, lead_id: UUID) -> list[UUID]:
        o = opportunities
        query = sa.select(o.c.id).where(
            o.c.tenant_id == self._tenant, o.c.source_lead_id == lead_id,
            visible_to(o, RecordType.OPPORTUNITY.value, viewer)).order_by(o.c.created_at, o.c.id)
        return list(self._conn.execute(query).scalars())

    def add_action(self, action: LeadAction) -> None:
        self._insert(lead_actions, attrs.asdict(action, recurse=False), what="lead action")

    def get_action(self, lead_id: UUID, action_id: UUID) -> LeadAction | None:
        a = lead_actions
        row = self._conn.execute(self._select(a, a.c.lead_id == lead_id, a.c.id == action_id)).first()
        return None if row is None else _action(row)

    def update_action(self, action: LeadAction) -> None:
        a = lead_actions
        values = attrs.asdict(action, recurse=False)
        for key in ("id", "lead_id", "created_at"):
            values.pop(key)
        self._conn.execute(a.update().where(a.c.tenant_id == self._tenant, a.c.id == action.id).values(**values))

    def actions(self, lead_id: UUID) -> Sequence[LeadAction]:
        a = lead_actions
        rows = self._conn.execute(self._select(a, a.c.lead_id == lead_id).order_by(a.c.action_on, a.c.created_at,
                                                                                  a.c.id))
        return [_action(r) for r in rows]
