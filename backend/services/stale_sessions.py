"""A ritual session left open SESSION_OPEN_HOURS closes itself, as not finished.

The worker (nudges.tick) ends it the way its author's phone would: `ended_at` set to the moment it ran
out, `unfinished: true`, a new rev, stamped on the streams under the same lock a sync takes, so both
phones pull it on their next sync and show it ended. An unfinished session is no meaningful chat and no
reassessment (services/us.py). If the author's phone later sends its own ending, that write wins, as
any author's write does.
"""

from datetime import timedelta

from sqlalchemy import case, literal, select

from .. import limits as L
from ..extensions import db
from ..models import Entry, User
from ..times import parse_instant
from . import entries, live_signal, sync_sql
from .write_turn import write_turn

OPEN_FOR = timedelta(hours=L.SESSION_OPEN_HOURS)


def open_too_long(now):
    """(id, author id) of sessions made at least OPEN_FOR ago and not ended (a cheap first sieve).

    The body is read only for sessions (CASE keeps that order on PostgreSQL, whose planner may test
    the JSON first otherwise): another kind's body, however it was stored, never stops the pass."""
    ended = case((Entry.kind == "ritual_session", Entry.body["ended_at"].as_string()), else_=literal("-"))
    return db.session.execute(
        select(Entry.id, Entry.author_id).where(
            Entry.kind == "ritual_session",
            Entry.deleted.is_(False),
            Entry.created_at <= now - OPEN_FOR,
            ended.is_(None),
        )
    ).all()


def close_stale(now):
    """Closes every session left open OPEN_FOR by `now`; returns how many."""
    found = open_too_long(now)
    db.session.rollback()  # the sieve's snapshot ends here: each close reads again under its lock
    return sum(_close(entry_id, author_id, now) for entry_id, author_id in found)


def _close(entry_id, author_id, now):
    with write_turn():
        author = db.session.get(User, author_id)
        if author is None:
            db.session.rollback()
            return 0
        counters = sync_sql.lock_counters(author.id, author.couple_id)
        entry = db.session.get(Entry, entry_id, populate_existing=True)
        started = parse_instant(entry.body["started_at"])
        if entry.deleted or entry.body.get("ended_at") or now - started < OPEN_FOR:
            db.session.rollback()  # ended meanwhile, or its own clock says it is younger
            return 0
        ran_out = (started + OPEN_FOR).isoformat().replace("+00:00", "Z")
        entry.body = {**entry.body, "ended_at": ran_out, "unfinished": True}
        entry.rev += 1
        entry.updated_at = now
        stamps = entries.Stamps(counters.couple_seq, counters.own_seq)
        entries.stamp(entry, author, author.couple_id, stamps)
        db.session.flush()
        couple_seq = stamps.couple_seq if stamps.couple_seq != counters.couple_seq else None
        sync_sql.write_counters(author.couple_id, couple_seq, author.id, stamps.own_seq)
        live_signal.counters_moved(author.couple_id, couple_seq, author.id, stamps.own_seq)
        db.session.commit()
    return 1
