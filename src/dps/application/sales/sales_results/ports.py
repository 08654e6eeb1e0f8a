"""Stores of sales results (販売実績): the repository the read use cases query, and the set-based
store the import writes through (executemany, keyset export pages)."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from attrs import frozen

from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.sales_results import SalesResult, SalesSource
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.visibility.policy import Viewer


@frozen
class SalesResultFilter:
    """Which results a list or total concerns; None means 'any'. `date_to` is inclusive;
    `organization_ids` is already expanded to sub-organisations when the caller asked for them."""

    date_from: date | None = None
    date_to: date | None = None
    account_id: UUID | None = None
    owner_id: UserId | None = None
    organization_ids: frozenset[OrganizationId] | None = None
    product_id: UUID | None = None
    category_code: str | None = None
    source: SalesSource | None = None


@frozen
class SalesResultView:
    """A result with what a list shows beside it: the account's name (None when the viewer may not
    see the account: 非公開), the product's code and name, the owner's login id and name."""

    result: SalesResult
    account_name: str | None
    product_code: str | None
    product_name: str | None
    owner_login: str
    owner_name: str


@frozen
class SalesTotals:
    """Sums over the filtered results (the gross profit over the rows that have one)."""

    count: int
    quantity: Decimal
    amount: Decimal
    cost: Decimal
    gross_profit: Decimal


class SalesResultRepository(Protocol):
    """Sales results are never 非公開: every licensed user of the tenant reads every result, so no
    visibility filter applies to them (only to the account names shown beside them)."""

    @abstractmethod
    def get(self, result_id: UUID) -> SalesResult | None: ...

    @abstractmethod
    def search(self, where: SalesResultFilter, page: PageRequest, viewer: Viewer) -> Page[SalesResultView]:
        """One page in `page.sort` order (sales_date, amount, updated_at; '-' for descending; default
        '-sales_date'), ties broken by id."""

    @abstractmethod
    def totals(self, where: SalesResultFilter) -> SalesTotals: ...


@frozen
class SalesResultExportRow:
    """A result as its sheet shows it: the account by corporate number (else code), the product by
    code, the owner by login id."""

    result: SalesResult
    account_key: str | None
    product_code: str | None
    owner_login: str | None


class SalesResultBulkStore(Protocol):
    """Bound to one unit of work's connection and tenant (see `TransferStores.sales_results`)."""

    def by_ids(self, ids: Collection[UUID]) -> dict[UUID, SalesResult]: ...

    def by_slips(self, keys: Collection[tuple[SalesSource, str]]) -> dict[tuple[SalesSource, str], SalesResult]:
        """The results holding these (source, slip number) keys (one query per source, chunked)."""
        ...

    def opportunity_accounts(self, ids: Collection[UUID]) -> dict[UUID, UUID]:
        """Opportunity id -> its account id, for the opportunities that exist."""
        ...

    def insert(self, results: Sequence[SalesResult]) -> None: ...

    def update(self, results: Sequence[tuple[SalesResult, int]]) -> None:
        """(result, expected version): executemany, version + 1; Conflict when a version moved."""
        ...

    def stream(self, filters: Mapping[str, str], page_size: int = 1000) -> Iterator[SalesResultExportRow]:
        """Every result (filters: date_from, date_to as ISO dates) in (sales_date, id) keyset pages."""
        ...
