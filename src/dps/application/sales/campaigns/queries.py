"""Read campaigns: search, view (with the effect summary), and the campaign's leads."""

from __future__ import annotations

from uuid import UUID

from attrs import evolve, frozen

from dps.application.sales.access import ensure_visible, viewer_in
from dps.application.sales.campaigns.manage import ENTITY
from dps.application.sales.campaigns.ports import CampaignQuery
from dps.application.sales.campaigns.read_models import CampaignListItem
from dps.application.sales.deps import SalesDeps
from dps.application.sales.leads.ports import LeadQuery
from dps.application.sales.leads.read_models import LeadListItem
from dps.application.shared.errors import Invalid
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.campaigns import Campaign, CampaignSummary
from dps.domain.shared.principal import Principal


@frozen
class CampaignDetail:
    campaign: Campaign
    summary: CampaignSummary


class SearchCampaigns:
    """The campaigns the principal may see that match the query, one keyset page at a time."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, query: CampaignQuery, page: PageRequest) -> Page[CampaignListItem]:
        if query.period_from is not None and query.period_to is not None and query.period_from > query.period_to:
            raise Invalid.field("period_to", "期間の終わりは始まり以降にしてください / must not be before period_from")
        with self._d.reading(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            return uow.campaigns.search(viewer, query, page)


class ViewCampaign:
    """One campaign (404 when missing or not visible) with its counts: members, attended, leads and
    converted leads, over what the principal may see."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, campaign_id: UUID) -> CampaignDetail:
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            campaign = uow.campaigns.get(campaign_id)
            ensure_visible(viewer, campaign.access if campaign else None, ENTITY, campaign_id)
            assert campaign is not None
            return CampaignDetail(campaign=campaign, summary=uow.campaigns.summary(viewer, campaign_id))


class ListCampaignLeads:
    """The campaign's leads (those whose campaign it is), filtered and paged like the lead search."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(
        self, principal: Principal, campaign_id: UUID, page: PageRequest, query: LeadQuery | None = None
    ) -> Page[LeadListItem]:
        with self._d.reading(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            campaign = uow.campaigns.get(campaign_id)
            ensure_visible(viewer, campaign.access if campaign else None, ENTITY, campaign_id)
            return uow.leads.search(viewer, evolve(query or LeadQuery(), campaign_id=campaign_id), page)
