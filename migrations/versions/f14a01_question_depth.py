"""each partner's depth for the daily question (light, medium, deep; default light)

The couple's daily question never goes deeper than the lower of the two partners' choices.

Revision ID: f14a01
Revises: e13a01
Create Date: 2026-11-30 01:10:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "f14a01"
down_revision = "e13a01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("question_depth", sa.String(length=8), nullable=False, server_default="light"))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("question_depth")
