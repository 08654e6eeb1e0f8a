"""SQL store of account groups (取引先汎用グループ)."""

from __future__ import annotations

from dps.adapters.db.repositories.base import TenantScoped
from dps.application.sales.accounts.ports import AccountGroupRepository


class SqlAccountGroupRepository(TenantScoped, AccountGroupRepository):
    """Filled in by the account_groups work."""
