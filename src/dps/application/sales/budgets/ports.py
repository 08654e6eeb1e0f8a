"""Store of budgets."""

from __future__ import annotations

from typing import Protocol


class BudgetRepository(Protocol):
    """Budgets with their lines."""
