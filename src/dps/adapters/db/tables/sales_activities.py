"""活動 activities (planned and actual) with the persons met (面談者) and colleagues attending (同行者)."""

import sqlalchemy as sa

from dps.adapters.db.metadata import UTCDateTime, metadata, sales_record_columns, tenant_fk

activities = sa.Table(
    "activities",
    metadata,
    *sales_record_columns("activities"),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("kind_code", sa.String(64), nullable=False),
    sa.Column("subject", sa.String(200), nullable=False),
    sa.Column("activity_date", sa.Date, nullable=False),
    sa.Column("starts_at", UTCDateTime, nullable=True),
    sa.Column("ends_at", UTCDateTime, nullable=True),
    sa.Column("purpose_code", sa.String(64), nullable=True),
    sa.Column("result_code", sa.String(64), nullable=True),
    sa.Column("content", sa.Text, nullable=False, server_default=""),
    sa.Column("next_action", sa.String(400), nullable=False, server_default=""),
    sa.Column("next_action_on", sa.Date, nullable=True),
    sa.Column("account_id", sa.Uuid, nullable=True),
    sa.Column("opportunity_id", sa.Uuid, nullable=True),
    sa.Column("campaign_id", sa.Uuid, nullable=True),
    sa.Column("lead_id", sa.Uuid, nullable=True),
    tenant_fk(["account_id"], "accounts"),
    tenant_fk(["opportunity_id"], "opportunities"),
    tenant_fk(["campaign_id"], "campaigns"),
    tenant_fk(["lead_id"], "leads"),
    sa.CheckConstraint("status IN ('planned', 'done', 'cancelled')", name="status"),
    sa.Index("ix_activities_account_date", "tenant_id", "account_id", "activity_date"),
    sa.Index("ix_activities_opportunity", "tenant_id", "opportunity_id"),
    sa.Index("ix_activities_campaign", "tenant_id", "campaign_id"),
    sa.Index("ix_activities_owner_date", "tenant_id", "owner_id", "activity_date"),
    sa.Index("ix_activities_date", "tenant_id", "activity_date"),
    sa.Index("ix_activities_lead", "tenant_id", "lead_id"),
    sa.Index("ix_activities_updated", "tenant_id", "updated_at"),
)

activity_persons = sa.Table(
    "activity_persons",
    metadata,
    sa.Column("tenant_id", sa.Uuid, primary_key=True),
    sa.Column("activity_id", sa.Uuid, primary_key=True),
    sa.Column("person_id", sa.Uuid, primary_key=True),
    tenant_fk(["activity_id"], "activities", ondelete="CASCADE"),
    tenant_fk(["person_id"], "persons", ondelete="CASCADE"),
    sa.Index("ix_activity_persons_person", "tenant_id", "person_id"),
)

activity_attendees = sa.Table(
    "activity_attendees",
    metadata,
    sa.Column("tenant_id", sa.Uuid, primary_key=True),
    sa.Column("activity_id", sa.Uuid, primary_key=True),
    sa.Column("user_id", sa.Uuid, primary_key=True),
    tenant_fk(["activity_id"], "activities", ondelete="CASCADE"),
    tenant_fk(["user_id"], "users", ondelete="CASCADE"),
    sa.Index("ix_activity_attendees_user", "tenant_id", "user_id"),
)
