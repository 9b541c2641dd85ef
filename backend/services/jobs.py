"""The push job queue: claim due jobs without two workers taking the same one, turn them into
notifications (one per recipient for a burst of partner events, within a daily ceiling), send them
through a delivery.Sender, and record what happened: sent, retried later, failed, or skipped."""
import json
import logging
import random
from collections import defaultdict
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import any_, bindparam, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY

from ..extensions import db
from ..models import Entry, PushJob, PushSubscription, User
from . import claims, notifications as texts, prebuilt
from .delivery import CONFIG, GONE, OK, RETRY, Message
from .schedule import day_bounds, zone_or_utc

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)  # a claimed job left 'sending' this long (worker died) is taken again
MIN_RETRY = 1.0
CHUNK = 500
CEILING = "ceiling-"  # claim kinds of the places under a recipient's daily ceiling: ceiling-1, ceiling-2, …
JOB_COLUMNS = (PushJob.id, PushJob.user_id, PushJob.type, PushJob.actor_id, PushJob.entry_id, PushJob.data,
               PushJob.attempts, PushJob.expires_at, PushJob.created_at, PushJob.sent_at, PushJob.delivered_to)


def _chunks(items, size=CHUNK):
    return prebuilt.chunks(items, size)


def claim(now, limit):
    """Takes up to `limit` due jobs for this worker: status 'sending' with a lease, attempts + 1.

    PostgreSQL: the candidate rows are locked with FOR UPDATE SKIP LOCKED, so concurrent workers
    take disjoint sets without waiting. SQLite: the one UPDATE ... WHERE status is pending is atomic
    (SQLite runs one writer at a time). Either way no job is handed to two workers.
    """
    due = (PushJob.status.in_(("pending", "sending")), PushJob.not_before <= now)
    # A MATERIALIZED CTE runs once. As `IN (SELECT … LIMIT … SKIP LOCKED)`, PostgreSQL may run the
    # subquery again for each row it updates, and then took far more than `limit` jobs (30 for 1).
    picked = (select(PushJob.id).where(*due).order_by(PushJob.user_id, PushJob.id).limit(limit)
              .with_for_update(skip_locked=True).cte("picked").prefix_with("MATERIALIZED"))
    stmt = (update(PushJob).where(PushJob.id.in_(select(picked.c.id)), *due)
            .values(status="sending", not_before=now + LEASE, attempts=PushJob.attempts + 1)
            .returning(*JOB_COLUMNS))
    rows = db.session.execute(stmt, execution_options={"synchronize_session": False}).all()
    db.session.commit()
    return sorted(rows, key=lambda r: (r.user_id, r.id))


def _among(column, values):
    """`column IN values`; on PostgreSQL `column = ANY(:array)`: one parameter, so the statement
    text is the same for any number of values (an expanding IN is new SQL to render and parse for
    every count)."""
    if db.engine.dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)


def _by_id(model, ids, *columns):
    out = {}
    for chunk in _chunks(set(ids) - {None}):
        for row in db.session.execute(select(*columns).where(_among(model.id, chunk))):
            out[row.id] = row
    return out


def _subscriptions(user_ids):
    subs = defaultdict(list)
    for chunk in _chunks(set(user_ids)):
        for row in db.session.execute(select(PushSubscription.id, PushSubscription.user_id, PushSubscription.endpoint,
                                             PushSubscription.p256dh, PushSubscription.auth)
                                      .where(_among(PushSubscription.user_id, chunk))):
            subs[row.user_id].append(row)
    return subs


def _sent_today(users, now):
    """Partner-event notifications each recipient already had on their local date (the ceiling)."""
    counts = defaultdict(int)
    since = now - timedelta(hours=27)  # covers any zone's local midnight
    for chunk in _chunks(users):
        rows = db.session.execute(select(PushJob.user_id, PushJob.sent_at).where(
            _among(PushJob.user_id, chunk), PushJob.sent_at >= since, PushJob.batch_id == PushJob.id,
            PushJob.type.in_(tuple(texts.PARTNER_EVENTS))))
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
        self.jobs, self.payload, self.type = jobs, payload, type_
        self.expires_at = expires_at
        self.place = place  # (user_id, kind, local_date) of its claim under the daily ceiling
        self.outcomes = []

    @property
    def delivered(self):
        sets = [set(job.delivered_to or ()) for job in self.jobs]
        return set.intersection(*sets) if sets else set()


def _expiry(job):
    return job.expires_at or job.created_at + texts.EVENT_WINDOW


def _local_time(user):
    zone = zone_or_utc(user.timezone)
    return lambda iso: datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(zone).strftime("%H:%M")


