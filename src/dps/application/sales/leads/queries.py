"""Read leads: search and view (with the opportunities it became)."""

from __future__ import annotations

from uuid import UUID

from attrs import frozen

from dps.application.sales.access import ensure_visible, viewer_in
from dps.application.sales.deps import SalesDeps
from dps.application.sales.leads.manage import ENTITY
from dps.application.sales.leads.ports import LeadQuery
from dps.application.sales.leads.read_models import LeadListItem
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.leads import Lead
from dps.domain.shared.principal import Principal


@frozen
class LeadDetail:
    """A lead and the visible opportunities converted from it (their `source_lead_id` is the lead)."""

    lead: Lead
    opportunity_ids: tuple[UUID, ...] = ()


class SearchLeads:
    """The leads the principal may see that match the query, one keyset page at a time."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, query: LeadQuery, page: PageRequest) -> Page[LeadListItem]:
        with self._d.reading(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            return uow.leads.search(viewer, query, page)


class ViewLead:
    """One lead; 404 when missing or not visible."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, lead_id: UUID) -> LeadDetail:
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            lead = uow.leads.get(lead_id)
            ensure_visible(viewer, lead.access if lead else None, ENTITY, lead_id)
            assert lead is not None
            opportunities = uow.leads.opportunities_from(viewer, lead_id) if lead.is_converted else []
            return LeadDetail(lead=lead, opportunity_ids=tuple(opportunities))
