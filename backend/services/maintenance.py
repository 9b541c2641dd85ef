"""Housekeeping: purge old tombstones and move each couple's sync horizon past them."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from ..extensions import db
from ..models import Couple, Entry, User, utcnow


def purge_tombstones(days=None):
    days = current_app.config["TOMBSTONE_DAYS"] if days is None else days
    cutoff = utcnow() - timedelta(days=days)
    old = (Entry.deleted.is_(True), Entry.deleted_at < cutoff)
    horizons = db.session.execute(
        select(Entry.couple_id, func.max(Entry.seq)).where(*old).group_by(Entry.couple_id)
    ).all()
    for couple_id, max_seq in horizons:
        couple = db.session.get(Couple, couple_id) if couple_id is not None and max_seq is not None else None
        if couple is not None:
            couple.horizon_seq = max(couple.horizon_seq, max_seq)
    # Each author's own stream has its horizon too (docs/sync.md).
    for author_id, max_own in db.session.execute(
        select(Entry.author_id, func.max(Entry.own_seq)).where(*old).group_by(Entry.author_id)
    ).all():
        author = db.session.get(User, author_id)
        if author is not None and max_own is not None:
            author.own_horizon = max(author.own_horizon or 0, max_own)
    removed = db.session.execute(delete(Entry).where(*old)).rowcount
    db.session.commit()
    return removed
