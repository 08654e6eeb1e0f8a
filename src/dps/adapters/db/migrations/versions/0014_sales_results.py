"""sales_results: 販売実績, imported from the core system (CSV / Excel)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dps.adapters.db.metadata

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('sales_results',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('sales_date', sa.Date(), nullable=False),
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('product_id', sa.Uuid(), nullable=True),
    sa.Column('category_code', sa.String(length=64), nullable=True),
    sa.Column('quantity', sa.Numeric(precision=18, scale=3), nullable=True),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('cost', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('gross_profit', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('owner_id', sa.Uuid(), nullable=False),
    sa.Column('owner_organization_id', sa.Uuid(), nullable=True),
    sa.Column('opportunity_id', sa.Uuid(), nullable=True),
    sa.Column('source_code', sa.String(length=16), nullable=False),
    sa.Column('slip_no', sa.String(length=64), nullable=True),
    sa.Column('notes', sa.Text(), server_default='', nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', dps.adapters.db.metadata.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('updated_at', dps.adapters.db.metadata.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'account_id'], ['accounts.tenant_id', 'accounts.id'], name=op.f('fk_sales_results_tenant_id_account_id_accounts')),
    sa.ForeignKeyConstraint(['tenant_id', 'created_by'], ['users.tenant_id', 'users.id'], name=op.f('fk_sales_results_tenant_id_created_by_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'opportunity_id'], ['opportunities.tenant_id', 'opportunities.id'], name=op.f('fk_sales_results_tenant_id_opportunity_id_opportunities')),
    sa.ForeignKeyConstraint(['tenant_id', 'owner_id'], ['users.tenant_id', 'users.id'], name=op.f('fk_sales_results_tenant_id_owner_id_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'owner_organization_id'], ['organizations.tenant_id', 'organizations.id'], name=op.f('fk_sales_results_tenant_id_owner_organization_id_organizations')),
    sa.ForeignKeyConstraint(['tenant_id', 'product_id'], ['products.tenant_id', 'products.id'], name=op.f('fk_sales_results_tenant_id_product_id_products')),
    sa.ForeignKeyConstraint(['tenant_id', 'updated_by'], ['users.tenant_id', 'users.id'], name=op.f('fk_sales_results_tenant_id_updated_by_users')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_sales_results_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_sales_results')),
    sa.UniqueConstraint('tenant_id', 'source_code', 'slip_no', name=op.f('uq_sales_results_tenant_id_source_code_slip_no'))
    )
    with op.batch_alter_table('sales_results', schema=None) as batch_op:
        batch_op.create_index('ix_sales_results_account', ['tenant_id', 'account_id', 'sales_date'], unique=False)
        batch_op.create_index('ix_sales_results_date', ['tenant_id', 'sales_date', 'id'], unique=False)
        batch_op.create_index('ix_sales_results_org_date', ['tenant_id', 'owner_organization_id', 'sales_date'],
                              unique=False)
        batch_op.create_index('ix_sales_results_owner', ['tenant_id', 'owner_id', 'sales_date'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sales_results', schema=None) as batch_op:
        batch_op.drop_index('ix_sales_results_owner')
        batch_op.drop_index('ix_sales_results_org_date')
        batch_op.drop_index('ix_sales_results_date')
        batch_op.drop_index('ix_sales_results_account')

    op.drop_table('sales_results')
