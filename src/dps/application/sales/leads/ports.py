"""Store of leads."""

from __future__ import annotations

from typing import Protocol


class LeadRepository(Protocol):
    """Leads with their actions; visibility-filtered search."""
