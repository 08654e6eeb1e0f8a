"""Web sessions and API tokens: stored in the database so app processes stay stateless."""

import sqlalchemy as sa

from dps.adapters.db.metadata import UTCDateTime, metadata, tenant_key

web_sessions = sa.Table(
    "web_sessions",
    metadata,
    sa.Column("tenant_id", sa.Uuid, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("key_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Uuid, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("last_seen_at", UTCDateTime, nullable=False),
    sa.Column("idle_seconds", sa.Integer, nullable=False),
    sa.ForeignKeyConstraint(["tenant_id", "user_id"], ["users.tenant_id", "users.id"], ondelete="CASCADE"),
    sa.Index(None, "tenant_id", "user_id"),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    *tenant_key(),
    sa.Column("user_id", sa.Uuid, nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("secret_hash", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("last_used_at", UTCDateTime, nullable=True),
    sa.Column("revoked_at", UTCDateTime, nullable=True),
    sa.ForeignKeyConstraint(["tenant_id", "user_id"], ["users.tenant_id", "users.id"], ondelete="CASCADE"),
    sa.Index(None, "tenant_id", "user_id"),
)
