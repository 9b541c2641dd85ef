"""one name for the stream counters: couples.version -> couples.seq, users.own_version -> users.own_seq

The couple's counter, the cursor's position and an entry's seq were one number under three names;
now the counters are named as what they hand out (entries.seq, entries.own_seq). A rename only:
no data changes. The sync's wire names (`cursor`, an entry's `seq`) stay, for phones already installed.

Revision ID: c1seqname01
Revises: b3names01
Create Date: 2026-11-29 14:50:00

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "c1seqname01"
down_revision = "b4rename01"
branch_labels = None
depends_on = None


def upgrade():
    # ALTER TABLE … RENAME COLUMN: PostgreSQL, and SQLite since 3.25, without copying the table.
    op.execute("ALTER TABLE couples RENAME COLUMN version TO seq")
    op.execute("ALTER TABLE users RENAME COLUMN own_version TO own_seq")


def downgrade():
    op.execute("ALTER TABLE users RENAME COLUMN own_seq TO own_version")
    op.execute("ALTER TABLE couples RENAME COLUMN seq TO version")
