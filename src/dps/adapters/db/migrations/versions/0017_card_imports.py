"""card_imports: the staging queue of bulk business-card registration (S9, M4)

One row per uploaded card image of one user (tenant-scoped, owner's rows go with the user): the image's
storage key, OCR text and fields as read and as corrected, the review status and decision, and what
an import created (person, account) - history columns, not foreign keys.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dps.adapters.db.metadata

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('card_imports',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('owner_id', sa.Uuid(), nullable=False),
    sa.Column('batch_id', sa.Uuid(), nullable=False),
    sa.Column('image_key', sa.String(length=200), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('ocr_text', sa.Text(), server_default='', nullable=False),
    sa.Column('fields', sa.JSON(), nullable=True),
    sa.Column('corrected', sa.JSON(), nullable=True),
    sa.Column('status', sa.String(length=16), server_default='reading', nullable=False),
    sa.Column('reason', sa.Text(), server_default='', nullable=False),
    sa.Column('decision', sa.JSON(), nullable=True),
    sa.Column('person_id', sa.Uuid(), nullable=True),
    sa.Column('account_id', sa.Uuid(), nullable=True),
    sa.Column('campaign_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', dps.adapters.db.metadata.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', dps.adapters.db.metadata.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'owner_id'], ['users.tenant_id', 'users.id'], name=op.f('fk_card_imports_tenant_id_owner_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_card_imports_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_card_imports'))
    )
    op.create_index('ix_card_imports_batch', 'card_imports', ['tenant_id', 'batch_id'], unique=False)
    op.create_index('ix_card_imports_owner', 'card_imports', ['tenant_id', 'owner_id', 'status', 'created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_card_imports_owner', table_name='card_imports')
    op.drop_index('ix_card_imports_batch', table_name='card_imports')
    op.drop_table('card_imports')
