"""予算 budgets with monthly lines (S1)."""
