"""Tables every business record kind shares: its staff (自社担当者), its 非公開 allow-list (公開先) and
its relations (関係者: customer-side persons and their role).

One pair of tables keyed by (tenant_id, record_type, record_id) serves accounts, opportunities,
activities, ... so the visibility compiler is written once.
"""

import sqlalchemy as sa

from dps.adapters.db.metadata import metadata

record_staff = sa.Table(
    "record_staff",
    metadata,
    sa.Column("tenant_id", sa.Uuid, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("record_type", sa.String(32), primary_key=True),
    sa.Column("record_id", sa.Uuid, primary_key=True),
    sa.Column("user_id", sa.Uuid, primary_key=True),
    sa.Column("is_main", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.ForeignKeyConstraint(["tenant_id", "user_id"], ["users.tenant_id", "users.id"], ondelete="CASCADE"),
    sa.Index(None, "tenant_id", "user_id", "record_type"),
)

record_acl = sa.Table(
    "record_acl",
    metadata,
    sa.Column("tenant_id", sa.Uuid, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("record_type", sa.String(32), primary_key=True),
    sa.Column("record_id", sa.Uuid, primary_key=True),
    sa.Column("subject_type", sa.String(8), primary_key=True),
    sa.Column("subject_id", sa.Uuid, primary_key=True),
    sa.CheckConstraint("subject_type IN ('user', 'org', 'group')", name="subject_type"),
    sa.Index(None, "tenant_id", "subject_type", "subject_id", "record_type"),
)

record_relations = sa.Table(
    "record_relations",
    metadata,
    sa.Column("tenant_id", sa.Uuid, primary_key=True),
    sa.Column("record_type", sa.String(32), primary_key=True),
    sa.Column("record_id", sa.Uuid, primary_key=True),
    sa.Column("person_id", sa.Uuid, primary_key=True),
    sa.Column("role_code", sa.String(64), nullable=True),
    sa.ForeignKeyConstraint(["tenant_id", "person_id"], ["persons.tenant_id", "persons.id"], ondelete="CASCADE"),
    sa.Index(None, "tenant_id", "person_id", "record_type"),
)
