"""own streams: what only its author sees moves a per-user counter, not the couple's

users.own_version / own_horizon: each user's own change counter and its purge horizon;
entries.own_seq: the entry's position in its author's stream; entries.seq becomes nullable
(an entry the partner never saw has no place in the couple's stream), and entries.couple_id
nullable (written while unpaired). shared_once now means "the partner's phones hold it".

Revision ID: b1sync0001
Revises: b2reset01
Create Date: 2026-11-29 11:20:00

"""

from alembic import op
import sqlalchemy as sa


revision = "b1sync0001"
down_revision = "b2reset01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("own_version", sa.BigInteger(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("own_horizon", sa.BigInteger(), nullable=False, server_default="0"))
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("own_seq", sa.BigInteger(), nullable=True))
        batch_op.alter_column("seq", existing_type=sa.BigInteger(), nullable=True)
        batch_op.alter_column("couple_id", existing_type=sa.String(length=36), nullable=True)
        batch_op.create_index("ix_entries_author_own_seq", ["author_id", "own_seq"], unique=True)
    # Every stored entry takes a place in its author's stream, in the couple's order: one statement
    # (UPDATE … FROM with a window function: PostgreSQL, and SQLite from 3.33).
    op.execute(
        sa.text(
            "UPDATE entries SET own_seq = ranked.n FROM (SELECT id, row_number() OVER "
            "(PARTITION BY author_id ORDER BY seq, id) AS n FROM entries) AS ranked WHERE entries.id = ranked.id"
        )
    )
    op.execute(
        sa.text(
            "UPDATE users SET own_version = COALESCE((SELECT MAX(own_seq) FROM entries "
            "WHERE entries.author_id = users.id), 0)"
        )
    )


def downgrade():
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_index("ix_entries_author_own_seq")
        batch_op.drop_column("own_seq")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("own_horizon")
        batch_op.drop_column("own_version")
