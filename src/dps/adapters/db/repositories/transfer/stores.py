"""`TransferStores` on SQL units of work: each store shares the unit of work's connection and tenant."""

from __future__ import annotations

from typing import Any

from dps.adapters.db.repositories.transfer.account_groups import SqlAccountGroupBulkStore
from dps.adapters.db.repositories.transfer.accounts import SqlAccountBulkStore
from dps.adapters.db.repositories.transfer.activities import SqlActivityBulkStore
from dps.adapters.db.repositories.transfer.business_cards import SqlBusinessCardBulkStore
from dps.adapters.db.repositories.transfer.code_values import SqlCodeValueBulkStore
from dps.adapters.db.repositories.transfer.directory import SqlDirectoryLookup
from dps.adapters.db.repositories.transfer.opportunities import SqlOpportunityBulkStore
from dps.adapters.db.repositories.transfer.persons import SqlPersonBulkStore
from dps.adapters.db.repositories.transfer.products import SqlProductBulkStore
from dps.adapters.db.repositories.transfer.sales_results import SqlSalesResultBulkStore
from dps.adapters.db.repositories.transfer.users import SqlUserBulkStore
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.transfer.ports_store import TransferStores


def _bind(uow: SalesUnitOfWork) -> tuple[Any, Any]:
    conn, tenant = getattr(uow, "conn", None), getattr(uow, "tenant_id", None)
    if conn is None or tenant is None:
        raise TypeError("SQL transfer stores need a SqlUnitOfWork")
    return conn, tenant


class SqlTransferStores(TransferStores):
    def directory(self, uow: SalesUnitOfWork) -> SqlDirectoryLookup:
        return SqlDirectoryLookup(*_bind(uow))

    def accounts(self, uow: SalesUnitOfWork) -> SqlAccountBulkStore:
        return SqlAccountBulkStore(*_bind(uow))

    def users(self, uow: SalesUnitOfWork) -> SqlUserBulkStore:
        return SqlUserBulkStore(*_bind(uow))

    def products(self, uow: SalesUnitOfWork) -> SqlProductBulkStore:
        return SqlProductBulkStore(*_bind(uow))

    def persons(self, uow: SalesUnitOfWork) -> SqlPersonBulkStore:
        return SqlPersonBulkStore(*_bind(uow))

    def business_cards(self, uow: SalesUnitOfWork) -> SqlBusinessCardBulkStore:
        return SqlBusinessCardBulkStore(*_bind(uow))

    def account_groups(self, uow: SalesUnitOfWork) -> SqlAccountGroupBulkStore:
        return SqlAccountGroupBulkStore(*_bind(uow))

    def code_values(self, uow: SalesUnitOfWork) -> SqlCodeValueBulkStore:
        return SqlCodeValueBulkStore(*_bind(uow))

    def opportunities(self, uow: SalesUnitOfWork) -> SqlOpportunityBulkStore:
        return SqlOpportunityBulkStore(*_bind(uow))

    def activities(self, uow: SalesUnitOfWork) -> SqlActivityBulkStore:
        return SqlActivityBulkStore(*_bind(uow))

    def sales_results(self, uow: SalesUnitOfWork) -> SqlSalesResultBulkStore:
        return SqlSalesResultBulkStore(*_bind(uow))
