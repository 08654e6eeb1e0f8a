"""The one MetaData of DPS, with stable constraint names, and column types shared by every table."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware UTC instants on every engine (SQLite keeps no zone, so we restore it)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        instant: datetime = value
        if instant.tzinfo is None:
            return instant.replace(tzinfo=UTC)
        return instant.astimezone(UTC)


def tenant_key() -> list[sa.Column[Any]]:
    """(tenant_id, id): the leading columns of every tenant-owned table."""
    return [
        sa.Column("tenant_id", sa.Uuid, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("id", sa.Uuid, primary_key=True),
    ]


def version_column() -> sa.Column[int]:
    return sa.Column("version", sa.Integer, nullable=False, server_default="1")


def tenant_fk(cols: list[str], table: str, ondelete: str | None = None) -> sa.ForeignKeyConstraint:
    """A foreign key that leads with tenant_id, as every key must (one tenant's rows never point at another's)."""
    return sa.ForeignKeyConstraint(["tenant_id", *cols], [f"{table}.tenant_id", f"{table}.id"], ondelete=ondelete)


MONEY = sa.Numeric(18, 2)
"""Amounts in yen (Decimal), room for fractions of a unit price."""


def sales_record_columns(table: str) -> list[sa.schema.SchemaItem]:
    """The columns and keys every sales record carries, per the visibility compiler's conventions:
    owner, owner's organisation (at owner assignment), creator, 非公開 flag, custom field values,
    search text (normalised names), audit stamps and version."""
    return [
        *tenant_key(),
        sa.Column("owner_id", sa.Uuid, nullable=True),
        sa.Column("owner_organization_id", sa.Uuid, nullable=True),
        sa.Column("created_by", sa.Uuid, nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.Uuid, nullable=True),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("is_restricted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("custom_fields", sa.JSON, nullable=False, server_default="{}"),
        sa.Column("search_text", sa.Text, nullable=False, server_default=""),
        version_column(),
        tenant_fk(["owner_id"], "users"),
        tenant_fk(["owner_organization_id"], "organizations"),
        tenant_fk(["created_by"], "users"),
        tenant_fk(["updated_by"], "users"),
        sa.Index(f"ix_{table}_owner", "tenant_id", "owner_id"),
        sa.Index(f"ix_{table}_owner_org", "tenant_id", "owner_organization_id"),
    ]
