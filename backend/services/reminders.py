"""What a person is reminded of, as items, and how one part of their day's items become one push.

An item is one thing due for one person today (the nudge, a ritual's slot, the preparation the day
before a connection check, a step agreed to). A person's items due in one part of the day (night,
morning, afternoon, evening) go as one push when the first of them is due: "Tonight: connection check ·
nightly gratitude · one small thing to share". The later ones come along early and are claimed with it
(nudges.queue), so they never come again on their own; sending each at its own minute gave a default
couple two pushes every evening."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

PARTS = (6, 12, 17)  # the local hours where the night, the morning and the afternoon end (then the evening)
EVENING = len(PARTS)


def part_of_day(local):
    """0 night, 1 morning, 2 afternoon, 3 evening: a person's reminders due in one part go as one push."""
    return sum(local.hour >= hour for hour in PARTS)


@dataclass
class Item:
    """One thing to remind one person of today, before it is combined with the others of that part of the day."""

    kind: str  # the claim kind: nudge, ritual:<id>, prepare:<id>, commitment:<id>
    at: datetime  # when it is due
    rank: int  # lower first: in a combined push's line, and whose screen the push opens
    words: object  # () -> (its words in a combined push, its own push when alone); made only once it is won
    entry_id: str | None = None


# Ranks: the preparation a practice needs (a day ahead, it opens its own screen) and a ritual due matter
# most, then a step agreed to, then the generic nudge.
PREPARE, RITUAL, COMMITMENT, NUDGE = range(4)


@dataclass
class Due:
    """One scheduled send for one user, not yet claimed: one item, or several due in one part of the day."""

    user_id: str
    items: list  # [Item], each claimed on its own; the push says the ones this worker won
    local_date: str
    part: int | None  # the part of the day (None: a time-out reminder, never combined)
    expires_at: datetime
    reserve: int = 0  # reminder pushes still to come later today: a nudge alone leaves them room in the budget
    recipient: object = None


def combine(found):
    """Per person, the reminders of each part of the day go as one push, sent when the first of them is
    due: "Tonight: connection check · nightly gratitude · one small thing to share". Later ones of that
    part come along early and are claimed with it, so they never come again on their own."""
    by_loc = defaultdict(list)
    for loc, item in found:
        by_loc[loc].append(item)
    due = []
    for loc, items in by_loc.items():
        parts = defaultdict(list)
        for item in items:
            parts[part_of_day(item.at.astimezone(loc.zone))].append(item)
        for part, members in parts.items():
            if not any(loc.ready(item.at) for item in members):
                continue
            later = sum(1 for p, others in parts.items() if p > part and any(i.at > loc.utc for i in others))
            members.sort(key=lambda item: (item.rank, item.at))
            due.append(Due(loc.user.id, members, loc.today.isoformat(), part, loc.day_end, later, loc.user))
    return due
