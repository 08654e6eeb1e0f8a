"""販売実績 sales results: one row per slip line, imported from the core system (or converted from a
won opportunity, or entered by hand). Never 非公開, so no staff / allow-list rows.

`(tenant_id, source_code, slip_no)` is the natural key a re-import updates by. `owner_organization_id`
is stamped when the result is recorded (the owner's primary organisation), and the indexes serve the
reports: by date, by account, and by organisation over a date range.
"""

import sqlalchemy as sa

from dps.adapters.db.metadata import MONEY, UTCDateTime, metadata, tenant_fk, tenant_key, version_column

sales_results = sa.Table(
    "sales_results",
    metadata,
    *tenant_key(),
    sa.Column("sales_date", sa.Date, nullable=False),
    sa.Column("account_id", sa.Uuid, nullable=False),
    sa.Column("product_id", sa.Uuid, nullable=True),
    sa.Column("category_code", sa.String(64), nullable=True),
    sa.Column("quantity", sa.Numeric(18, 3), nullable=True),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("cost", MONEY, nullable=True),
    sa.Column("gross_profit", MONEY, nullable=True),
    sa.Column("owner_id", sa.Uuid, nullable=False),
    sa.Column("owner_organization_id", sa.Uuid, nullable=True),
    sa.Column("opportunity_id", sa.Uuid, nullable=True),
    sa.Column("source_code", sa.String(16), nullable=False),
    sa.Column("slip_no", sa.String(64), nullable=True),
    sa.Column("notes", sa.Text, nullable=False, server_default=""),
    sa.Column("created_by", sa.Uuid, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_by", sa.Uuid, nullable=True),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    version_column(),
    tenant_fk(["account_id"], "accounts"),
    tenant_fk(["product_id"], "products"),
    tenant_fk(["owner_id"], "users"),
    tenant_fk(["owner_organization_id"], "organizations"),
    tenant_fk(["opportunity_id"], "opportunities"),
    tenant_fk(["created_by"], "users"),
    tenant_fk(["updated_by"], "users"),
    sa.UniqueConstraint("tenant_id", "source_code", "slip_no"),
    sa.Index("ix_sales_results_date", "tenant_id", "sales_date", "id"),
    sa.Index("ix_sales_results_account", "tenant_id", "account_id", "sales_date"),
    sa.Index("ix_sales_results_owner", "tenant_id", "owner_id", "sales_date"),
    sa.Index("ix_sales_results_org_date", "tenant_id", "owner_organization_id", "sales_date"),
)
