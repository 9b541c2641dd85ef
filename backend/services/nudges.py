"""The worker's tick: find what is due at this instant (the daily nudge, ritual, commitment and
time-out reminders), claim each once per user and local date, queue it as a push job, then deliver
every due job. Safe with several workers at once: the unique Claim row decides who queues it."""

import logging
from collections import defaultdict
from datetime import timedelta
from functools import cache, lru_cache, partial

from sqlalchemy import exists, insert, or_, select, text

from ..extensions import db
from ..models import Couple, Entry, PushJob, PushSubscription, User
from ..times import parse_instant
from . import (
    accounts,
    claims,
    done_today,
    job_queue,
    jobs,
    notifications as texts,
    password_reset,
    prebuilt,
    stale_sessions,
    visibility,
)
from .reminders import COMMITMENT, EVENING, NUDGE, PREPARE, RITUAL, Due, Item, combine
from .schedule import BAD_ZONE, day_bounds, due_on, in_quiet_hours, load_zone, wall_time as _wall_time

log = logging.getLogger(__name__)

COMMITMENT_TIME = "09:00"
TIMEOUT_WINDOW = timedelta(hours=3)  # a time-out reminder held (quiet hours, worker down) no longer than this


@lru_cache(maxsize=8192)
def wall_time(day, hhmm, zone):
    """schedule.wall_time, remembered: thousands of users share a zone, a date and a nudge time."""
    return _wall_time(day, hhmm, zone)


@lru_cache(maxsize=1024)
def day_end(day, zone):
    return day_bounds(day, zone)[1]


class Local:
    """A candidate user as seen at `now`: their zone, local date and whether it is quiet for them."""

    def __init__(self, user, now):
        self.user, self.zone, self.utc = user, load_zone(user.timezone), now
        self.now = now.astimezone(self.zone)
        self.today = self.now.date()
        self.day_end = day_end(self.today, self.zone)
        self.quiet = in_quiet_hours(self.now, user.quiet_start, user.quiet_end)

    def ready(self, due):
        """Due at or before now, on this local date (missed ticks catch up on the same date only), not quiet."""
        return due is not None and due <= self.utc and due.astimezone(self.zone).date() == self.today and not self.quiet


def candidates():
    """Users who can get a push: a subscription, and an active couple with two members."""
    has_sub = exists().where(PushSubscription.user_id == User.id)
    rows = db.session.execute(
        select(
            User.id,
            User.timezone,
            User.nudge_time,
            User.quiet_start,
            User.quiet_end,
            User.couple_id,
            User.show_previews,
            User.language,
        )
        .join(Couple, Couple.id == User.couple_id)
        .where(has_sub, Couple.ended_at.is_(None), Couple.paired_at.is_not(None))
    ).all()
    return rows


def _words(kind, recipient, entry, push):
    """An item's words, made only when it is queued: (its line in a combined push, its own push)."""
    return lambda: ((texts.line(kind, recipient, entry) if kind else ""), push())


def _nudges(locs, now):
    """The daily nudge of everyone who has not shared today, whenever today it is due (combining looks ahead)."""
    shared = _shared_today(locs, now)
    for loc in locs:
        at = wall_time(loc.today, loc.user.nudge_time, loc.zone)
        if loc.user.id not in shared:
            yield (
                loc,
                Item("nudge", at, NUDGE, _words("nudge", loc.user, None, partial(texts.nudge, loc.user, loc.today))),
            )


def _shared_today(locs, now):
    """Users (among these) with a live disclosure for their local date: dated today, or made today."""
    by_user = {loc.user.id: loc for loc in locs}
    dates = sorted({loc.today.isoformat() for loc in locs})
    shared = set()
    for chunk in prebuilt.chunks(by_user):
        rows = db.session.execute(
            select(Entry.author_id, Entry.created_at, Entry.body["local_date"].as_string()).where(
                Entry.kind == "disclosure",
                Entry.deleted.is_(False),
                Entry.author_id.in_(chunk),
                or_(Entry.created_at >= now - timedelta(hours=50), Entry.body["local_date"].as_string().in_(dates)),
            )
        )
        for author_id, created_at, local_date in rows:
            loc = by_user[author_id]
            if local_date == loc.today.isoformat() or created_at.astimezone(loc.zone).date() == loc.today:
                shared.add(author_id)
    return shared


