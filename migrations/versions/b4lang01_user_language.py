"""users.language: the language Hearth writes a person's pushes and emails in

"en" or "ru". Set at signup from the phone's language and changed in PATCH /api/me; everyone who
signed up before has "en", the only language Hearth spoke then.

Revision ID: b4lang01
Revises: b3names01
Create Date: 2026-11-29 14:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b4lang01"
down_revision = "b3names01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), server_default="en", nullable=False))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("language")
