"""Everything a user may see, as one JSON document."""
from sqlalchemy import and_, or_, select

from ..extensions import db
from ..models import Entry, PushSubscription, utcnow
from . import couples, sync


def export(user):
    mine_anywhere = Entry.author_id == user.id
    if user.couple_id:
        shared_here = and_(Entry.couple_id == user.couple_id, sync.visible_filter(user))
        condition = or_(mine_anywhere, shared_here)
    else:
        condition = mine_anywhere
    rows = db.session.scalars(select(Entry).where(condition).order_by(Entry.created_at)).all()
    visible = []
    for couple_id in {e.couple_id for e in rows}:
        visible += sync.present(user, couple_id, [e for e in rows if e.couple_id == couple_id])
    entries = sorted((e for e in visible if not _is_deleted(e)), key=_created)
    devices = db.session.scalar(select(db.func.count()).where(PushSubscription.user_id == user.id))
    return {"exported_at": utcnow(), "user": user, "couple": couples.describe(user),
            "entries": entries, "push_devices": devices}


def _is_deleted(entry):
    return entry["deleted"] if isinstance(entry, dict) else entry.deleted


def _created(entry):
    return entry["created_at"] if isinstance(entry, dict) else entry.created_at
