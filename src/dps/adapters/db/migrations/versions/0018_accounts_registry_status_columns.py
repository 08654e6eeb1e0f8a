"""accounts.en_name, closed_on, close_cause, successor_corporate_number: the registry's status of a company

What the corporate registry (法人番号) says beside the name and address: the English name (英語名), the
date its register was closed (閉鎖日), the NTA's cause code (閉鎖事由) and the corporate number of the
successor (承継法人番号) after a merger. Until now the registry integration kept them in account custom
fields of the same keys when a tenant defined them; those values stay where they are.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('en_name', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('closed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('close_cause', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('successor_corporate_number', sa.String(length=13), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('successor_corporate_number')
        batch_op.drop_column('close_cause')
        batch_op.drop_column('closed_on')
        batch_op.drop_column('en_name')
