"""search indexes for large tenants: trigram GIN indexes on search_text (PostgreSQL)

Text search is `search_text LIKE '%word%'` on normalised names (NFKC, lower case, hiragana). On
PostgreSQL a GIN index with pg_trgm answers it without scanning the table; btree_gin lets the index
lead with tenant_id, as every index does. Both extensions are 'trusted' (PostgreSQL 13+), so the
database owner may create them. SQLite scans, which is fine at the sizes it serves.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ('accounts', 'persons', 'opportunities', 'activities', 'leads', 'campaigns')


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    op.execute('CREATE EXTENSION IF NOT EXISTS btree_gin')
    for table in TABLES:
        op.execute(f'CREATE INDEX ix_{table}_search_trgm ON {table} USING gin (tenant_id, search_text gin_trgm_ops)')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in TABLES:
        op.execute(f'DROP INDEX IF EXISTS ix_{table}_search_trgm')
