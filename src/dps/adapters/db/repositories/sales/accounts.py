"""SQL store of accounts (取引先)."""

from __future__ import annotations

from dps.adapters.db.repositories.base import TenantScoped
from dps.application.sales.accounts.ports import AccountRepository


class SqlAccountRepository(TenantScoped, AccountRepository):
    """Filled in by the accounts work."""
