"""Everything a user may see, as one JSON document, read a chunk of entries at a time.

`GET /api/export` streams the document (api/data.py): the header (`exported_at`, `user`, `couple`,
`push_devices`, `keys`) first, then `entries`, oldest first, read EXPORT_CHUNK at a time by keyset on
(created_at, id). However many years of entries a user has, the server holds one chunk in memory, and
each chunk is read in its own short transaction (a slow download holds no snapshot open).
"""

from sqlalchemy import and_, or_, select

from ..extensions import db
from ..models import Entry, PushSubscription, utcnow
from . import couples, keys, visibility

EXPORT_CHUNK = 500


def header(user):
    """The document less its entries."""
    devices = db.session.scalar(select(db.func.count()).where(PushSubscription.user_id == user.id))
    own_keys = {"devices": keys.own_devices(user), "personal_epoch": user.personal_key_epoch}
    return {
        "exported_at": utcnow(),
        "user": user,
        "couple": couples.describe(user),
        "push_devices": devices,
        "keys": {**own_keys, "recovery": user.recovery_blob},
    }


def entry_chunks(user, size=None):
    """Lists of the entries the user may see, not deleted, oldest first, at most `size` per list."""
    size = size or EXPORT_CHUNK
    condition = _rows_to_consider(user)
    after = None
    while True:
        query = select(Entry).where(condition, Entry.deleted.is_(False))
        if after is not None:
            query = query.where(
                or_(Entry.created_at > after[0], and_(Entry.created_at == after[0], Entry.id > after[1]))
            )
        rows = db.session.scalars(query.order_by(Entry.created_at, Entry.id).limit(size)).all()
        if not rows:
            return
        after = rows[-1].created_at, rows[-1].id
        yield _visible(user, rows)
        # The caller has written the chunk out: end the read transaction (COMMIT, see extensions.py).
        db.session.commit()
        if len(rows) < size:
            return


def _rows_to_consider(user):
    """The user's own entries from every couple they were in (and from none), and what their current
    partner shares with them, as visibility decides."""
    mine_anywhere = Entry.author_id == user.id
    if not user.couple_id:
        return mine_anywhere
    return or_(mine_anywhere, visibility.partners_shared_clause(user))


def _visible(user, rows):
    visible = visibility.present(user, rows)
    return sorted((e for e in visible if not _get(e, "deleted")), key=lambda e: (_get(e, "created_at"), _get(e, "id")))


def _get(entry, field):
    return entry[field] if isinstance(entry, dict) else getattr(entry, field)
