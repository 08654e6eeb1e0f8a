"""SQL store of persons (パーソン)."""

from __future__ import annotations

from dps.adapters.db.repositories.base import TenantScoped
from dps.application.sales.persons.ports import PersonRepository


class SqlPersonRepository(TenantScoped, PersonRepository):
    """Filled in by the persons work."""
