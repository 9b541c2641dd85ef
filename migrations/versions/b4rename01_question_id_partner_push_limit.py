"""names that say what they hold: entries.topic is entries.question_id, users.daily_push_limit is
users.daily_partner_push_limit

`topic` only ever held the question id of an `answer` (the reveal asks for it), and the daily push
limit only ever counted partner events (scheduled nudges and reminders have their own once-a-day
claims). Plain renames: the values and the index's columns stay as they are.

Revision ID: b4rename01
Revises: b3names01
Create Date: 2026-11-29 14:45:00

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "b4rename01"
down_revision = "b4lang01"
branch_labels = None
depends_on = None


def upgrade():
    # The index goes before and comes back after: SQLite's batch copy cannot carry it across the rename.
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_index("ix_entries_couple_kind_topic")
        batch_op.alter_column("topic", new_column_name="question_id")
    op.create_index("ix_entries_couple_kind_question", "entries", ["couple_id", "kind", "question_id"], unique=False)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("daily_push_limit", new_column_name="daily_partner_push_limit")


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("daily_partner_push_limit", new_column_name="daily_push_limit")
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_index("ix_entries_couple_kind_question")
        batch_op.alter_column("question_id", new_column_name="topic")
    op.create_index("ix_entries_couple_kind_topic", "entries", ["couple_id", "kind", "topic"], unique=False)
