"""商品 products, 案件 opportunities with product lines (商品明細) and competitors (競合)."""

import sqlalchemy as sa

from dps.adapters.db.metadata import (
    MONEY,
    UTCDateTime,
    metadata,
    sales_record_columns,
    tenant_fk,
    tenant_key,
    version_column,
)

products = sa.Table(
    "products",
    metadata,
    *tenant_key(),
    sa.Column("code", sa.String(64), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kana", sa.String(200), nullable=False, server_default=""),
    sa.Column("category_code", sa.String(64), nullable=True),
    sa.Column("unit", sa.String(20), nullable=False, server_default=""),
    sa.Column("standard_price", MONEY, nullable=True),
    sa.Column("cost", MONEY, nullable=True),
    sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("description", sa.Text, nullable=False, server_default=""),
    sa.Column("search_text", sa.Text, nullable=False, server_default=""),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    version_column(),
    sa.UniqueConstraint("tenant_id", "code"),
)

opportunities = sa.Table(
    "opportunities",
    metadata,
    *sales_record_columns("opportunities"),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("account_id", sa.Uuid, nullable=False),
    sa.Column("campaign_id", sa.Uuid, nullable=True),
    sa.Column("source_lead_id", sa.Uuid, nullable=True),
    sa.Column("stage_code", sa.String(64), nullable=False),
    sa.Column("certainty_code", sa.String(64), nullable=True),
    sa.Column("is_open", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("expected_order_date", sa.Date, nullable=True),
    sa.Column("expected_sales_date", sa.Date, nullable=True),
    sa.Column("expected_amount", MONEY, nullable=True),
    sa.Column("order_amount", MONEY, nullable=True),
    sa.Column("ordered_on", sa.Date, nullable=True),
    sa.Column("lost_reason", sa.Text, nullable=False, server_default=""),
    sa.Column("description", sa.Text, nullable=False, server_default=""),
    sa.Column("next_action", sa.String(400), nullable=False, server_default=""),
    sa.Column("next_action_on", sa.Date, nullable=True),
    tenant_fk(["account_id"], "accounts"),
    tenant_fk(["campaign_id"], "campaigns"),
    tenant_fk(["source_lead_id"], "leads"),
    sa.Index("ix_opportunities_account", "tenant_id", "account_id"),
    sa.Index("ix_opportunities_campaign", "tenant_id", "campaign_id"),
    sa.Index("ix_opportunities_open_expected", "tenant_id", "is_open", "expected_order_date", "id"),
    sa.Index("ix_opportunities_org_open_expected", "tenant_id", "owner_organization_id", "is_open",
             "expected_order_date"),
)

# Newest expected order date first (the default list order: DESC NULLS LAST, ties by id DESC) is a
# backward scan of an index kept NULLS FIRST on PostgreSQL. SQLite has no NULLS clause in an index:
# migration 0008 gives it a DESC index of the same name instead (SQLite sorts NULLs lowest).
sa.Index("ix_opportunities_open_expected_desc", opportunities.c.tenant_id, opportunities.c.is_open,
         opportunities.c.expected_order_date.nulls_first(), opportunities.c.id).ddl_if(dialect="postgresql")
sa.Index("ix_opportunities_expected_desc", opportunities.c.tenant_id,
         opportunities.c.expected_order_date.nulls_first(), opportunities.c.id).ddl_if(dialect="postgresql")

opportunity_lines = sa.Table(
    "opportunity_lines",
    metadata,
    *tenant_key(),
    sa.Column("opportunity_id", sa.Uuid, nullable=False),
    sa.Column("line_no", sa.Integer, nullable=False),
    sa.Column("product_id", sa.Uuid, nullable=True),
    sa.Column("product_name", sa.String(200), nullable=False),
    sa.Column("quantity", sa.Numeric(18, 3), nullable=False),
    sa.Column("unit_price", MONEY, nullable=False),
    sa.Column("discount", MONEY, nullable=False, server_default="0"),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("notes", sa.String(400), nullable=False, server_default=""),
    tenant_fk(["opportunity_id"], "opportunities", ondelete="CASCADE"),
    tenant_fk(["product_id"], "products"),
    sa.UniqueConstraint("tenant_id", "opportunity_id", "line_no"),
    sa.Index("ix_opportunity_lines_product", "tenant_id", "product_id"),
)

opportunity_competitors = sa.Table(
    "opportunity_competitors",
    metadata,
    *tenant_key(),
    sa.Column("opportunity_id", sa.Uuid, nullable=False),
    sa.Column("line_no", sa.Integer, nullable=False, server_default="0"),
    sa.Column("competitor_account_id", sa.Uuid, nullable=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("product", sa.String(200), nullable=False, server_default=""),
    sa.Column("price", MONEY, nullable=True),
    sa.Column("strengths", sa.Text, nullable=False, server_default=""),
    sa.Column("weaknesses", sa.Text, nullable=False, server_default=""),
    sa.Column("result", sa.String(16), nullable=False, server_default=""),
    tenant_fk(["opportunity_id"], "opportunities", ondelete="CASCADE"),
    tenant_fk(["competitor_account_id"], "accounts"),
    sa.Index("ix_opportunity_competitors_opportunity", "tenant_id", "opportunity_id"),
)
