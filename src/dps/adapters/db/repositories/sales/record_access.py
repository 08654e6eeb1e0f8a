"""The access chain of any sales record (rule R6), read straight from the record tables."""

from __future__ import annotations

from typing import cast
from uuid import UUID

import sqlalchemy as sa

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.sales.record_rows import load_restrictions, load_staff
from dps.adapters.db.tables.collaboration import comments
from dps.adapters.db.tables.sales_accounts import accounts, business_cards, persons
from dps.adapters.db.tables.sales_activities import activities
from dps.adapters.db.tables.sales_budgets import budgets
from dps.adapters.db.tables.sales_campaigns import campaigns, leads
from dps.adapters.db.tables.sales_opportunities import opportunities
from dps.application.sales.records import RecordAccessReader
from dps.domain.sales.records import RecordType
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.visibility.records import RecordAccess

RECORD_TABLES: dict[RecordType, sa.Table] = {
    RecordType.ACCOUNT: accounts,
    RecordType.PERSON: persons,
    RecordType.OPPORTUNITY: opportunities,
    RecordType.ACTIVITY: activities,
    RecordType.LEAD: leads,
    RecordType.CAMPAIGN: campaigns,
}
"""Record kinds with their own owner, staff and 非公開 columns (the visibility conventions)."""


class SqlRecordAccessReader(TenantScoped, RecordAccessReader):
    def access_chain(self, record_type: RecordType, record_id: UUID) -> tuple[RecordAccess, ...] | None:
        if record_type is RecordType.COMMENT:
            row = self._conn.execute(
                sa.select(comments.c.record_type, comments.c.record_id).where(
                    comments.c.tenant_id == self._tenant, comments.c.id == record_id)
            ).first()
            return None if row is None else self.access_chain(RecordType(row.record_type), row.record_id)
        if record_type is RecordType.BUSINESS_CARD:
            person_id = self._conn.execute(
                sa.select(business_cards.c.person_id).where(
                    business_cards.c.tenant_id == self._tenant, business_cards.c.id == record_id)
            ).scalar()
            return None if person_id is None else self.access_chain(RecordType.PERSON, person_id)
        if record_type is RecordType.BUDGET:
            exists = self._conn.execute(
                sa.select(budgets.c.id).where(budgets.c.tenant_id == self._tenant, budgets.c.id == record_id)
            ).first()
            return None if exists is None else (RecordAccess(),)
        own = self._own_access(record_type, record_id)
        if own is None:
            return None
        access, opportunity_id = own
        if opportunity_id is not None:  # R6: an activity inherits its opportunity's restriction
            parent = self._own_access(RecordType.OPPORTUNITY, opportunity_id)
            if parent is not None:
                return (access, parent[0])
        return (access,)

    def _own_access(self, record_type: RecordType, record_id: UUID) -> tuple[RecordAccess, UUID | None] | None:
        t = RECORD_TABLES[record_type]
        cols = [t.c.owner_id, t.c.owner_organization_id, t.c.created_by, t.c.is_restricted]
        if record_type is RecordType.ACTIVITY:
            cols.append(t.c.opportunity_id)
        row = self._conn.execute(sa.select(*cols).where(t.c.tenant_id == self._tenant, t.c.id == record_id)).first()
        if row is None:
            return None
        staff = load_staff(self._conn, self._tenant, record_type, [record_id]).get(record_id, ())
        restriction = (
            load_restrictions(self._conn, self._tenant, record_type, [record_id])[record_id]
            if row.is_restricted else None
        )
        access = RecordAccess(
            owner_id=cast(UserId | None, row.owner_id),
            owner_organization_id=cast(OrganizationId | None, row.owner_organization_id),
            created_by=cast(UserId | None, row.created_by),
            staff_ids=frozenset(m.user_id for m in staff), restriction=restriction,
        )
        return access, (row.opportunity_id if record_type is RecordType.ACTIVITY else None)

    def label_of(self, record_type: RecordType, record_id: UUID) -> str | None:
        label: sa.ColumnElement[str]
        table: sa.Table
        match record_type:
            case RecordType.PERSON:
                table, label = persons, persons.c.last_name + " " + persons.c.first_name
            case RecordType.LEAD:
                table, label = leads, leads.c.company_name + " " + leads.c.last_name
            case RecordType.ACTIVITY:
                table, label = activities, activities.c.subject
            case RecordType.BUSINESS_CARD:
                table, label = business_cards, business_cards.c.company_name + " " + business_cards.c.last_name
            case RecordType.BUDGET:
                table, label = budgets, sa.cast(budgets.c.fiscal_year, sa.String)
            case RecordType.COMMENT:
                table, label = comments, sa.func.substr(comments.c.body, 1, 40)
            case _:
                table = RECORD_TABLES[record_type]
                label = table.c.name
        value = self._conn.execute(
            sa.select(label).where(table.c.tenant_id == self._tenant, table.c.id == record_id)
        ).scalar()
        return None if value is None else str(value).strip()
