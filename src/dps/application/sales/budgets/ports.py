"""Store of budgets (予算) with their monthly lines."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable, Sequence
from typing import Protocol
from uuid import UUID

from attrs import frozen

from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.budgets import Budget
from dps.domain.shared.ids import OrganizationId, UserId


@frozen
class BudgetFilter:
    """Which budgets a list or bulk delete concerns; None means 'any'. `organization_ids` is already
    expanded to sub-organisations when the caller asked for them."""

    fiscal_year: int | None = None
    organization_ids: frozenset[OrganizationId] | None = None
    user_id: UserId | None = None
    kind_code: str | None = None


class BudgetRepository(Protocol):
    """Budgets with their lines. Every budget is readable by every licensed user of the tenant
    (budgets are never 非公開), so no visibility filter applies here."""

    @abstractmethod
    def get(self, budget_id: UUID) -> Budget | None: ...

    @abstractmethod
    def get_many(self, budget_ids: Iterable[UUID]) -> Sequence[Budget]:
        """The budgets among `budget_ids` that exist (in no particular order)."""

    @abstractmethod
    def find_id(self, fiscal_year: int, target_key: str, kind_code: str) -> UUID | None:
        """The id of the budget holding this unique key, if any."""

    @abstractmethod
    def add(self, budget: Budget) -> None:
        """Insert with its lines; Conflict when the (fiscal year, target, kind) key is taken."""

    @abstractmethod
    def update(self, budget: Budget) -> None:
        """Save and replace all lines; bumps `version`. Conflict on a stale version or a taken key."""

    @abstractmethod
    def delete(self, budget_ids: Sequence[UUID]) -> int:
        """Delete the budgets and their lines; returns how many budgets were deleted."""

    @abstractmethod
    def search(self, where: BudgetFilter, page: PageRequest) -> Page[Budget]:
        """One page in `page.sort` order (fiscal_year, kind_code, created_at, updated_at; '-' for
        descending; default fiscal_year), ties broken by id."""

    @abstractmethod
    def matching(self, where: BudgetFilter) -> Sequence[Budget]:
        """Every budget the filter selects (for bulk deletion, which logs each one)."""
