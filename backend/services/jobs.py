"""Running the push queue: claim a batch of due jobs (job_queue), plan it into notifications
(push_plan), send them through a delivery.Sender, and record what happened (outcomes: sent, retried
later, failed, or skipped). One batch is planned while the one before it is on the wire."""

import logging
from collections import defaultdict

from flask import current_app

from .delivery import CONFIG, OK, REJECTED, Outcome
from .job_queue import claim
from .outcomes import record
from .push_plan import messages_for, plan, subscriptions

log = logging.getLogger(__name__)


def _prepare(now, limit):
    """Claims a batch and plans it: (notes, skipped, subs, pairs), or None when nothing is due."""
    rows = claim(now, limit)
    if not rows:
        return None
    notes, skipped = plan(rows, now)
    subs = subscriptions(note.jobs[0].user_id for note in notes)
    return notes, skipped, subs, messages_for(notes, subs, now)


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
    for (note, message), future in zip(pairs, futures):
        try:
            outcome = future.result()
        except Exception as exc:  # Sender.send turns failures into outcomes; this is the last guard
            log.exception("push to subscription %s raised", message.sub_id)
            outcome = Outcome(message.sub_id, message.endpoint, REJECTED, None, f"raised {type(exc).__name__}")
        note.outcomes.append(outcome)
        counts["pushes"] += outcome.result == OK
        counts["config_errors"] += outcome.result == CONFIG
        counts["rejected"] += outcome.result == REJECTED
    for row in record(notes, skipped, subs, now):
        counts[row["status"]] += 1