def plan(rows, now):
    """(notifications, skipped): group the claimed jobs, drop stale and unwanted ones."""
    users = _by_id(User, [r.user_id for r in rows] + [r.actor_id for r in rows],
                   User.id, User.display_name, User.timezone, User.couple_id, User.show_previews,
                   User.daily_push_limit)
    entries = _by_id(Entry, [r.entry_id for r in rows if r.type in texts.PARTNER_EVENTS],
                     Entry.id, Entry.author_id, Entry.couple_id, Entry.visibility, Entry.deleted, Entry.body)
    skipped, notes, groups = {}, [], defaultdict(list)
    for job in rows:
        recipient = users.get(job.user_id)
        if recipient is None:
            skipped[job.id] = "the recipient is gone"
        elif _expiry(job) <= now:
            skipped[job.id] = "expired before it could be delivered"
        elif job.type in texts.SCHEDULED:
            notes.append(Notification([job], job.data["payload"], job.type, _expiry(job)))
        elif job.type not in texts.PARTNER_EVENTS:
            skipped[job.id] = f"unknown job type {job.type}"
        else:
            actor, entry = users.get(job.actor_id), entries.get(job.entry_id)
            if actor is None or recipient.couple_id is None or actor.couple_id != recipient.couple_id:
                skipped[job.id] = "no longer a couple"
            elif entry is None or entry.deleted or entry.visibility != "shared":
                skipped[job.id] = "the entry is gone"
            else:
                urgent = job.type in texts.URGENT  # time-outs go on their own, never in a summary
                groups[(job.user_id, job.actor_id, job.type if urgent else "partner")].append(job)
    places = _places(list(groups), users, now) if groups else {}
    for key, jobs in groups.items():
        user_id, actor_id, _ = key
        if places[key] is None:
            skipped.update({job.id: "daily push limit reached" for job in jobs})
            continue
        recipient = users[user_id]
        payload = texts.partner_event(jobs, users[actor_id].display_name, recipient, entries, _local_time(recipient))
        type_ = jobs[0].type if len({j.type for j in jobs}) == 1 else "summary"
        notes.append(Notification(jobs, payload, type_, min(_expiry(j) for j in jobs), places[key]))
    return notes, skipped


def _places(groups, users, now):
    """{group: (user_id, kind, local_date) or None}: a place under the recipient's daily ceiling for
    each group of partner events, held as a claim row ("ceiling-N", their local date) from planning
    on. A notification still on the wire thus counts for a second worker, or for this worker's next
    batch; record() gives the place back if nothing was delivered. Committed before returning, so
    no other worker waits on these rows."""
    wanting = defaultdict(list)
    for key in groups:
        wanting[key[0]].append(key)
    dates = {uid: now.astimezone(zone_or_utc(users[uid].timezone)).date().isoformat() for uid in wanting}
    sent = _sent_today({uid: users[uid] for uid in wanting}, now)  # also counts sends from before claims
    taken = claims.held([(uid, dates[uid]) for uid in wanting], CEILING)
    places = dict.fromkeys(groups)
    while wanting:
        asked, rows = {}, []
        for uid, keys in wanting.items():
            held, limit = taken[(uid, dates[uid])], users[uid].daily_push_limit
            room = max(0, min(limit - max(len(held), sent[uid]), len(keys)))
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
                still[uid] = keys[len(got):]  # some went to another worker meanwhile: look again
        wanting = still
    db.session.commit()
    return places


def messages_for(notes, subs, now):
    """(notification, Message) pairs: each notification to each of its recipient's devices that lacks it."""
    pairs = []
    for note in notes:
        payload = texts.encode(note.payload)
        ttl, urgency = texts.ttl_for(note.type, note.expires_at, now), texts.urgency_for(note.type)
        topic = texts.topic_for(note.payload["tag"])
        done = note.delivered
        for sub in subs.get(note.jobs[0].user_id, ()):
            if sub.id not in done:
                pairs.append((note, Message(sub.id, sub.endpoint, sub.p256dh, sub.auth, payload, ttl, urgency, topic)))
    return pairs


def backoff(attempts, base):
    """Exponential backoff with jitter: about base, 2 base, 4 base ... (each between half and full)."""
    delay = base * 2 ** max(attempts - 1, 0)
    return delay / 2 + random.uniform(0, delay / 2)


def _result(note, now, config, had_subs):
    """The column values for every job of a notification after its sends."""
    outcomes = note.outcomes
    delivered = sorted(note.delivered | {o.sub_id for o in outcomes if o.result == OK})
    retry = [o for o in outcomes if o.result == RETRY]
    errors = [o.error for o in outcomes if o.error]
    attempts = max(job.attempts for job in note.jobs)
    values = {"delivered_to": delivered, "last_error": "; ".join(errors)[:500] or None}
    if retry and attempts < config["PUSH_MAX_ATTEMPTS"]:
        delay = max(o.retry_after or backoff(attempts, config["PUSH_RETRY_BASE"]) for o in retry)
        not_before = now + timedelta(seconds=max(delay, MIN_RETRY))
        if not_before < note.expires_at:
            values.update(status="pending", not_before=not_before)
            return values
        values["last_error"] = (values["last_error"] or "") + "; window over"
    if delivered:
        values.update(status="sent")
    elif not had_subs:
        values.update(status="skipped", last_error="no push subscription")
    else:
        values.update(status="failed")
    return values


