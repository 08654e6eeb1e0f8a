"""The offline corporate registry (法人番号公表サイトの全件・差分データ): one row per corporation, loaded from
the NTA's bulk files by `dps registry load|update` and read by `OfflineRegistry`.

The NTA's public data is the same for every tenant, so this table is global: it has no tenant_id
(ADR 0018), and `info={"global": True}` exempts it from the tenant-first key rule. Names are searched
on `name_search` (`corporate_name_key`): a trigram GIN index on PostgreSQL for partial matches and a
btree (`text_pattern_ops` on PostgreSQL) for exact and prefix matches; SQLite uses the btree for `LIKE`.
"""

import sqlalchemy as sa

from dps.adapters.db.metadata import metadata

registry_corporations = sa.Table(
    "registry_corporations",
    metadata,
    sa.Column("corporate_number", sa.String(13), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("name_search", sa.Text, nullable=False),
    sa.Column("furigana", sa.Text, nullable=False, server_default=""),
    sa.Column("kind", sa.String(3), nullable=False, server_default=""),
    sa.Column("prefecture", sa.Text, nullable=False, server_default=""),
    sa.Column("city", sa.Text, nullable=False, server_default=""),
    sa.Column("street", sa.Text, nullable=False, server_default=""),
    sa.Column("postal_code", sa.String(7), nullable=False, server_default=""),
    sa.Column("address_outside", sa.Text, nullable=False, server_default=""),
    sa.Column("en_name", sa.Text, nullable=False, server_default=""),
    sa.Column("en_address", sa.Text, nullable=False, server_default=""),
    sa.Column("close_date", sa.Date, nullable=True),
    sa.Column("close_cause", sa.String(2), nullable=False, server_default=""),
    sa.Column("successor_number", sa.String(13), nullable=False, server_default=""),
    sa.Column("change_date", sa.Date, nullable=True),
    sa.Column("update_date", sa.Date, nullable=True),
    sa.Column("assignment_date", sa.Date, nullable=True),
    sa.Column("hihyoji", sa.Boolean, nullable=False, server_default=sa.false()),
    info={"global": True},
)

sa.Index(
    "ix_registry_corporations_name_search", registry_corporations.c.name_search,
    postgresql_ops={"name_search": "text_pattern_ops"},
)
sa.Index(
    "ix_registry_corporations_name_search_trgm", registry_corporations.c.name_search,
    postgresql_using="gin", postgresql_ops={"name_search": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")
