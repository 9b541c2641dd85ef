"""sync_lock_for_push (PostgreSQL): a writing sync's lock and the read under it in one call

A sync that writes locks the couple's row and the user's, then reads the device's last mid, the
partner, whether the batch names stored entries and whether the writer has device keys. The read
must be a statement of its own behind the lock's (its snapshot taken once the lock is held, so it
sees what the last writer committed): it was a second round trip. In a VOLATILE PL/pgSQL function
each statement takes a fresh snapshot, so the two statements now travel as one call
(services/sync_sql.lock_for_push reads its row). SQLite does the same in one `UPDATE … RETURNING`
and needs nothing here.

Revision ID: c11lock01
Revises: f15d01
Create Date: 2026-12-01 08:00:00

"""

from alembic import op


revision = "c11lock01"
down_revision = "f15d01"
branch_labels = None
depends_on = None


# Columns are always named with their table's alias: an unqualified name could mean the OUT parameter.
FUNCTION = """
CREATE FUNCTION sync_lock_for_push(p_user text, p_client text, p_couple text, p_ids json,
    OUT couple_seq bigint, OUT couple_horizon bigint, OUT ended_at timestamp,
    OUT own_seq bigint, OUT own_horizon bigint, OUT current_couple text,
    OUT last_mid bigint, OUT partner_id text, OUT any_stored boolean, OUT keyed boolean)
LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
    -- The lock (sync_sql.lock_counters): the couple's row and the user's, or the user's alone without a
    -- couple. No row found leaves every counter NULL: the account or the couple is gone.
    IF p_couple IS NULL THEN
        SELECT u.own_seq, u.own_horizon, u.couple_id
        INTO own_seq, own_horizon, current_couple
        FROM users AS u WHERE u.id = p_user
        FOR NO KEY UPDATE;
    ELSE
        SELECT c.seq, c.horizon_seq, c.ended_at, u.own_seq, u.own_horizon, u.couple_id
        INTO couple_seq, couple_horizon, ended_at, own_seq, own_horizon, current_couple
        FROM couples AS c JOIN users AS u ON u.id = p_user
        WHERE c.id = p_couple
        FOR NO KEY UPDATE;
    END IF;
    -- The read under the lock (sync_sql.UnderLock), on a snapshot taken after the lock was granted.
    -- `id = ANY(ARRAY(…))`, not `id IN (SELECT …)`: PostgreSQL guesses 100 rows for the JSON array, and
    -- below some tens of thousands of entries planned the IN as a hash join over a sequential scan of every
    -- entry, kept as the cached generic plan while the table grew. The array is probed in the primary key.
    SELECT
        (SELECT s.last_mid FROM client_states AS s WHERE s.user_id = p_user AND s.client_id = p_client),
        (SELECT p.id FROM users AS p WHERE p.couple_id = p_couple AND p.id <> p_user LIMIT 1),
        EXISTS (SELECT FROM entries AS e WHERE e.id = ANY (ARRAY(SELECT json_array_elements_text(p_ids)))),
        EXISTS (SELECT FROM device_keys AS k WHERE k.user_id = p_user)
    INTO last_mid, partner_id, any_stored, keyed;
END
$fn$
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTION)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION sync_lock_for_push(text, text, text, json)")