def record(notes, skipped, subs, now):
    """Writes every claimed job's new state; deletes subscriptions the push service says are gone."""
    config = current_app.config
    updates = [{"id": job_id, "status": "skipped", "last_error": reason} for job_id, reason in skipped.items()]
    gone, unused = set(), []
    for note in notes:
        gone.update(o.endpoint for o in note.outcomes if o.result == GONE)
        values = _result(note, now, config, bool(subs.get(note.jobs[0].user_id)))
        if note.place and values["status"] != "sent":
            unused.append(note.place)  # nothing delivered (yet): the place under the ceiling is free again
        lead = note.jobs[0]
        for job in note.jobs:
            row = {"id": job.id, "not_before": now, **values}
            if values["delivered_to"] and not job.sent_at:
                row["sent_at"] = now
            row["batch_id"] = lead.id
            updates.append(row)
    _write(updates)
    claims.release(unused)
    for chunk in _chunks(gone):
        db.session.execute(delete(PushSubscription).where(PushSubscription.endpoint.in_(chunk)))
    db.session.commit()
    return updates


def _prepare(now, limit):
    """Claims a batch and plans it: (notes, skipped, subs, pairs), or None when nothing is due."""
    rows = claim(now, limit)
    if not rows:
        return None
    notes, skipped = plan(rows, now)
    subs = _subscriptions(note.jobs[0].user_id for note in notes)
    return notes, skipped, subs, messages_for(notes, subs, now)


# PostgreSQL: one statement per chunk, the rows as one JSON parameter (an executemany would run
# one UPDATE per job on the server). Absent keys keep the stored value.
_PG_UPDATE = text("""
    UPDATE push_jobs AS j SET status = v.status, last_error = v.last_error,
        not_before = COALESCE(v.not_before, j.not_before), sent_at = COALESCE(j.sent_at, v.sent_at),
        delivered_to = COALESCE(v.delivered_to, j.delivered_to), batch_id = COALESCE(v.batch_id, j.batch_id)
    FROM json_to_recordset(CAST(:rows AS json)) AS v(id integer, status text, last_error text,
        not_before timestamp, sent_at timestamp, delivered_to json, batch_id integer)
    WHERE j.id = v.id""")


def _naive_utc(value):
    return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat() if isinstance(value, datetime) else value


def _write(updates):
    if db.engine.dialect.name != "postgresql":
        for batch in _chunks(updates):  # SQLite runs in-process: executemany is cheap there
            db.session.execute(update(PushJob), batch)
        return
    for batch in _chunks(updates, 2000):
        rows = [{key: _naive_utc(value) for key, value in row.items()} for row in batch]
        db.session.execute(_PG_UPDATE, {"rows": json.dumps(rows)})


def deliver_due(now, sender, limit=None, max_rounds=1000, stop=None):
    """Claims and sends due jobs until none is left (or `stop()` says so); returns counts by final status.

    Pipelined: while one batch is on the wire, the next is claimed and planned, so the
    sender's threads are not left idle while the database is read and written.
    """
    limit = limit or current_app.config["PUSH_BATCH"]
    counts = defaultdict(int)
    in_flight = None
    for _ in range(max_rounds):
        batch = None if stop is not None and stop() else _prepare(now, limit)
        if batch is not None:
            batch = (*batch, sender.submit_all([message for _, message in batch[3]]))
        if in_flight is not None:
            _finish(in_flight, now, counts)
        in_flight = batch
        if batch is None:
            break
    if in_flight is not None:
        _finish(in_flight, now, counts)
    return {key: value for key, value in counts.items() if value}


def _finish(batch, now, counts):
    notes, skipped, subs, pairs, futures = batch
    for (note, _), future in zip(pairs, futures):
        outcome = future.result()
        note.outcomes.append(outcome)
        counts["pushes"] += outcome.result == OK
        counts["config_errors"] += outcome.result == CONFIG
    for row in record(notes, skipped, subs, now):
        counts[row["status"]] += 1


def purge(now, keep_days=30):
    """Finished jobs older than keep_days are removed (claims are kept a few days for the dates around now)."""
    from ..models import Claim
    cutoff = now - timedelta(days=keep_days)
    db.session.execute(delete(PushJob).where(PushJob.status.in_(("sent", "failed", "skipped")),
                                             PushJob.created_at < cutoff))
    db.session.execute(delete(Claim).where(Claim.created_at < now - timedelta(days=7)))
    db.session.commit()


def pending_count():
    return db.session.scalar(select(func.count()).select_from(PushJob).where(PushJob.status == "pending"))
