"""The push job table as a queue: take due jobs so that no two workers take the same one, and
clear out finished jobs. Jobs are made elsewhere: by a sync (partner events,
entries.py) and by the nudge tick (scheduled reminders, nudges.py)."""

from datetime import timedelta

from sqlalchemy import delete, select, update

from ..extensions import db
from ..models import Claim, PushJob

LEASE = timedelta(minutes=10)  # a claimed job left 'sending' this long (worker died) is taken again
JOB_COLUMNS = (
    PushJob.id,
    PushJob.user_id,
    PushJob.type,
    PushJob.actor_id,
    PushJob.entry_id,
    PushJob.data,
    PushJob.attempts,
    PushJob.expires_at,
    PushJob.created_at,
    PushJob.sent_at,
    PushJob.delivered_to,
)


def claim(now, limit):
    """Takes up to `limit` due jobs for this worker: status 'sending' with a lease, attempts + 1.

    PostgreSQL: the candidate rows are locked with FOR UPDATE SKIP LOCKED, so concurrent workers
    take disjoint sets without waiting. SQLite: the one UPDATE ... WHERE status is pending is atomic
    (SQLite runs one writer at a time). Either way no job is handed to two workers.
    """
    due = (PushJob.status.in_(("pending", "sending")), PushJob.not_before <= now)
    # A MATERIALIZED CTE runs once. As `IN (SELECT … LIMIT … SKIP LOCKED)`, PostgreSQL may run the
    # subquery again for each row it updates, and then took far more than `limit` jobs (30 for 1).
    picked = (
        select(PushJob.id)
        .where(*due)
        .order_by(PushJob.user_id, PushJob.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("picked")
        .prefix_with("MATERIALIZED")
    )
    stmt = (
        update(PushJob)
        .where(PushJob.id.in_(select(picked.c.id)), *due)
        .values(status="sending", not_before=now + LEASE, attempts=PushJob.attempts + 1)
        .returning(*JOB_COLUMNS)
    )
    rows = db.session.execute(stmt, execution_options={"synchronize_session": False}).all()
    db.session.commit()
    return sorted(rows, key=lambda r: (r.user_id, r.id))


def purge(now, keep_days=30):
    """Finished jobs older than keep_days are removed (claims are kept a few days for the dates around now)."""
    cutoff = now - timedelta(days=keep_days)
    db.session.execute(
        delete(PushJob).where(PushJob.status.in_(("sent", "failed", "skipped")), PushJob.created_at < cutoff)
    )
    db.session.execute(delete(Claim).where(Claim.created_at < now - timedelta(days=7)))
    db.session.commit()
