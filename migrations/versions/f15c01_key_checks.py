"""key checks: the first check stored for each content key id, so that two phones making a key at once agree

key_checks holds, per (owner, key id) — owner: the couple for a `c` key, the person for a `p` key — the
check of the first wrapped copy stored (16 bytes of an HMAC of the key, base64url). A wrapped copy with
another check is refused with 409 key_exists. Nothing in it opens a key.

Revision ID: f15c01
Revises: f15u01
Create Date: 2026-11-30 04:55:00

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "f15c01"
down_revision = "f15u01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "key_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=36), nullable=False),
        sa.Column("key_id", sa.String(length=12), nullable=False),
        sa.Column("digest", sa.String(length=22), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner", "key_id", name="uq_key_checks_owner_key"),
    )


def downgrade():
    op.drop_table("key_checks")
