"""SQL store of campaigns (キャンペーン)."""

from __future__ import annotations

from dps.adapters.db.repositories.base import TenantScoped
from dps.application.sales.campaigns.ports import CampaignRepository


class SqlCampaignRepository(TenantScoped, CampaignRepository):
    """Filled in by the campaigns work."""