def _couple_entries(kind, couple_ids, *where):
    found = []
    for chunk in prebuilt.chunks(list(couple_ids)):
        found += db.session.scalars(
            select(Entry).where(Entry.kind == kind, Entry.deleted.is_(False), Entry.couple_id.in_(chunk), *where)
        ).all()
    return found


def _recipients(entry, by_couple):
    """Couple members (with a subscription) who see this entry: both when shared, else its author."""
    return [
        loc
        for loc in by_couple.get(entry.couple_id, ())
        if loc.user.id == entry.author_id or visibility.partner_sees(entry, ())
    ]


def _rituals(by_couple, now):
    """Each enabled ritual's slot today for each partner who sees it, and, the day before a connection
    check, the reminder to prepare its three questions. Never for a slot that passed before the ritual
    existed (a couple paired at 10:24 is not reminded of the 10:00 one), nor once its session was held
    that day (or, for the nightly gratitude, once the person logged an appreciation that day)."""
    entries = [entry for entry in _couple_entries("ritual", by_couple) if entry.body.get("enabled", True)]
    if not entries:
        return
    held = done_today.rituals_held(by_couple, now)
    thanked = done_today.thanked({loc.user.id: loc for locs in by_couple.values() for loc in locs}, now)
    for entry in entries:
        for loc in _recipients(entry, by_couple):
            anchor = entry.created_at.astimezone(loc.zone).date()
            try:
                due_at = due_on(entry.body["schedule"], loc.today, loc.zone, anchor)
                tomorrow = due_on(entry.body["schedule"], loc.today + timedelta(days=1), loc.zone, anchor)
            except (KeyError, TypeError, ValueError):  # one odd ritual must not stop everyone's nudges
                log.warning("ritual %s has an unusable schedule", entry.id)
                break
            done = (loc.user.id, entry.id) in held or (
                entry.body.get("type") == "nightly_gratitude" and loc.user.id in thanked
            )
            if due_at is not None and due_at >= entry.created_at and not done:
                words = _words("ritual", loc.user, entry, partial(texts.ritual_reminder, entry, loc.user))
                yield loc, Item(f"ritual:{entry.id}", due_at, RITUAL, words, entry.id)
            if tomorrow is not None and entry.body.get("type") == "connection_check":
                # The day before, at the same time: three questions want a day to come.
                at = wall_time(loc.today, entry.body["schedule"]["time"], loc.zone)
                if at >= entry.created_at:
                    words = _words("prepare", loc.user, entry, partial(texts.prepare_reminder, entry, loc.user))
                    yield loc, Item(f"prepare:{entry.id}", at, PREPARE, words, entry.id)


def _owners(entry):
    """Who a commitment's step belongs to: its author ("me"), the author's partner, or both."""
    owner = entry.body.get("owner", "me")
    return lambda user_id: owner == "both" or (owner == "me") == (user_id == entry.author_id)


def _commitments(by_couple, dates):
    for entry in _couple_entries("commitment", by_couple, Entry.body["due_date"].as_string().in_(dates)):
        if entry.body.get("done_at"):
            continue
        owns = _owners(entry)
        for loc in _recipients(entry, by_couple):
            if owns(loc.user.id) and entry.body["due_date"] == loc.today.isoformat():
                at = wall_time(loc.today, COMMITMENT_TIME, loc.zone)
                words = _words("commitment", loc.user, entry, partial(texts.commitment_reminder, entry, loc.user))
                yield loc, Item(f"commitment:{entry.id}", at, COMMITMENT, words, entry.id)


def _timeouts(by_couple, now):
    """At a time-out's return time: both are told, and the one who asked gets "Ready? Or 15 more
    minutes?". Each return time is its own claim, so "15 more minutes" brings one more reminder."""
    due = []
    for entry in _couple_entries("timeout", by_couple, Entry.created_at >= now - timedelta(days=2)):
        if entry.body.get("ended_at"):
            continue
        return_at = parse_instant(entry.body["return_at"])
        if not return_at <= now < return_at + TIMEOUT_WINDOW:
            continue
        for loc in _recipients(entry, by_couple):
            if loc.ready(return_at):
                words = _words(None, loc.user, entry, partial(texts.timeout_reminder, entry, loc.user))
                item = Item(f"timeout:{entry.id}:{return_at:%H%M}", return_at, RITUAL, words, entry.id)
                due.append(
                    Due(loc.user.id, [item], loc.today.isoformat(), None, min(loc.day_end, return_at + TIMEOUT_WINDOW))
                )
    return due


