"""Directory tables: companies, organisations (versioned), positions, groups, users, affiliations, closure."""

import sqlalchemy as sa

from dps.adapters.db.metadata import UTCDateTime, metadata, tenant_key, version_column


def _fk(cols: list[str], table: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id", *cols], [f"{table}.tenant_id", f"{table}.id"], ondelete=ondelete
    )


companies = sa.Table(
    "companies",
    metadata,
    *tenant_key(),
    sa.Column("code", sa.String(64), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kana", sa.String(200), nullable=False, server_default=""),
    sa.Column("valid_from", sa.Date, nullable=False),
    version_column(),
    sa.UniqueConstraint("tenant_id", "code"),
)

organizations = sa.Table(
    "organizations",
    metadata,
    *tenant_key(),
    sa.Column("company_id", sa.Uuid, nullable=False),
    sa.Column("code", sa.String(64), nullable=False),
    version_column(),
    _fk(["company_id"], "companies"),
    sa.UniqueConstraint("tenant_id", "company_id", "code"),
)

organization_versions = sa.Table(
    "organization_versions",
    metadata,
    sa.Column("tenant_id", sa.Uuid, primary_key=True),
    sa.Column("organization_id", sa.Uuid, primary_key=True),
    sa.Column("valid_from", sa.Date, primary_key=True),
    sa.Column("valid_to", sa.Date, nullable=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kana", sa.String(200), nullable=False, server_default=""),
    sa.Column("parent_id", sa.Uuid, nullable=True),
    sa.Column("sort_key", sa.Integer, nullable=False, server_default="0"),
    _fk(["organization_id"], "organizations"),
    sa.Index(None, "tenant_id", "parent_id"),
)

positions = sa.Table(
    "positions",
    metadata,
    *tenant_key(),
    sa.Column("company_id", sa.Uuid, nullable=False),
    sa.Column("code", sa.String(64), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("rank", sa.Integer, nullable=False, server_default="0"),
    sa.Column("is_manager", sa.Boolean, nullable=False, server_default=sa.false()),
    version_column(),
    _fk(["company_id"], "companies"),
    sa.UniqueConstraint("tenant_id", "company_id", "code"),
)

public_groups = sa.Table(
    "public_groups",
    metadata,
    *tenant_key(),
    sa.Column("code", sa.String(64), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("parent_id", sa.Uuid, nullable=True),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("valid_to", sa.Date, nullable=True),
    version_column(),
    sa.UniqueConstraint("tenant_id", "code"),
)

group_roles = sa.Table(
    "group_roles",
    metadata,
    *tenant_key(),
    sa.Column("group_id", sa.Uuid, nullable=False),
    sa.Column("code", sa.String(64), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    _fk(["group_id"], "public_groups"),
    sa.UniqueConstraint("tenant_id", "group_id", "code"),
)

users = sa.Table(
    "users",
    metadata,
    *tenant_key(),
    sa.Column("login_id", sa.String(100), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kana", sa.String(200), nullable=False, server_default=""),
    sa.Column("email", sa.String(254), nullable=False, server_default=""),
    sa.Column("license", sa.String(10), nullable=False),
    sa.Column("locale", sa.String(10), nullable=False),
    sa.Column("time_zone", sa.String(64), nullable=False),
    sa.Column("is_active", sa.Boolean, nullable=False),
    sa.Column("roles", sa.String(200), nullable=False, server_default=""),
    sa.Column("password_hash", sa.String(200), nullable=True),
    sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
    sa.Column("locked_until", UTCDateTime, nullable=True),
    sa.Column("password_changed_at", UTCDateTime, nullable=True),
    version_column(),
    sa.UniqueConstraint("tenant_id", "login_id"),
)

group_memberships = sa.Table(
    "group_memberships",
    metadata,
    *tenant_key(),
    sa.Column("group_id", sa.Uuid, nullable=False),
    sa.Column("user_id", sa.Uuid, nullable=False),
    sa.Column("role_id", sa.Uuid, nullable=True),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("valid_to", sa.Date, nullable=True),
    _fk(["group_id"], "public_groups"),
    _fk(["user_id"], "users"),
    sa.Index(None, "tenant_id", "user_id"),
    sa.Index(None, "tenant_id", "group_id"),
)

affiliations = sa.Table(
    "affiliations",
    metadata,
    *tenant_key(),
    sa.Column("user_id", sa.Uuid, nullable=False),
    sa.Column("organization_id", sa.Uuid, nullable=False),
    sa.Column("position_id", sa.Uuid, nullable=True),
    sa.Column("is_primary", sa.Boolean, nullable=False),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("valid_to", sa.Date, nullable=True),
    _fk(["user_id"], "users"),
    _fk(["organization_id"], "organizations"),
    sa.Index(None, "tenant_id", "user_id"),
    sa.Index(None, "tenant_id", "organization_id"),
)

org_closure = sa.Table(
    "org_closure",
    metadata,
    sa.Column("tenant_id", sa.Uuid, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("ancestor_id", sa.Uuid, primary_key=True),
    sa.Column("descendant_id", sa.Uuid, primary_key=True),
    sa.Column("depth", sa.Integer, nullable=False),
    sa.Index(None, "tenant_id", "descendant_id"),
)

org_closure_state = sa.Table(
    "org_closure_state",
    metadata,
    sa.Column("tenant_id", sa.Uuid, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("refreshed_at", UTCDateTime, nullable=False),
)
