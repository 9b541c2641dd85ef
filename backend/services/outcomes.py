"""Recording what happened to claimed push jobs: sent, retried later with backoff, failed or skipped;
subscriptions the push service says are gone are deleted, unused places under the ceiling given back."""

import json
import random
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, text, update

from ..extensions import db
from ..models import PushJob, PushSubscription
from ..times import naive_utc
from . import claims, prebuilt
from .delivery import GONE, OK, RETRY

MIN_RETRY = 1.0
CHUNK = 500


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
    if note.error:
        return {**values, "status": "failed", "last_error": note.error}
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
    updates = [
        # A job held by quiet hours waits, pending, for their end (push_plan gives that instant, not a reason).
        {"id": job_id, "status": "pending", "not_before": reason, "last_error": None}
        if isinstance(reason, datetime)
        else {"id": job_id, "status": "skipped", "last_error": reason}
        for job_id, reason in skipped.items()
    ]
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
    for chunk in prebuilt.chunks(gone, CHUNK):
        db.session.execute(delete(PushSubscription).where(PushSubscription.endpoint.in_(chunk)))
    db.session.commit()
    return updates


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
    value = naive_utc(value)
    return value.isoformat() if isinstance(value, datetime) else value


def _write(updates):
    if db.engine.dialect.name != "postgresql":
        for batch in prebuilt.chunks(updates, CHUNK):  # SQLite runs in-process: executemany is cheap there
            db.session.execute(update(PushJob), batch)
        return
    for batch in prebuilt.chunks(updates, 2000):
        rows = [{key: _naive_utc(value) for key, value in row.items()} for row in batch]
        db.session.execute(_PG_UPDATE, {"rows": json.dumps(rows)})
