"""activities: follow-up changes

- `ix_activities_lead`: the activities of a lead (navigation, and the lead foreign key);
- `ix_activities_updated`: the activity list sorted by last update;
- `ix_activity_attendees_user`: the activities a user attended (and the user foreign key).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index('ix_activities_lead', ['tenant_id', 'lead_id'], unique=False)
        batch_op.create_index('ix_activities_updated', ['tenant_id', 'updated_at'], unique=False)
    with op.batch_alter_table('activity_attendees', schema=None) as batch_op:
        batch_op.create_index('ix_activity_attendees_user', ['tenant_id', 'user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('activity_attendees', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_attendees_user')
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index('ix_activities_updated')
        batch_op.drop_index('ix_activities_lead')
