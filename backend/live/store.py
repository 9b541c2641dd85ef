"""The live service's reads, blocking (SQLAlchemy Core on the app's DATABASE_URL): run them only in the
service's one database thread (app.py), never on the event loop. Each reads many users or sessions at
once, in chunks, never one query per stream. Sessions are judged by accounts.session_is_live, the rule
every API request is judged by."""

from sqlalchemy import create_engine, select, text

from ..models import AuthSession, Couple, User, utcnow
from ..services import accounts

CHUNK = 500  # ids per IN (...): well under SQLite's bound-parameter limit

_sessions, _users, _couples = AuthSession.__table__, User.__table__, Couple.__table__


def engine(url):
    return create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=2)


def _chunks(ids):
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def open_sessions(db, session_ids):
    """{session id: (user id, couple id, couple seq or 0, own seq)} of the live sessions among session_ids."""
    found = {}
    now = utcnow()
    with db.connect() as conn:
        for chunk in _chunks(session_ids):
            rows = conn.execute(
                select(_sessions.c.id, _users.c.id, _users.c.couple_id, _couples.c.seq, _users.c.own_seq)
                .join_from(_sessions, _users, _sessions.c.user_id == _users.c.id)
                .outerjoin(_couples, _couples.c.id == _users.c.couple_id)
                .where(_sessions.c.id.in_(chunk), accounts.session_is_live(now))
            )
            for session_id, user_id, couple_id, seq, own_seq in rows:
                found[session_id] = (user_id, couple_id, seq or 0, own_seq)
    return found


def live_sessions(db, session_ids):
    """The ids among session_ids whose sessions are still live."""
    live = set()
    now = utcnow()
    with db.connect() as conn:
        for chunk in _chunks(session_ids):
            live.update(
                conn.scalars(select(_sessions.c.id).where(_sessions.c.id.in_(chunk), accounts.session_is_live(now)))
            )
    return live


def counters(db, user_ids):
    """{user id: (couple id, couple seq or 0, own seq)} of the users among user_ids that still exist."""
    found = {}
    with db.connect() as conn:
        for chunk in _chunks(user_ids):
            rows = conn.execute(
                select(_users.c.id, _users.c.couple_id, _couples.c.seq, _users.c.own_seq)
                .outerjoin(_couples, _couples.c.id == _users.c.couple_id)
                .where(_users.c.id.in_(chunk))
            )
            for user_id, couple_id, seq, own_seq in rows:
                found[user_id] = (couple_id, seq or 0, own_seq)
    return found


def ping(db):
    with db.connect() as conn:
        conn.execute(text("SELECT 1"))


class DataVersion:
    """SQLite's PRAGMA data_version on one connection kept for it: it changes whenever another connection
    commits to the database, so a tick reads the counters only after some write (a few microseconds
    otherwise). Use from the database thread only."""

    # counters() for the tick, on the plain sqlite3 connection: the same SQL for every full chunk, so
    # sqlite3 keeps it prepared; 10,000 users read in a third of the time SQLAlchemy's expanding IN takes.
    COUNTERS = (
        "SELECT users.id, users.couple_id, couples.seq, users.own_seq FROM users "
        "LEFT OUTER JOIN couples ON couples.id = users.couple_id WHERE users.id IN ({})"
    )

    def __init__(self, db):
        self.connection = db.raw_connection()
        self.seen = None

    def counters(self, user_ids):
        """As counters() above, read on this connection."""
        found = {}
        cursor = self.connection.cursor()
        try:
            for chunk in _chunks(user_ids):
                for user_id, couple_id, seq, own_seq in cursor.execute(
                    self.COUNTERS.format(",".join("?" * len(chunk))), chunk
                ):
                    found[user_id] = (couple_id, seq or 0, own_seq)
        finally:
            cursor.close()
        self.connection.rollback()  # no read transaction left open between ticks
        return found

    def moved(self):
        cursor = self.connection.cursor()
        try:
            version = cursor.execute("PRAGMA data_version").fetchone()[0]
        finally:
            cursor.close()
        moved, self.seen = version != self.seen, version
        return moved

    def close(self):
        self.connection.close()