def find_due(now):
    """Everything scheduled that is due at `now` for someone who can receive it (unclaimed or not)."""
    locs = []
    for user in candidates():
        try:
            locs.append(Local(user, now))
        except BAD_ZONE:  # one unusable stored zone must not stop everyone's nudges
            log.warning(
                "user %s: time zone %r cannot be loaded on this host; nothing scheduled for them",
                user.id,
                user.timezone,
            )
    by_couple = defaultdict(list)
    for loc in locs:
        by_couple[loc.user.couple_id].append(loc)
    dates = sorted({loc.today.isoformat() for loc in locs})
    if not locs:
        return []
    found = [*_nudges(locs, now), *_rituals(by_couple, now), *_commitments(by_couple, dates)]
    return combine(found) + _timeouts(by_couple, now)


def queue(items, now):
    """Claims each item (user, kind, local date) and writes a push job for the ones this worker won.

    A unique claim row decides: with two workers, the second's insert finds the first's row and
    does nothing. Rows go in one sorted order, so two workers never wait on each other in a cycle.
    """
    if not items:
        return 0
    rows = sorted(
        {(d.user_id, item.kind, d.local_date) for d in items for item in d.items}
    )  # one order for every worker
    won = claims.insert([{"user_id": u, "kind": k, "local_date": day, "created_at": now} for u, k, day in rows])
    job_rows = []
    for d in items:
        mine = [item for item in d.items if (d.user_id, item.kind) in won]
        if not mine:
            continue
        words = [item.words() for item in mine]
        lines = [line for line, _ in words]
        payload = words[0][1] if len(mine) == 1 else texts.combined(words, d.part == EVENING, d.recipient)
        job_rows.append(
            {
                "user_id": d.user_id,
                "type": payload["type"],
                "entry_id": mine[0].entry_id,
                "status": "pending",
                "attempts": 0,
                "not_before": now,
                "created_at": now,
                "expires_at": d.expires_at,
                "data": {
                    "claims": [item.kind for item in mine],
                    "local_date": d.local_date,
                    "payload": payload,
                    "reserve": d.reserve,
                    "lines": lines,  # for partner news folded in (push_plan)
                    "evening": d.part == EVENING,
                },
            }
        )
    if db.engine.dialect.name == "postgresql":
        for chunk in prebuilt.chunks(job_rows):  # one constant statement, the rows as one JSON array
            prebuilt.execute(_pg_insert_jobs(), {"rows": prebuilt.records(chunk)})
    else:
        # RETURNING lets SQLAlchemy batch the rows into multi-row INSERTs (insertmanyvalues).
        stmt = insert(PushJob.__table__).returning(PushJob.__table__.c.id)
        for chunk in prebuilt.chunks(job_rows):
            db.session.connection().execute(stmt, chunk).all()
    db.session.commit()
    return len(job_rows)


_QUEUED_COLUMNS = (
    "user_id",
    "type",
    "entry_id",
    "status",
    "attempts",
    "not_before",
    "created_at",
    "expires_at",
    "data",
)


@cache
def _pg_insert_jobs():
    return text(prebuilt.records_insert(PushJob.__table__, _QUEUED_COLUMNS, "rows", "j"))


def tick(now, sender, stop=None):
    """One pass as if at `now`: queue what is due, then deliver every due job.

    `stop()` true (SIGTERM) ends it after the batch on the wire; unclaimed jobs wait for the next worker.
    """
    queued = queue(find_due(now), now)
    counts = jobs.deliver_due(now, sender, stop=stop)
    if now.minute == 0:  # hourly housekeeping; one chore failing never stops the others
        try:
            stale_sessions.close_stale(now)
        except Exception:
            db.session.rollback()
            log.exception("closing stale sessions failed; the next hour tries again")
        accounts.end_expired_sessions()
        password_reset.forget_expired()
        job_queue.purge(now)
    return {"queued": queued, **counts}


def parse_now(value):
    """An ISO 8601 instant for `tick --now`; a naive one is taken as UTC."""
    return parse_instant(value, naive_is_utc=True)
