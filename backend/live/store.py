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
