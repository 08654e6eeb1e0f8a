"""SQL read of キャンペーン別: one statement - the campaigns of the period LEFT JOINed to their members',
leads' and opportunities' figures, each pre-grouped per campaign in a subquery - through the lists'
own visibility specification (`visible_to`). Hidden campaigns come back flagged rather than dropped,
and hidden leads and opportunities are counted beside the visible ones in the same pass, which is how
the report says what it left out (R7)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.reports.reader import maybe_money
from dps.adapters.db.tables.sales_campaigns import campaign_members, campaigns, leads
from dps.adapters.db.tables.sales_opportunities import opportunities
from dps.adapters.db.visibility import visible_to
from dps.application.reports.kinds.campaign_ports import CampaignFigures, CampaignReportReader, CampaignRows
from dps.domain.sales.leads import CONVERTED
from dps.domain.sales.opportunities import WON_STAGE
from dps.domain.sales.records import RecordType
from dps.domain.visibility.policy import Viewer


def _counted(visible: sa.ColumnElement[bool], also: sa.ColumnElement[bool] | None, viewer: Viewer) -> Any:
    """count(*) of the visible rows (matching `also` when given)."""
    where = visible if also is None else sa.and_(visible, also)
    if viewer.sees_everything:
        return sa.func.count() if also is None else sa.func.count().filter(also)
    return sa.func.count().filter(where)


def _hidden(visible: sa.ColumnElement[bool], viewer: Viewer) -> Any:
    """count(*) - count(*) FILTER (WHERE visible): a term on a NULL owner is NULL, which NOT visible
    would not count."""
    if viewer.sees_everything:
        return sa.literal(0)
    return sa.func.count() - sa.func.count().filter(visible)


class SqlCampaignReportReader(TenantScoped, CampaignReportReader):
    def campaign_rows(self, viewer: Viewer, date_from: date, date_to: date, kind_code: str | None) -> CampaignRows:
        c, cm, ld, o = campaigns, campaign_members, leads, opportunities
        members = sa.select(
            cm.c.campaign_id, sa.func.count().label("invited"),
            sa.func.count().filter(cm.c.attended.is_(True)).label("attended"),
        ).where(cm.c.tenant_id == self._tenant).group_by(cm.c.campaign_id).subquery("m")
        lead_visible = visible_to(ld, RecordType.LEAD.value, viewer)
        lead_figures = sa.select(
            ld.c.campaign_id, _counted(lead_visible, None, viewer).label("leads"),
            _counted(lead_visible, ld.c.status_code == CONVERTED, viewer).label("converted"),
            _hidden(lead_visible, viewer).label("hidden"),
        ).where(ld.c.tenant_id == self._tenant, ld.c.campaign_id.is_not(None)).group_by(ld.c.campaign_id).subquery("l")
        opp_visible = visible_to(o, RecordType.OPPORTUNITY.value, viewer)
        won = o.c.stage_code == WON_STAGE
        won_amount = sa.func.sum(o.c.order_amount)
        opp_figures = sa.select(
            o.c.campaign_id, _counted(opp_visible, None, viewer).label("opportunities"),
            _counted(opp_visible, won, viewer).label("won"),
            (won_amount.filter(won) if viewer.sees_everything else won_amount.filter(sa.and_(opp_visible, won))
             ).label("won_amount"),
            _hidden(opp_visible, viewer).label("hidden"),
        ).where(o.c.tenant_id == self._tenant, o.c.campaign_id.is_not(None)).group_by(o.c.campaign_id).subquery("o")
        seen = sa.case((visible_to(c, RecordType.CAMPAIGN.value, viewer), 1), else_=0)
        m, lf, of = members, lead_figures, opp_figures
        where = [c.c.tenant_id == self._tenant, c.c.starts_on <= date_to,
                 sa.or_(c.c.ends_on.is_(None), c.c.ends_on >= date_from)]
        if kind_code is not None:
            where.append(c.c.kind_code == kind_code)
        query = sa.select(
            c.c.id, c.c.name, c.c.kind_code, c.c.starts_on, c.c.ends_on, c.c.budget_amount, c.c.actual_cost,
            c.c.target_leads, c.c.target_opportunities, c.c.target_amount, seen.label("seen"),
            m.c.invited, m.c.attended, lf.c.leads, lf.c.converted, lf.c.hidden.label("hidden_leads"),
            of.c.opportunities, of.c.won, of.c.won_amount, of.c.hidden.label("hidden_opportunities"),
        ).select_from(
            c.outerjoin(m, m.c.campaign_id == c.c.id).outerjoin(lf, lf.c.campaign_id == c.c.id)
            .outerjoin(of, of.c.campaign_id == c.c.id)
        ).where(*where).order_by(c.c.starts_on, c.c.name, c.c.id)
        rows, left_out = [], 0
        for r in self._conn.execute(query):
            if not r.seen:
                left_out += 1
                continue
            left_out += int(r.hidden_leads or 0) + int(r.hidden_opportunities or 0)
            rows.append(CampaignFigures(
                id=r.id, name=r.name, kind_code=r.kind_code or "", starts_on=r.starts_on, ends_on=r.ends_on,
                budget_amount=maybe_money(r.budget_amount), actual_cost=maybe_money(r.actual_cost),
                target_leads=r.target_leads, target_opportunities=r.target_opportunities,
                target_amount=maybe_money(r.target_amount), invited=int(r.invited or 0), attended=int(r.attended or 0),
                leads=int(r.leads or 0), converted=int(r.converted or 0), opportunities=int(r.opportunities or 0),
                won=int(r.won or 0), won_amount=maybe_money(r.won_amount) or Decimal(0)))
        return CampaignRows(rows, left_out)
