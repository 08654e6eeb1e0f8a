"""SQL reads of リード別: leads counted per (source or campaign, status) in one GROUP BY, the visible
ones as `count(*) FILTER (WHERE visible)` and the hidden ones beside them in the same pass (R7); the
owner organisation, when one is chosen, at or under it through the closure."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.tables.directory import org_closure
from dps.adapters.db.tables.sales_campaigns import campaigns, leads
from dps.adapters.db.visibility import InIds, visible_to
from dps.application.reports.kinds.lead_ports import LeadCount, LeadCounts, LeadReportReader
from dps.domain.sales.records import RecordType
from dps.domain.visibility.policy import Viewer


class SqlLeadReportReader(TenantScoped, LeadReportReader):
    def lead_counts(
        self, viewer: Viewer, group: str, created_from: datetime | None, created_before: datetime | None,
        organization_id: UUID | None,
    ) -> LeadCounts:
        ld = leads
        key: sa.ColumnElement[Any] = ld.c.source_code if group == "source" else ld.c.campaign_id
        source: sa.FromClause = ld
        if organization_id is not None:
            c = org_closure
            source = ld.join(c, sa.and_(c.c.tenant_id == self._tenant, c.c.ancestor_id == organization_id,
                                        c.c.descendant_id == ld.c.owner_organization_id))
        counted: Any
        hidden: Any
        if viewer.sees_everything:
            counted, hidden = sa.func.count(), sa.literal(0)
        else:
            visible = visible_to(ld, RecordType.LEAD.value, viewer)
            counted = sa.func.count().filter(visible)
            hidden = sa.func.count() - counted  # not count(NOT visible): NOT NULL (no owner) is NULL
        where = [ld.c.tenant_id == self._tenant]
        if created_from is not None:
            where.append(ld.c.created_at >= created_from)
        if created_before is not None:
            where.append(ld.c.created_at < created_before)
        query = sa.select(key.label("grp"), ld.c.status_code, counted.label("n"), hidden.label("hidden")).select_from(
            source).where(*where).group_by(key, ld.c.status_code)
        cells, left_out = [], 0
        for r in self._conn.execute(query):
            left_out += int(r.hidden or 0)
            if r.n:
                cells.append(LeadCount("" if r.grp is None else str(r.grp), r.status_code, int(r.n)))
        return LeadCounts(cells, left_out)

    def campaign_names(self, viewer: Viewer, ids: Collection[UUID]) -> Mapping[UUID, str]:
        if not ids:
            return {}
        c = campaigns
        rows = self._conn.execute(sa.select(c.c.id, c.c.name).where(
            c.c.tenant_id == self._tenant, InIds(c.c.id, ids), visible_to(c, RecordType.CAMPAIGN.value, viewer)))
        return {r.id: r.name for r in rows}
