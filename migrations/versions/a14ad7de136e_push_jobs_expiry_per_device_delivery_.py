"""push jobs: expiry, per-device delivery, batches for the daily ceiling

expires_at: a nudge or reminder is retried within its window only; delivered_to: the
subscription ids that already have a job, so a retry reaches only the others; batch_id:
jobs summarised into one notification, counted once against the daily ceiling.

Revision ID: a14ad7de136e
Revises: dd12a1ed3c27
Create Date: 2026-11-24 09:00:57.773616

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a14ad7de136e"
down_revision = "dd12a1ed3c27"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("push_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("delivered_to", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_push_jobs_user_sent", ["user_id", "sent_at"], unique=False)


def downgrade():
    with op.batch_alter_table("push_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_push_jobs_user_sent")
        batch_op.drop_column("batch_id")
        batch_op.drop_column("delivered_to")
        batch_op.drop_column("expires_at")
