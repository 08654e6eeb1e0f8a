"""予算 budgets: one per fiscal year, target (organisation and/or user) and kind, with monthly lines.

`fiscal_year_start_month` keeps the fiscal calendar a budget was planned in (the tenant's at the
time), so its quarters and halves keep their meaning if the tenant's start month changes.
`target_key` is the canonical text of (organisation, user, per-category) that the unique key uses.
"""

import sqlalchemy as sa

from dps.adapters.db.metadata import MONEY, UTCDateTime, metadata, tenant_fk, tenant_key, version_column

budgets = sa.Table(
    "budgets",
    metadata,
    *tenant_key(),
    sa.Column("fiscal_year", sa.Integer, nullable=False),
    sa.Column("fiscal_year_start_month", sa.Integer, nullable=False, server_default="4"),
    sa.Column("organization_id", sa.Uuid, nullable=True),
    sa.Column("user_id", sa.Uuid, nullable=True),
    sa.Column("kind_code", sa.String(64), nullable=False),
    sa.Column("by_category", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("target_key", sa.String(120), nullable=False),
    sa.Column("notes", sa.Text, nullable=False, server_default=""),
    sa.Column("created_by", sa.Uuid, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_by", sa.Uuid, nullable=True),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    version_column(),
    tenant_fk(["organization_id"], "organizations"),
    tenant_fk(["user_id"], "users"),
    tenant_fk(["created_by"], "users"),
    tenant_fk(["updated_by"], "users"),
    sa.CheckConstraint("organization_id IS NOT NULL OR user_id IS NOT NULL", name="has_target"),
    sa.UniqueConstraint("tenant_id", "fiscal_year", "target_key", "kind_code"),
    sa.Index("ix_budgets_org", "tenant_id", "organization_id", "fiscal_year"),
    sa.Index("ix_budgets_user", "tenant_id", "user_id", "fiscal_year"),
)

budget_lines = sa.Table(
    "budget_lines",
    metadata,
    sa.Column("tenant_id", sa.Uuid, primary_key=True),
    sa.Column("budget_id", sa.Uuid, primary_key=True),
    sa.Column("month", sa.Date, primary_key=True),
    sa.Column("category_code", sa.String(64), primary_key=True, server_default=""),
    sa.Column("amount", MONEY, nullable=False),
    tenant_fk(["budget_id"], "budgets", ondelete="CASCADE"),
)
