"""Planning a claimed batch of push jobs: drop the stale and unwanted ones, hold what falls in the
recipient's quiet hours until they end, group a burst of partner events into one notification per
recipient, fold partner news into a reminder due in the same batch, keep every notification within
the recipient's one daily push budget (nudge, reminders, partner events alike), build each payload,
and pair each notification with the devices that still lack it.

A job that raises while its notification is built fails alone: the rest of the batch goes on."""

import logging
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY

from ..extensions import db
from ..models import Entry, PushJob, PushSubscription, User
from ..times import parse_instant
from . import claims, notifications as texts, prebuilt, visibility
from .delivery import Message
from .schedule import after_quiet, day_bounds, zone_or_utc

log = logging.getLogger(__name__)

CEILING = "ceiling-"  # claim kinds of the places under a recipient's daily budget: ceiling-1, ceiling-2, …

# When the budget is short, what matters goes first: news from the partner (and time-outs) cannot
# wait for tomorrow and is why the app exists; then a ritual or step that is due today; the generic
# nudge last, and only when it leaves room for the reminders still to come today (`reserve`).
NEWS, REMINDER, NUDGE_ONLY = range(3)


def _among(column, values):
    """`column IN values`; on PostgreSQL `column = ANY(:array)`: one parameter, so the statement
    text is the same for any number of values (an expanding IN is new SQL to render and parse for
    every count)."""
    if db.engine.dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)


def _by_id(model, ids, *columns):
    out = {}
    for chunk in prebuilt.chunks(set(ids) - {None}):
        for row in db.session.execute(select(*columns).where(_among(model.id, chunk))):
            out[row.id] = row
    return out


def subscriptions(user_ids):
    subs = defaultdict(list)
    for chunk in prebuilt.chunks(set(user_ids)):
        for row in db.session.execute(
            select(
                PushSubscription.id,
                PushSubscription.user_id,
                PushSubscription.endpoint,
                PushSubscription.p256dh,
                PushSubscription.auth,
            ).where(_among(PushSubscription.user_id, chunk))
        ):
            subs[row.user_id].append(row)
    return subs


def _sent_today(users, now):
    """Notifications of every kind each recipient already had on their local date (the budget)."""
    counts = defaultdict(int)
    since = now - timedelta(hours=27)  # covers any zone's local midnight
    for chunk in prebuilt.chunks(users):
        rows = db.session.execute(
            select(PushJob.user_id, PushJob.sent_at).where(
                _among(PushJob.user_id, chunk),
                PushJob.sent_at >= since,
                PushJob.batch_id == PushJob.id,
            )
        )
        for user_id, sent_at in rows:
            user = users[user_id]
            zone = zone_or_utc(user.timezone)
            start, _ = day_bounds(now.astimezone(zone).date(), zone)
            if sent_at >= start:
                counts[user_id] += 1
    return counts


class Notification:
    """One payload for one recipient, standing for one or more jobs."""

    def __init__(self, jobs, payload, type_, expires_at, place=None):
        # jobs: a scheduled job (one push, claimed by the nudge tick) and any partner news folded into it
        self.jobs, self.payload, self.type = jobs, payload, type_
        self.expires_at = expires_at
        self.place = place  # (user_id, kind, local_date) of its claim under the daily ceiling
        self.outcomes = []
        self.error = None  # why it could not be built or sent: its jobs fail, the batch goes on

    def broken(self, exc):
        # backslashreplace: the reason may quote the very text that could not be encoded
        self.error = f"could not be built: {type(exc).__name__}: {exc}"[:500].encode(errors="backslashreplace").decode()
        log.error(
            "push job(s) %s failed, the rest of the batch goes on: %s",
            ", ".join(str(job.id) for job in self.jobs),
            self.error,
            exc_info=exc,
        )

    @property
    def delivered(self):
        sets = [set(job.delivered_to or ()) for job in self.jobs]
        return set.intersection(*sets) if sets else set()


def _expiry(job):
    return job.expires_at or job.created_at + texts.EVENT_WINDOW


