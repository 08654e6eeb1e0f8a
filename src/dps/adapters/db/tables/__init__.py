"""Importing this package registers every table on `metadata`."""

from dps.adapters.db.tables import auth, directory, records, tenancy

__all__ = ["auth", "directory", "records", "tenancy"]
