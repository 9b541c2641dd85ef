"""a fair ending: who left the couple, a kind note to the partner, and the undo within 24 hours

Leaving records who left, the partner who was left and an optional note to them, so the one left is
told kindly and the one who left can come back within 24 hours to the same couple (returned_at).

Revision ID: e13a01
Revises: c2tmpl01
Create Date: 2026-11-29 21:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e13a01"
down_revision = "c2tmpl01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("couples") as batch:
        batch.add_column(sa.Column("left_by", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("left_partner", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("left_note", sa.String(length=400), nullable=True))
        batch.add_column(sa.Column("returned_at", sa.DateTime(), nullable=True))
    op.create_index("ix_couples_left_partner", "couples", ["left_partner"])
    op.create_index("ix_couples_left_by", "couples", ["left_by"])


def downgrade():
    op.drop_index("ix_couples_left_by", table_name="couples")
    op.drop_index("ix_couples_left_partner", table_name="couples")
    with op.batch_alter_table("couples") as batch:
        batch.drop_column("returned_at")
        batch.drop_column("left_note")
        batch.drop_column("left_partner")
        batch.drop_column("left_by")
