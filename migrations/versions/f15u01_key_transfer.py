"""a second device's keys in transit: users.transfer_blob and users.transfer_expires_at

One slot a person: the phone that has the keys seals them with a one-off secret (shown as a QR code or a
typed code, never sent to the server) and stores the `r1.` blob here; the new device fetches and deletes
it. The server reads the blob only until transfer_expires_at (TRANSFER_MINUTES after it was stored).

Plain ADD/DROP COLUMN, as f15k01 (a batch copy of `users` on SQLite would drop it under its foreign keys).

Revision ID: f15u01
Revises: f15k01
Create Date: 2026-11-30 04:50:00

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "f15u01"
down_revision = "f15k01"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("transfer_blob", sa.Text(), nullable=True))
    op.add_column("users", sa.Column("transfer_expires_at", sa.DateTime(), nullable=True))


def downgrade():
    op.drop_column("users", "transfer_expires_at")
    op.drop_column("users", "transfer_blob")
