"""SQL store of likes (ライク！)."""

from __future__ import annotations

from dps.adapters.db.repositories.base import TenantScoped
from dps.application.sales.collaboration.ports import LikeRepository


class SqlLikeRepository(TenantScoped, LikeRepository):
    """Filled in by the likes work."""