def _local_time(user):
    zone = zone_or_utc(user.timezone)
    return lambda iso: parse_instant(iso).astimezone(zone).strftime("%H:%M")


def plan(rows, now):
    """(notifications, skipped): group the claimed jobs, drop stale and unwanted ones."""
    users = _by_id(
        User,
        [r.user_id for r in rows] + [r.actor_id for r in rows],
        User.id,
        User.display_name,
        User.timezone,
        User.couple_id,
        User.show_previews,
        User.daily_push_budget,
        User.language,
        User.quiet_start,
        User.quiet_end,
    )
    entries = _by_id(
        Entry,
        [r.entry_id for r in rows if r.type in texts.PARTNER_EVENTS],
        Entry.id,
        Entry.kind,
        Entry.author_id,
        Entry.couple_id,
        Entry.visibility,
        Entry.deleted,
        Entry.body,
    )
    skipped, notes, groups = {}, [], defaultdict(list)
    for job in rows:
        recipient = users.get(job.user_id)
        if recipient is None:
            skipped[job.id] = "the recipient is gone"
        elif _expiry(job) <= now:
            skipped[job.id] = "expired before it could be delivered"
        elif (until := after_quiet(now, recipient.timezone, recipient.quiet_start, recipient.quiet_end)) > now:
            # Quiet hours hold every push: it waits (status pending) for their end, or lapses.
            skipped[job.id] = until if until < _expiry(job) else "quiet hours lasted past its window"
        elif job.type in texts.SCHEDULED:
            groups[(job.user_id, None, f"scheduled-{job.id}")].append(job)
        elif job.type in texts.COUPLE_EVENTS:
            # About the couple itself: sent whether or not they are a couple now, within the budget.
            groups[(job.user_id, job.actor_id, job.type)].append(job)
        elif job.type not in texts.PARTNER_EVENTS:
            skipped[job.id] = f"unknown job type {job.type}"
        else:
            actor, entry = users.get(job.actor_id), entries.get(job.entry_id)
            if actor is None or recipient.couple_id is None or actor.couple_id != recipient.couple_id:
                skipped[job.id] = "no longer a couple"
            elif (
                entry is None
                or entry.deleted
                or not visibility.meant_for_partner(entry)
                or entry.couple_id != recipient.couple_id
            ):
                skipped[job.id] = "the entry is gone"
            else:
                urgent = job.type in texts.URGENT  # time-outs go on their own, never in a summary
                groups[(job.user_id, job.actor_id, job.type if urgent else "partner")].append(job)
    _fold_news(groups)
    places = _places(groups, users, now) if groups else {}
    for key, jobs in groups.items():
        user_id, actor_id, _ = key
        if places[key] is None:
            skipped.update({job.id: "daily push limit reached" for job in jobs})
            continue
        recipient = users[user_id]
        if actor_id is None:  # a scheduled push, with any partner news folded into it
            note = Notification(jobs, None, jobs[0].type, _expiry(jobs[0]), places[key])
            try:
                note.payload = dict(jobs[0].data["payload"])
                if len(jobs) > 1:
                    note.payload = texts.with_news(jobs[0].data, jobs[1:], users, recipient)
            except Exception as exc:
                note.broken(exc)
            notes.append(note)
            continue
        type_ = jobs[0].type if len({j.type for j in jobs}) == 1 else "summary"
        note = Notification(jobs, None, type_, min(_expiry(j) for j in jobs), places[key])
        actor_name = users[actor_id].display_name if actor_id in users else None
        try:
            if type_ in texts.COUPLE_EVENTS:
                note.payload = texts.couple_event(type_, actor_name, recipient)
            else:
                note.payload = texts.partner_event(jobs, actor_name, recipient, entries, _local_time(recipient))
        except Exception as exc:  # one bad entry fails its own notification, never the batch
            note.broken(exc)
        notes.append(note)
    return notes, skipped


def _rank(key, jobs):
    if key[1] is not None:
        return NEWS
    return NUDGE_ONLY if jobs[0].type == "nudge" else REMINDER


