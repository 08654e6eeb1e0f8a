"""The port through which the application learns whether something it checked against the database is
still as it was: the adapter stamps a check before it reads, and later says whether anything of that
tenant's directory (users, memberships, tokens, the tenant row) may have changed since (ADR 23)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Protocol

from dps.domain.shared.ids import TenantId

Stamp = Hashable


class DirectoryFreshness(Protocol):
    def stamp(self, tenant_id: TenantId) -> Stamp | None:
        """Taken before the read; None: changes cannot be followed now, do not keep the result."""
        ...

    def holds(self, stamp: Stamp, tenant_id: TenantId) -> bool:
        """Nothing of the tenant's directory changed since `stamp` was taken."""
        ...
