"""What a person already did on their local date, so the worker never reminds them of it: a ritual
whose session was held that day (by either partner, when it is shared with them), and the nightly
gratitude when they already logged an appreciation that day."""

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Entry
from ..times import parse_instant
from . import prebuilt, visibility

RECENT = timedelta(hours=50)  # covers any zone's local date around now


def _local_date(entry, zone):
    started = (entry.body or {}).get("started_at") if entry.kind == "ritual_session" else None
    try:
        instant = parse_instant(started) if started else entry.created_at
    except (TypeError, ValueError):
        instant = entry.created_at
    return instant.astimezone(zone).date()


def rituals_held(locs_by_couple, now):
    """{(user_id, ritual_id)} for each ritual session that day a person sees (theirs, or shared)."""
    held = set()
    for chunk in prebuilt.chunks(list(locs_by_couple)):
        rows = db.session.scalars(
            select(Entry).where(
                Entry.kind == "ritual_session",
                Entry.deleted.is_(False),
                Entry.couple_id.in_(chunk),
                Entry.created_at >= now - RECENT,
            )
        )
        for entry in rows:
            for loc in locs_by_couple.get(entry.couple_id, ()):
                sees = loc.user.id == entry.author_id or visibility.partner_sees(entry, ())
                if sees and _local_date(entry, loc.zone) == loc.today:
                    held.add((loc.user.id, entry.ref_id))
    return held


def thanked(locs_by_user, now):
    """User ids (among these) who wrote an appreciation on their local date: their gratitude is logged."""
    found = defaultdict(bool)
    for chunk in prebuilt.chunks(list(locs_by_user)):
        rows = db.session.scalars(
            select(Entry).where(
                Entry.kind == "appreciation",
                Entry.deleted.is_(False),
                Entry.author_id.in_(chunk),
                Entry.created_at >= now - RECENT,
            )
        )
        for entry in rows:
            loc = locs_by_user[entry.author_id]
            if _local_date(entry, loc.zone) == loc.today:
                found[entry.author_id] = True
    return {user_id for user_id, yes in found.items() if yes}