def _takes_news(job):
    """A reminder the nudge tick wrote (its lines kept), not an urgent one, nor the nudge alone (an
    invitation to share is no place for the partner's news): news can join it safely."""
    data = job.data if isinstance(job.data, dict) else {}
    urgent_or_nudge = job.type in texts.URGENT or job.type == "nudge"
    return not urgent_or_nudge and isinstance(data.get("payload"), dict) and bool(data.get("lines"))


def _fold_news(groups):
    """A reminder and partner news for the same person in one batch go as one push ("Tonight:
    gratitude · Sam shared something"): the partner's plain (not urgent) news joins the reminder."""
    scheduled = {key[0]: key for key, jobs in groups.items() if key[1] is None and _takes_news(jobs[0])}
    for key in [k for k in groups if k[1] is not None and k[2] == "partner" and k[0] in scheduled]:
        groups[scheduled[key[0]]].extend(groups.pop(key))


def _places(groups, users, now):
    """{group: (user_id, kind, local_date) or None}: a place under the recipient's daily budget for
    each notification (most important first, _rank), held as a claim row ("ceiling-N", their local date) from planning
    on. A notification still on the wire thus counts for a second worker, or for this worker's next
    batch; record() gives the place back if nothing was delivered. Committed before returning, so
    no other worker waits on these rows."""
    wanting = defaultdict(list)
    for key in sorted(groups, key=lambda k: (_rank(k, groups[k]), k[2])):
        wanting[key[0]].append(key)
    dates = {uid: now.astimezone(zone_or_utc(users[uid].timezone)).date().isoformat() for uid in wanting}
    sent = _sent_today({uid: users[uid] for uid in wanting}, now)  # also counts sends from before claims
    taken = claims.held([(uid, dates[uid]) for uid in wanting], CEILING)
    places = dict.fromkeys(groups)
    while wanting:
        asked, rows = {}, []
        for uid, keys in wanting.items():
            held, limit = taken[(uid, dates[uid])], users[uid].daily_push_budget
            free = limit - max(len(held), sent[uid])
            room = sum(1 for n, key in enumerate(keys) if n < free - _reserve(groups[key]))
            asked[uid] = [kind for kind in (f"{CEILING}{n}" for n in range(1, limit + 1)) if kind not in held][:room]
            rows += [{"user_id": uid, "kind": kind, "local_date": dates[uid], "created_at": now} for kind in asked[uid]]
        # One order for every worker: two inserting the same places never wait on each other in a cycle.
        won = claims.insert(sorted(rows, key=lambda row: (row["user_id"], row["kind"]))) if rows else set()
        still = {}
        for uid, keys in wanting.items():
            got = [kind for kind in asked[uid] if (uid, kind) in won]
            places.update({key: (uid, kind, dates[uid]) for key, kind in zip(keys, got)})
            taken[(uid, dates[uid])].update(asked[uid])  # ours now, or another worker's
            if len(got) < len(asked[uid]) and len(keys) > len(got):
                still[uid] = keys[len(got) :]  # some went to another worker meanwhile: look again
        wanting = still
    db.session.commit()
    return places


def _reserve(jobs):
    """Places a nudge alone leaves free for the reminders still to come today (the nudge tick counts them)."""
    if jobs[0].type != "nudge" or len(jobs) > 1:
        return 0
    return int((jobs[0].data or {}).get("reserve") or 0)


def messages_for(notes, subs, now):
    """(notification, Message) pairs: each notification to each of its recipient's devices that lacks it."""
    pairs = []
    for note in notes:
        if note.error:
            continue
        try:
            payload = texts.encode(note.payload)
            ttl, urgency = texts.ttl_for(note.type, note.expires_at, now), texts.urgency_for(note.type)
            topic = texts.topic_for(note.payload["tag"])
        except Exception as exc:  # a lone surrogate in stored text, a malformed payload …
            note.broken(exc)
            continue
        done = note.delivered
        for sub in subs.get(note.jobs[0].user_id, ()):
            if sub.id not in done:
                pairs.append((note, Message(sub.id, sub.endpoint, sub.p256dh, sub.auth, payload, ttl, urgency, topic)))
    return pairs
