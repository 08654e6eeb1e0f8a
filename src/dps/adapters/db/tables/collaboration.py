"""Comments, likes, attachment metadata and notifications on any sales record, keyed by
(record_type, record_id). Deleting a record deletes these through the record's delete use case."""

import sqlalchemy as sa

from dps.adapters.db.metadata import UTCDateTime, metadata, tenant_fk, tenant_key, version_column

comments = sa.Table(
    "comments",
    metadata,
    *tenant_key(),
    sa.Column("record_type", sa.String(32), nullable=False),
    sa.Column("record_id", sa.Uuid, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("reply_to_id", sa.Uuid, nullable=True),
    sa.Column("created_by", sa.Uuid, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=True),
    version_column(),
    tenant_fk(["created_by"], "users"),
    tenant_fk(["reply_to_id"], "comments", ondelete="CASCADE"),
    sa.Index("ix_comments_record", "tenant_id", "record_type", "record_id", "created_at"),
)

likes = sa.Table(
    "likes",
    metadata,
    sa.Column("tenant_id", sa.Uuid, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("record_type", sa.String(32), primary_key=True),
    sa.Column("record_id", sa.Uuid, primary_key=True),
    sa.Column("user_id", sa.Uuid, primary_key=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    tenant_fk(["user_id"], "users", ondelete="CASCADE"),
)

attachments = sa.Table(
    "attachments",
    metadata,
    *tenant_key(),
    sa.Column("record_type", sa.String(32), nullable=False),
    sa.Column("record_id", sa.Uuid, nullable=False),
    sa.Column("file_name", sa.String(255), nullable=False),
    sa.Column("content_type", sa.String(100), nullable=False),
    sa.Column("size_bytes", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("storage_key", sa.String(200), nullable=False),
    sa.Column("uploaded_by", sa.Uuid, nullable=True),
    sa.Column("uploaded_at", UTCDateTime, nullable=False),
    tenant_fk(["uploaded_by"], "users"),
    sa.Index("ix_attachments_record", "tenant_id", "record_type", "record_id"),
)

notifications = sa.Table(
    "notifications",
    metadata,
    *tenant_key(),
    sa.Column("user_id", sa.Uuid, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("record_type", sa.String(32), nullable=False),
    sa.Column("record_id", sa.Uuid, nullable=False),
    sa.Column("actor_id", sa.Uuid, nullable=True),
    sa.Column("summary", sa.String(400), nullable=False, server_default=""),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("read_at", UTCDateTime, nullable=True),
    tenant_fk(["user_id"], "users", ondelete="CASCADE"),
    tenant_fk(["actor_id"], "users"),
    sa.Index("ix_notifications_user", "tenant_id", "user_id", "created_at"),
    sa.Index("ix_notifications_record", "tenant_id", "record_type", "record_id"),
)
