"""Reports (集計): aggregates computed in SQL through the visibility rules (R7)."""
