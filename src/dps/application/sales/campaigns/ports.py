"""Store of campaigns."""

from __future__ import annotations

from typing import Protocol


class CampaignRepository(Protocol):
    """Campaigns with their members; visibility-filtered search."""
