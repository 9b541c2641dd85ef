"""GET /api/stats: the Us numbers (services/us.py) and shared entries by kind per week, in the user's
own weeks (Monday first)."""

from collections import Counter
from datetime import datetime, time, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Entry, utcnow
from . import us, visibility
from .schedule import zone_or_utc

# An answer may still be withheld from the partner (answer, then reveal): even a count would tell. Asking
# for a lighter question is nothing shared, and never a mark against anyone: not counted either.
NOT_COUNTED = sorted(visibility.REVEALED | {"question_swap"})


def summary(user, weeks, now=None):
    now = now or utcnow()
    return {**us.compute(user, weeks, now), "per_week": weekly_counts(user, weeks, now)["per_week"]}


def weekly_counts(user, weeks, now=None):
    zone = zone_or_utc(user.timezone)
    today = (now or utcnow()).astimezone(zone).date()
    first_monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    start = datetime.combine(first_monday, time(), zone)
    counts = [Counter() for _ in range(weeks)]
    if user.couple_id:
        rows = db.session.execute(
            select(Entry.kind, Entry.created_at).where(
                Entry.couple_id == user.couple_id,
                Entry.deleted.is_(False),
                visibility.meant_for_partner_clause(),
                Entry.kind.not_in(NOT_COUNTED),
                Entry.created_at >= start,
            )
        )
        for kind, created_at in rows:
            index = (created_at.astimezone(zone).date() - first_monday).days // 7
            if 0 <= index < weeks:
                counts[index][kind] += 1
    return {
        "weeks": weeks,
        "per_week": [
            {"week_start": (first_monday + timedelta(weeks=i)).isoformat(), "counts": dict(c)}
            for i, c in enumerate(counts)
        ],
    }
