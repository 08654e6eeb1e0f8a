"""SQL store of budgets (予算)."""

from __future__ import annotations

from dps.adapters.db.repositories.base import TenantScoped
from dps.application.sales.budgets.ports import BudgetRepository


class SqlBudgetRepository(TenantScoped, BudgetRepository):
    """Filled in by the budgets work."""
