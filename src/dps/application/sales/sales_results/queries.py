"""Reading sales results: one result, a filtered page (with the labels a list shows) and the totals
of a filter - what the reports (予実, 売上推移) build on. Every licensed user reads every result (they
are never 非公開); only the names of accounts the user may not see are withheld."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from attrs import frozen

from dps.application.sales.access import viewer_in
from dps.application.sales.deps import SalesDeps
from dps.application.sales.sales_results.ports import SalesResultFilter, SalesResultView, SalesTotals
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import Invalid, NotFound
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.sales_results import SalesResult, SalesSource
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.shared.principal import Principal

WHAT = "sales result"


@frozen
class SalesResultQuery:
    """Filters as a caller gives them. `organization_id` takes its sub-organisations too unless
    `include_sub_orgs` is False (through the organisation closure, 集計組織)."""

    date_from: date | None = None
    date_to: date | None = None
    account_id: UUID | None = None
    owner_id: UserId | None = None
    organization_id: OrganizationId | None = None
    include_sub_orgs: bool = True
    product_id: UUID | None = None
    category_code: str | None = None
    source: str | None = None


def filter_of(uow: SalesUnitOfWork, query: SalesResultQuery) -> SalesResultFilter:
    """The repository filter of `query`; an unknown organisation or a reversed date range is invalid
    input (rather than silently matching nothing)."""
    if query.date_from is not None and query.date_to is not None and query.date_from > query.date_to:
        raise Invalid.field("date_from", "開始日が終了日より後です / date_from is after date_to")
    org_ids: frozenset[OrganizationId] | None = None
    if query.organization_id is not None:
        if uow.organizations.get(query.organization_id) is None:
            raise Invalid.field("organization_id", "no such organisation / 組織が見つかりません")
        org_ids = frozenset({query.organization_id})
        if query.include_sub_orgs:
            org_ids |= uow.org_closure.descendants_or_self([query.organization_id])
    source: SalesSource | None = None
    if query.source:
        try:
            source = SalesSource.parse(query.source)
        except DomainError as e:
            raise Invalid.field("source", e.message) from None
    return SalesResultFilter(
        date_from=query.date_from, date_to=query.date_to, account_id=query.account_id, owner_id=query.owner_id,
        organization_ids=org_ids, product_id=query.product_id,
        category_code=(query.category_code or "").strip() or None, source=source,
    )


class GetSalesResult:
    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, result_id: UUID) -> SalesResult:
        with self._d.uow(principal.tenant_id) as uow:
            found = uow.sales_results.get(result_id)
            if found is None:
                raise NotFound(WHAT, result_id)
            return found


class ListSalesResults:
    """A page of results matching the filters, newest sales date first by default."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, query: SalesResultQuery, page: PageRequest) -> Page[SalesResultView]:
        with self._d.uow(principal.tenant_id) as uow:
            where = filter_of(uow, query)
            return uow.sales_results.search(where, page, viewer_in(uow, principal, self._d.clock))


class SalesResultTotals:
    """Count and sums (quantity, amount, cost, gross profit) of the results matching the filters."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, query: SalesResultQuery) -> SalesTotals:
        with self._d.uow(principal.tenant_id) as uow:
            return uow.sales_results.totals(filter_of(uow, query))
