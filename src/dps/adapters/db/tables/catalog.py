"""Per-tenant configuration as data: code lists (コード区分)."""

import sqlalchemy as sa

from dps.adapters.db.metadata import metadata

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
