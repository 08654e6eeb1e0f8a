"""案件 opportunities with product lines and competitors (S6)."""
