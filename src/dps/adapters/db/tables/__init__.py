"""Importing this package registers every table on `metadata`."""

from dps.adapters.db.tables import auth, catalog, directory, records, tenancy

__all__ = ["auth", "catalog", "directory", "records", "tenancy"]
