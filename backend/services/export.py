"""Everything a user may see, as one JSON document."""
from sqlalchemy import or_, select

from ..extensions import db
from ..models import Entry, PushSubscription, utcnow
from . import couples, visibility


def export(user):
    """The user's own entries from every couple they were in (and from none), and what their current
    partner shares with them, as visibility decides."""
    condition = Entry.author_id == user.id
    if user.couple_id:
        condition = or_(condition, visibility.partners_shared_clause(user))
    rows = db.session.scalars(select(Entry).where(condition, Entry.deleted.is_(False))
                              .order_by(Entry.created_at)).all()
    entries = sorted(visibility.present(user, rows), key=_created)
    devices = db.session.scalar(select(db.func.count()).where(PushSubscription.user_id == user.id))
    return {"exported_at": utcnow(), "user": user, "couple": couples.describe(user),
            "entries": [e for e in entries if not _is_deleted(e)], "push_devices": devices}


def _is_deleted(entry):
    return entry["deleted"] if isinstance(entry, dict) else entry.deleted


def _created(entry):
    return entry["created_at"] if isinstance(entry, dict) else entry.created_at
