"""campaigns and leads: follow-up changes

Indexes for the lookups the campaign and lead work does:
- `campaigns.parent_campaign_id`: child campaigns (delete check, hierarchy);
- `leads.next_action_on`: the next-action date range filter and sort;
- `leads.converted_account_id` / `converted_person_id`: "which lead became this" and the
  reference checks before an account or person is deleted;
- `campaign_members.lead_id` / `person_id`: a lead's or person's campaigns, and the cascades when
  one is deleted.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("campaigns", "ix_campaigns_parent", ["tenant_id", "parent_campaign_id"]),
    ("leads", "ix_leads_next_action", ["tenant_id", "next_action_on"]),
    ("leads", "ix_leads_converted_account", ["tenant_id", "converted_account_id"]),
    ("leads", "ix_leads_converted_person", ["tenant_id", "converted_person_id"]),
    ("campaign_members", "ix_campaign_members_lead", ["tenant_id", "lead_id"]),
    ("campaign_members", "ix_campaign_members_person", ["tenant_id", "person_id"]),
)


def upgrade() -> None:
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for table, name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
