"""products and opportunities: follow-up changes

- `opportunity_competitors.line_no`: competitors keep the order they were entered in;
- `products.search_text`: normalised code, name and kana for text search;
- PostgreSQL only: indexes for the default list order, newest expected order date first with
  undated deals last (a backward scan of `expected_order_date NULLS FIRST`), with and without the
  open/closed filter.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('opportunity_competitors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('line_no', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), server_default='', nullable=False))
    # PostgreSQL reads `NULLS FIRST` backwards as `DESC NULLS LAST`; SQLite has no NULLS clause in an
    # index but sorts NULLs lowest, so its DESC index gives the same order forwards.
    if op.get_bind().dialect.name == 'postgresql':
        order_date, row_id = sa.text('expected_order_date NULLS FIRST'), sa.text('id')
    else:
        order_date, row_id = sa.text('expected_order_date DESC'), sa.text('id DESC')
    op.create_index('ix_opportunities_open_expected_desc', 'opportunities', ['tenant_id', 'is_open', order_date, row_id])
    op.create_index('ix_opportunities_expected_desc', 'opportunities', ['tenant_id', order_date, row_id])


def downgrade() -> None:
    op.drop_index('ix_opportunities_expected_desc', table_name='opportunities')
    op.drop_index('ix_opportunities_open_expected_desc', table_name='opportunities')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_column('search_text')
    with op.batch_alter_table('opportunity_competitors', schema=None) as batch_op:
        batch_op.drop_column('line_no')
