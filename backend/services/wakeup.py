"""Waking the worker between its minute ticks, so a partner event is pushed within a second or two.

PostgreSQL: the sync's transaction that writes push jobs also runs `pg_notify('hearth_jobs', '')`
(sync_sql._pg_write: delivered at commit, dropped on rollback). Each worker process holds one
LISTEN connection (Listener) and wakes on a notification; when that connection drops it connects
again and wakes once, so a notification sent meanwhile is never missed.
SQLite (one host): the worker looks every PUSH_POLL seconds with one indexed query (Poller).

A wake never runs the nudge tick: it waits for the burst to settle (settle: no new due job for
PUSH_QUIET seconds, never longer than PUSH_WINDOW), then delivers the due jobs (jobs.deliver_due),
so several events for one recipient still become one summary. Claims stay job_queue.claim's: any
number of workers wake together and still send each job once."""

import logging
import time

import psycopg
from sqlalchemy import func, select

from ..extensions import db
from ..models import PushJob

log = logging.getLogger(__name__)

CHANNEL = "hearth_jobs"
NOTIFY_SQL = f"SELECT pg_notify('{CHANNEL}', '')"
APPLICATION_NAME = "hearth-worker-listen"  # how the LISTEN connection shows in pg_stat_activity
CHUNK = 1.0  # longest uninterrupted wait: a SIGTERM is seen within this many seconds


def due_query(now):
    """The oldest and newest creation instants of the pending jobs due at `now`. A range of the index
    on (status, not_before): an empty one when nothing is due (tests/test_push_wake.py checks)."""
    return select(func.min(PushJob.created_at), func.max(PushJob.created_at)).where(
        PushJob.status == "pending", PushJob.not_before <= now
    )


def burst(now):
    """(oldest, newest) creation instants of the pending jobs due at `now`, or (None, None)."""
    with db.engine.connect() as conn:  # its own short transaction: SQLite's WAL is not held open
        oldest, newest = conn.execute(due_query(now)).one()
    return oldest, newest


def settle(now_fn, stop, quiet, window):
    """Waits until the due jobs stop coming: the newest is `quiet` seconds old, or the oldest
    `window` seconds (and never longer than `window` from here, whatever the hosts' clocks say).
    True when something is due then; False when nothing is (another worker took it)."""
    deadline = time.monotonic() + window
    while True:
        now = now_fn()
        oldest, newest = burst(now)
        if newest is None:
            return False
        until = min(newest.timestamp() + quiet, oldest.timestamp() + window)
        left = min(until - now.timestamp(), deadline - time.monotonic())
        if left <= 0 or stop.is_set():
            return True
        stop.wait(left)


class Poller:
    """SQLite: a due pending job is looked for every `every` seconds."""

    def __init__(self, now_fn, every):
        self.now_fn, self.every, self.started = now_fn, every, False

    def wait(self, timeout, stop):
        """Returns within `timeout` seconds (at once on stop): True when a job is due."""
        if not self.started:
            self.started = True
            log.info("waiting for push jobs: a look every %ss", self.every)
        deadline = time.monotonic() + timeout
        while not stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            stop.wait(min(left, self.every))
            if stop.is_set():
                return False
            try:
                if burst(self.now_fn())[1] is not None:
                    return True
            except Exception:  # the database away: the next look (or tick) tries again
                log.exception("looking for due push jobs failed")
                stop.wait(min(deadline - time.monotonic(), 5 * self.every))
        return False

    def close(self):
        pass


def conninfo(url):
    """A SQLAlchemy URL (postgresql+psycopg://…) as libpq's."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class Listener:
    """PostgreSQL: one autocommit connection that LISTENs on CHANNEL."""

    RETRY_MAX = 30.0  # seconds between attempts to connect while the database stays away

    def __init__(self, url, retry=1.0):
        self.info, self.first_retry, self.conn = conninfo(url), retry, None
        self.retry, self.next_try = retry, 0.0

    def _connect(self):
        conn = psycopg.connect(self.info, autocommit=True, application_name=APPLICATION_NAME, connect_timeout=10)
        conn.execute(f"LISTEN {CHANNEL}")
        self.conn, self.retry = conn, self.first_retry
        log.info("waiting for push jobs: LISTEN %s", CHANNEL)

    def _drop(self):
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:  # noqa: BLE001 - already broken
                pass
        self.conn = None

    def wait(self, timeout, stop):
        """Returns within `timeout` seconds (within CHUNK on stop): True on a notification, and once
        after (re)connecting, since notifications sent while not listening are lost."""
        deadline = time.monotonic() + timeout
        while not stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if self.conn is None:
                if time.monotonic() >= self.next_try:
                    try:
                        self._connect()
                        return True
                    except psycopg.Error as exc:
                        log.warning("LISTEN connection failed (%s); again in %ss", exc, self.retry)
                        self.next_try = time.monotonic() + self.retry
                        self.retry = min(2 * self.retry, self.RETRY_MAX)
                stop.wait(max(0.0, min(deadline, self.next_try) - time.monotonic()))
                continue
            try:
                for _ in self.conn.notifies(timeout=min(left, CHUNK), stop_after=1):
                    return True
            except psycopg.Error as exc:
                log.warning("LISTEN connection lost (%s); connecting again", exc)
                self._drop()
        return False

    def close(self):
        self._drop()


def waker(now_fn, config):
    """The Listener on PostgreSQL, else the Poller."""
    if db.engine.dialect.name == "postgresql":
        return Listener(db.engine.url)
    return Poller(now_fn, config["PUSH_POLL"])
