"""the inviter's optional short note on an invite, shown with their name before joining

Revision ID: f14c01
Revises: f14a01
Create Date: 2026-11-30 01:20:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "f14c01"
down_revision = "f14a01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("invites") as batch:
        batch.add_column(sa.Column("note", sa.String(length=400), nullable=True))


def downgrade():
    with op.batch_alter_table("invites") as batch:
        batch.drop_column("note")
