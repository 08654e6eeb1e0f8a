"""Importing this package registers every table on `metadata`."""

from dps.adapters.db.tables import (
    auth,
    card_imports,
    catalog,
    collaboration,
    directory,
    records,
    registry,
    reports,
    sales_accounts,
    sales_activities,
    sales_budgets,
    sales_campaigns,
    sales_opportunities,
    sales_results,
    search_indexes,
    tenancy,
)

__all__ = [
    "auth", "card_imports", "catalog", "collaboration", "directory", "records", "registry", "reports",
    "sales_accounts", "sales_activities", "sales_budgets", "sales_campaigns", "sales_opportunities", "sales_results",
    "search_indexes", "tenancy",
]
