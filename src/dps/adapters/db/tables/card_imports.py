"""名刺一括登録 staging queue (S9): one row per uploaded card image of one user, until imported or discarded."""

import sqlalchemy as sa

from dps.adapters.db.metadata import UTCDateTime, metadata, tenant_fk, tenant_key, version_column

card_imports = sa.Table(
    "card_imports",
    metadata,
    *tenant_key(),
    sa.Column("owner_id", sa.Uuid, nullable=False),
    sa.Column("batch_id", sa.Uuid, nullable=False),
    sa.Column("image_key", sa.String(200), nullable=False),
    sa.Column("file_name", sa.String(255), nullable=False),
    sa.Column("content_type", sa.String(100), nullable=False),
    sa.Column("size_bytes", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("ocr_text", sa.Text, nullable=False, server_default=""),
    sa.Column("fields", sa.JSON, nullable=True),
    sa.Column("corrected", sa.JSON, nullable=True),
    sa.Column("status", sa.String(16), nullable=False, server_default="reading"),
    sa.Column("reason", sa.Text, nullable=False, server_default=""),
    sa.Column("decision", sa.JSON, nullable=True),
    sa.Column("person_id", sa.Uuid, nullable=True),
    sa.Column("account_id", sa.Uuid, nullable=True),
    sa.Column("campaign_id", sa.Uuid, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    version_column(),
    tenant_fk(["owner_id"], "users", ondelete="CASCADE"),
    sa.Index("ix_card_imports_owner", "tenant_id", "owner_id", "status", "created_at"),
    sa.Index("ix_card_imports_batch", "tenant_id", "batch_id"),
)
"""person_id / account_id / campaign_id record what an import created or chose; they are history, not
foreign keys (deleting a person later must not be blocked by its old staging row)."""
