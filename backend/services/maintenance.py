"""Housekeeping: purge old tombstones and move each couple's sync horizon past them."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from ..extensions import db
from ..models import Couple, Entry, utcnow


def purge_tombstones(days=None):
    days = current_app.config["TOMBSTONE_DAYS"] if days is None else days
    cutoff = utcnow() - timedelta(days=days)
    old = (Entry.deleted.is_(True), Entry.deleted_at < cutoff)
    horizons = db.session.execute(
        select(Entry.couple_id, func.max(Entry.seq)).where(*old).group_by(Entry.couple_id)).all()
    for couple_id, max_seq in horizons:
        couple = db.session.get(Couple, couple_id)
        couple.horizon_seq = max(couple.horizon_seq, max_seq)
    removed = db.session.execute(delete(Entry).where(*old)).rowcount
    db.session.commit()
    return removed

