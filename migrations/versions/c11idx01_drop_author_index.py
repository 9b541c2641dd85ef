"""entries: drop ix_entries_author_id, which ix_entries_author_own_seq (author_id, own_seq) already covers

Every query on an author's entries can read the two-column index by its first column; the one-column
index only cost every new entry a third index write on the sync's hot path.

Revision ID: c11idx01
Revises: c11lock01
Create Date: 2026-12-01 08:20:00

"""

from alembic import op


revision = "c11idx01"
down_revision = "c11lock01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_index("ix_entries_author_id")


def downgrade():
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.create_index("ix_entries_author_id", ["author_id"], unique=False)
