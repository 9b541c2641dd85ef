"""the key directory for end-to-end encryption: device keys, wrapped keys, epochs, the recovery blob

device_keys holds each device's public key; wrapped_keys the content keys wrapped to one device each
(only ciphertext: the server can open none of it). couples.key_epoch and users.personal_key_epoch start
at 1 for every existing couple and person; users.recovery_blob is empty until a phone stores one.

Plain ADD/DROP COLUMN (PostgreSQL, SQLite 3.35+): a batch copy of `users` or `couples` on SQLite would
drop the table under the foreign keys that point at it.

Revision ID: f15k01
Revises: f14b01
Create Date: 2026-11-30 04:40:00

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "f15k01"
down_revision = "f14b01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "device_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("public_key", sa.String(length=100), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "device_id", name="uq_device_keys_user_device"),
    )
    op.create_table(
        "wrapped_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("couple_id", sa.String(length=36), nullable=True),
        sa.Column("key_id", sa.String(length=12), nullable=False),
        sa.Column("blob", sa.String(length=200), nullable=False),
        sa.Column("by_device", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["couple_id"], ["couples.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    # One copy per (device, key id) of a personal key, and per (device, couple, key id) of a couple key: a
    # couple's `c1` is not another couple's `c1` (the same phone may hold both after pairing again).
    personal, couple = sa.text("couple_id IS NULL"), sa.text("couple_id IS NOT NULL")
    op.create_index(
        "uq_wrapped_keys_personal",
        "wrapped_keys",
        ["user_id", "device_id", "key_id"],
        unique=True,
        postgresql_where=personal,
        sqlite_where=personal,
    )
    op.create_index(
        "uq_wrapped_keys_couple",
        "wrapped_keys",
        ["user_id", "device_id", "couple_id", "key_id"],
        unique=True,
        postgresql_where=couple,
        sqlite_where=couple,
    )
    op.create_index("ix_wrapped_keys_couple_key", "wrapped_keys", ["couple_id", "key_id"], unique=False)
    op.add_column("couples", sa.Column("key_epoch", sa.Integer(), server_default="1", nullable=False))
    op.add_column("users", sa.Column("personal_key_epoch", sa.Integer(), server_default="1", nullable=False))
    op.add_column("users", sa.Column("recovery_blob", sa.Text(), nullable=True))


def downgrade():
    op.drop_column("users", "recovery_blob")
    op.drop_column("users", "personal_key_epoch")
    op.drop_column("couples", "key_epoch")
    op.drop_index("ix_wrapped_keys_couple_key", table_name="wrapped_keys")
    op.drop_index("uq_wrapped_keys_couple", table_name="wrapped_keys")
    op.drop_index("uq_wrapped_keys_personal", table_name="wrapped_keys")
    op.drop_table("wrapped_keys")
    op.drop_table("device_keys")
