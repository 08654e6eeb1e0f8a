"""Read activities: one by id (its URL), the searchable list, and the activities of a record
(navigation). Everything goes through the visibility rules, R6 included; light users read too."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from attrs import evolve

from dps.application.sales.access import ensure_visible, viewer_in
from dps.application.sales.activities.commands import PARENT_FILTERS, ActivitiesOfQuery, SearchActivitiesQuery
from dps.application.sales.activities.read_models import ActivityListItem
from dps.application.sales.activities.support import ENTITY
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import NotFound
from dps.application.shared.paging import Page
from dps.domain.sales.activities import Activity
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal


class GetActivity:
    """One activity; 404 when missing, in another tenant, or invisible to the principal (its own
    restriction or its opportunity's)."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, activity_id: UUID) -> Activity:
        with self._d.reading(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            activity = uow.activities.get(activity_id)
            if activity is None:
                raise NotFound(ENTITY, activity_id)
            # the chain of R6 from what is loaded already: the activity's own access, then its opportunity's
            parent = (uow.records.access_chain(RecordType.OPPORTUNITY, activity.opportunity_id)
                      if activity.opportunity_id is not None else None)
            ensure_visible(viewer, (activity.access, *(parent or ())), ENTITY, activity_id)
        return activity


class SearchActivities:
    """A page of the activities the principal may see that match the filters."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, query: SearchActivitiesQuery) -> Page[ActivityListItem]:
        with self._d.reading(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            return uow.activities.search(viewer, query.search, query.page)


class ListActivitiesOf:
    """Navigation: the activities of an account, opportunity, campaign, lead or person (as a person
    met). 404 when that record is missing or invisible."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, query: ActivitiesOfQuery) -> Page[ActivityListItem]:
        filter_name = PARENT_FILTERS.get(query.parent_type)
        if filter_name is None:
            raise NotFound(query.parent_type.value, query.parent_id)
        with self._d.reading(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            chain = uow.records.access_chain(query.parent_type, query.parent_id)
            ensure_visible(viewer, chain, query.parent_type.value, query.parent_id)
            parent: dict[str, Any] = {filter_name: query.parent_id}
            search = evolve(query.search, **parent)
            return uow.activities.search(viewer, search, query.page)
