"""Read opportunities: one by id (the URL of a record), the search list, and the navigation lists
of an account's and a campaign's opportunities - all through the visibility rules (an invisible
record or parent is a 404)."""

from __future__ import annotations

from uuid import UUID

from attrs import evolve, frozen

from dps.application.sales.access import ensure_visible, viewer_in
from dps.application.sales.deps import SalesDeps
from dps.application.sales.opportunities.read_models import OpportunityListItem, OpportunitySearch
from dps.application.sales.opportunities.rules import sees
from dps.application.shared.errors import NotFound
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.opportunities import Opportunity
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal

OPP = RecordType.OPPORTUNITY


@frozen
class OpportunityDetail:
    """The aggregate plus what its page shows beside it: the account's name (None when the account
    is hidden from the viewer)."""

    opportunity: Opportunity
    account_name: str | None


class GetOpportunity:
    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, opportunity_id: UUID) -> OpportunityDetail:
        with self._d.reading(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            ensure_visible(viewer, uow.records.access_chain(OPP, opportunity_id), "opportunity", opportunity_id)
            opportunity = uow.opportunities.get(opportunity_id)
            if opportunity is None:
                raise NotFound("opportunity", opportunity_id)
            account_name = (uow.records.label_of(RecordType.ACCOUNT, opportunity.account_id)
                            if sees(uow, viewer, RecordType.ACCOUNT, opportunity.account_id) else None)
        return OpportunityDetail(opportunity=opportunity, account_name=account_name)


class SearchOpportunities:
    """The opportunities the principal may see that match the criteria, one keyset page at a time."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(
        self, principal: Principal, criteria: OpportunitySearch, page: PageRequest
    ) -> Page[OpportunityListItem]:
        with self._d.reading(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            return uow.opportunities.search(viewer, criteria, page)


class ListRelatedOpportunities:
    """Navigation: the opportunities of one account or one campaign (same filters). The parent must
    exist and be visible, else NotFound."""

    def __init__(self, deps: SalesDeps, parent: RecordType) -> None:
        if parent not in (RecordType.ACCOUNT, RecordType.CAMPAIGN):
            raise ValueError(f"opportunities are not listed under {parent}")
        self._d = deps
        self._parent = parent

    def __call__(
        self, principal: Principal, parent_id: UUID, criteria: OpportunitySearch, page: PageRequest
    ) -> Page[OpportunityListItem]:
        with self._d.reading(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            ensure_visible(viewer, uow.records.access_chain(self._parent, parent_id), self._parent.value, parent_id)
            if self._parent is RecordType.ACCOUNT:
                criteria = evolve(criteria, account_id=parent_id)
            else:
                criteria = evolve(criteria, campaign_id=parent_id)
            return uow.opportunities.search(viewer, criteria, page)
