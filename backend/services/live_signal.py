"""Tells the live service (backend/live) that something a stream shows has moved: a counter, a user's
couple, a session. On PostgreSQL a NOTIFY on the channel `hearth_live`, sent in the writing transaction:
delivered at commit, dropped with a rollback, heard by every live process (each LISTENs once). On
SQLite nothing is sent: the live service reads all its users' counters every tick (one query).

A payload is messages joined by ";", each a letter and its values separated by spaces (parse() reads
them back):

    c <couple_id> <seq>       the couple's counter reached seq (its shared stream moved)
    u <user_id> <own_seq>     the user's own counter reached own_seq (their own changes, any device)
    r <user_id>               read the user again: their couple or their sessions changed, or they are gone
    e <session_id>            the session ended (logout): its streams end

Nothing else: no entry content, no kinds. Every live process hears every message; each one keeps
those about its own streams.
"""

from sqlalchemy import text

from ..extensions import db

CHANNEL = "hearth_live"
_NOTIFY = text(f"SELECT pg_notify('{CHANNEL}', :payload)")


def counters_payload(couple_id, couple_seq, user_id, own_seq):
    """The payload of a write that moved the couple's counter to couple_seq (None: it did not move)
    and the user's own counter to own_seq (None: it did not move); "" when neither moved."""
    parts = []
    if couple_id is not None and couple_seq is not None:
        parts.append(f"c {couple_id} {couple_seq}")
    if own_seq is not None:
        parts.append(f"u {user_id} {own_seq}")
    return ";".join(parts)


def parse(payload):
    """[(letter, values…)] of a payload; unknown or malformed messages are skipped."""
    found = []
    for message in payload.split(";"):
        fields = message.split(" ")
        if fields[0] in ("c", "u") and len(fields) == 3 and fields[2].isdigit():
            found.append((fields[0], fields[1], int(fields[2])))
        elif fields[0] in ("r", "e") and len(fields) == 2:
            found.append((fields[0], fields[1]))
    return found


def _send(payload):
    if payload and db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(_NOTIFY, {"payload": payload})


def counters_moved(couple_id, couple_seq, user_id, own_seq):
    """A write outside a sync moved these counters (see counters_payload)."""
    _send(counters_payload(couple_id, couple_seq, user_id, own_seq))


def couple_moved(couple_id, seq):
    _send(f"c {couple_id} {seq}")


def user_changed(*user_ids):
    """Their couple changed (paired, left, was left), their sessions were revoked, or they are gone."""
    _send(";".join(f"r {user_id}" for user_id in user_ids if user_id))


def session_ended(session_id):
    _send(f"e {session_id}")
