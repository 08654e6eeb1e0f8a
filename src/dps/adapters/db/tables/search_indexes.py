"""Trigram indexes for text search on PostgreSQL (migration 0012): `search_text LIKE '%word%'` on
the normalised names of each record kind. GIN with pg_trgm, led by tenant_id through btree_gin."""

import sqlalchemy as sa

from dps.adapters.db.tables.sales_accounts import accounts, persons
from dps.adapters.db.tables.sales_activities import activities
from dps.adapters.db.tables.sales_campaigns import campaigns, leads
from dps.adapters.db.tables.sales_opportunities import opportunities

SEARCHABLE = (accounts, persons, opportunities, activities, leads, campaigns)

for _table in SEARCHABLE:
    sa.Index(
        f"ix_{_table.name}_search_trgm", _table.c.tenant_id, _table.c.search_text,
        postgresql_using="gin", postgresql_ops={"search_text": "gin_trgm_ops"},
    ).ddl_if(dialect="postgresql")
