"""registry_corporations: the offline corporate registry loaded from the NTA's bulk files

A global table (no tenant_id, ADR 0018): the NTA's public data is the same for every tenant. Name
search uses `name_search`: a btree (text_pattern_ops on PostgreSQL) for exact and prefix matches and,
on PostgreSQL, a trigram GIN index (pg_trgm, created by 0012) for partial matches.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('registry_corporations',
    sa.Column('corporate_number', sa.String(length=13), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('name_search', sa.Text(), nullable=False),
    sa.Column('furigana', sa.Text(), server_default='', nullable=False),
    sa.Column('kind', sa.String(length=3), server_default='', nullable=False),
    sa.Column('prefecture', sa.Text(), server_default='', nullable=False),
    sa.Column('city', sa.Text(), server_default='', nullable=False),
    sa.Column('street', sa.Text(), server_default='', nullable=False),
    sa.Column('postal_code', sa.String(length=7), server_default='', nullable=False),
    sa.Column('address_outside', sa.Text(), server_default='', nullable=False),
    sa.Column('en_name', sa.Text(), server_default='', nullable=False),
    sa.Column('en_address', sa.Text(), server_default='', nullable=False),
    sa.Column('close_date', sa.Date(), nullable=True),
    sa.Column('close_cause', sa.String(length=2), server_default='', nullable=False),
    sa.Column('successor_number', sa.String(length=13), server_default='', nullable=False),
    sa.Column('change_date', sa.Date(), nullable=True),
    sa.Column('update_date', sa.Date(), nullable=True),
    sa.Column('assignment_date', sa.Date(), nullable=True),
    sa.Column('hihyoji', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.PrimaryKeyConstraint('corporate_number', name=op.f('pk_registry_corporations'))
    )
    op.create_index('ix_registry_corporations_name_search', 'registry_corporations', ['name_search'],
                    unique=False, postgresql_ops={'name_search': 'text_pattern_ops'})
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        op.create_index('ix_registry_corporations_name_search_trgm', 'registry_corporations', ['name_search'],
                        unique=False, postgresql_using='gin', postgresql_ops={'name_search': 'gin_trgm_ops'})


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_registry_corporations_name_search_trgm', table_name='registry_corporations')
    op.drop_index('ix_registry_corporations_name_search', table_name='registry_corporations')
    op.drop_table('registry_corporations')
