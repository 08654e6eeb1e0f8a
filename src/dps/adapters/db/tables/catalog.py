"""Per-tenant configuration as data: code lists (コード区分) and custom field definitions (拡張項目)."""

import sqlalchemy as sa

from dps.adapters.db.metadata import UTCDateTime, metadata, tenant_key, version_column

code_values = sa.Table(
    "code_values",
    metadata,
    sa.Column("tenant_id", sa.Uuid, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("list_key", sa.String(64), primary_key=True),
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("label_ja", sa.String(200), nullable=False),
    sa.Column("label_en", sa.String(200), nullable=False, server_default=""),
    sa.Column("sort_order", sa.Integer, nullable=False, server_default="0"),
    sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("probability", sa.SmallInteger, nullable=True),
)

custom_field_defs = sa.Table(
    "custom_field_defs",
    metadata,
    *tenant_key(),
    sa.Column("entity", sa.String(32), nullable=False),
    sa.Column("key", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("label_ja", sa.String(200), nullable=False),
    sa.Column("label_en", sa.String(200), nullable=False, server_default=""),
    sa.Column("required", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("code_list_key", sa.String(64), nullable=True),
    sa.Column("max_length", sa.Integer, nullable=True),
    sa.Column("sort_order", sa.Integer, nullable=False, server_default="0"),
    sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
    version_column(),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("tenant_id", "entity", "key"),
)
"""拡張項目 definitions: one row per custom field of a record kind (values live in each record's
`custom_fields` JSON column). A choice field's `code_list_key` names a code list (`code_values.list_key`)."""
