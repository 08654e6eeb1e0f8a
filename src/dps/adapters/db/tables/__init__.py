"""Importing this package registers every table on `metadata`."""

from dps.adapters.db.tables import auth, directory, tenancy

__all__ = ["auth", "directory", "tenancy"]
