"""The tenant registry: the only table not scoped by tenant_id (its id *is* the tenant id)."""

import sqlalchemy as sa

from dps.adapters.db.metadata import UTCDateTime, metadata, version_column

tenants = sa.Table(
    "tenants",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("code", sa.String(40), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("time_zone", sa.String(64), nullable=False),
    sa.Column("fiscal_year_start_month", sa.SmallInteger, nullable=False),
    sa.Column("full_licenses", sa.Integer, nullable=False),
    sa.Column("light_licenses", sa.Integer, nullable=False),
    sa.Column("is_active", sa.Boolean, nullable=False),
    sa.Column("update_rule", sa.String(16), nullable=False, server_default="any_full_user"),
    sa.Column("created_at", UTCDateTime, nullable=False),
    version_column(),
    # Bumped in the same transaction by every write that can change a Principal or a Viewer; keys the
    # per-process memo of them (see dps.application.directory.memo).
    sa.Column("directory_version", sa.Integer, nullable=False, server_default="1"),
)
