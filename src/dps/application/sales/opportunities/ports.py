"""Store of opportunities."""

from __future__ import annotations

from typing import Protocol


class OpportunityRepository(Protocol):
    """Opportunities with their lines, competitors and campaign links; visibility-filtered search."""
