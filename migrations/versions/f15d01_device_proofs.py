"""device proofs: a device's own proof that its person set it up, so phones wrap keys only for such devices

device_keys.personal_proof and couple_proof hold `<key id>.<base64url HMAC-SHA256>` (at most 54 characters)
that the device made itself under a key derived from the personal key and from a couple key; only a session
of the device's own user sets them. The server cannot make one: it never holds a content key.

Revision ID: f15d01
Revises: f15c01
Create Date: 2026-11-30 15:40:00

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "f15d01"
down_revision = "f15c01"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("device_keys", sa.Column("personal_proof", sa.String(length=64), nullable=True))
    op.add_column("device_keys", sa.Column("couple_proof", sa.String(length=64), nullable=True))


def downgrade():
    op.drop_column("device_keys", "couple_proof")
    op.drop_column("device_keys", "personal_proof")
