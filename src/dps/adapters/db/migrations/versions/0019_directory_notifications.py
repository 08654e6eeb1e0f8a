"""PostgreSQL: notify `dps_directory` (payload: the tenant id) when a tenant row or an API token changes

Every directory write bumps `tenants.directory_version` (an UPDATE of the tenant row), and revoking or
deleting an API token changes `api_tokens`; either way, whatever path wrote it, the commit delivers a
notification that tells every DPS process its cached token checks for that tenant are stale (ADR 23).
SQLite has no notifications: DPS checks tokens against the database on every request there.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "dps_directory"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"""
        CREATE FUNCTION dps_notify_directory() RETURNS trigger LANGUAGE plpgsql AS $fn$
        DECLARE changed record;
        BEGIN
          IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
          IF TG_TABLE_NAME = 'tenants' THEN
            PERFORM pg_notify('{CHANNEL}', changed.id::text);
          ELSE
            PERFORM pg_notify('{CHANNEL}', changed.tenant_id::text);
          END IF;
          RETURN NULL;
        END $fn$""")
    op.execute("CREATE TRIGGER tenants_notify_directory AFTER UPDATE OR DELETE ON tenants "
               "FOR EACH ROW EXECUTE FUNCTION dps_notify_directory()")
    op.execute("CREATE TRIGGER api_tokens_notify_directory AFTER UPDATE OR DELETE ON api_tokens "
               "FOR EACH ROW EXECUTE FUNCTION dps_notify_directory()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER api_tokens_notify_directory ON api_tokens")
    op.execute("DROP TRIGGER tenants_notify_directory ON tenants")
    op.execute("DROP FUNCTION dps_notify_directory()")
