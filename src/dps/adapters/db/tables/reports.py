"""Saved report definitions (レポート定義) and the users' Excel templates (テンプレート).

A definition names a report kind and keeps what a user chose for it: the columns in order, the
parameters (filters, grouping, period) as strings, the sort, and the template to fill. It belongs to
its owner and is shared with everybody (`shared_all`), or with organisations (their sub-organisations
too) and public groups listed in `report_definition_shares`. A template is an uploaded .xlsx kept in
the file store; its placeholders were checked at upload and are listed for the screen.
"""

import sqlalchemy as sa

from dps.adapters.db.metadata import UTCDateTime, metadata, tenant_fk, tenant_key, version_column

report_templates = sa.Table(
    "report_templates",
    metadata,
    *tenant_key(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(32), nullable=True),
    sa.Column("file_name", sa.String(255), nullable=False),
    sa.Column("size_bytes", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("storage_key", sa.String(200), nullable=False),
    sa.Column("placeholders", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("owner_id", sa.Uuid, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    version_column(),
    tenant_fk(["owner_id"], "users"),
    sa.UniqueConstraint("tenant_id", "name"),
)

report_definitions = sa.Table(
    "report_definitions",
    metadata,
    *tenant_key(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("description", sa.Text, nullable=False, server_default=""),
    sa.Column("columns", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("params", sa.JSON, nullable=False, server_default="{}"),
    sa.Column("sort_key", sa.String(100), nullable=True),
    sa.Column("sort_desc", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("template_id", sa.Uuid, nullable=True),
    sa.Column("shared_all", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("owner_id", sa.Uuid, nullable=True),
    sa.Column("created_by", sa.Uuid, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_by", sa.Uuid, nullable=True),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    version_column(),
    tenant_fk(["template_id"], "report_templates"),
    tenant_fk(["owner_id"], "users"),
    tenant_fk(["created_by"], "users"),
    tenant_fk(["updated_by"], "users"),
    sa.UniqueConstraint("tenant_id", "name"),
)

report_definition_shares = sa.Table(
    "report_definition_shares",
    metadata,
    sa.Column("tenant_id", sa.Uuid, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("definition_id", sa.Uuid, primary_key=True),
    sa.Column("target_type", sa.String(16), primary_key=True),
    sa.Column("target_id", sa.Uuid, primary_key=True),
    sa.CheckConstraint("target_type in ('organization', 'group')", name="target"),
    tenant_fk(["definition_id"], "report_definitions", ondelete="CASCADE"),
    sa.Index("ix_report_shares_target", "tenant_id", "target_type", "target_id"),
)
