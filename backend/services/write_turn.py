"""Writers take turns on SQLite without sleeping.

SQLite lets one connection write at a time; a writer that finds the database locked sleeps and
polls (1, 2, 5, 10 … ms, its busy handler). Syncs from two gunicorn workers collide on most
requests, and those sleeps, not the work, then set the pace. So on SQLite a sync queues on an OS
file lock beside the database file before it begins writing: the kernel hands the lock to the
next writer the moment the last one commits, and releases it by itself if a process dies.
Threads of one process queue on a thread lock first (flock is held per open file, not per thread).
PostgreSQL needs none of this: waiters on a row lock are woken the same way, by the server.

Checkpoints happen after the turn, not in it. SQLite copies the WAL back into the database file
(a checkpoint, with an fsync before and after) in whichever commit takes the WAL past
wal_autocheckpoint pages: one sync in ~80 then held the turn for milliseconds (commit p50 0.11 ms,
p99 3.3 ms) while the other workers waited on the lock with nothing to do. So the app's
connections raise that threshold to a backstop (extensions.WAL_AUTOCHECKPOINT pages, for a
process that never takes a turn), and every CHECKPOINT_EVERY-th turn of a process
asks for a PASSIVE checkpoint once its turn has passed on: it copies what it can, beside the next
writer, and waits for no reader or writer.
"""

import fcntl
import itertools
import os
import threading
from contextlib import contextmanager, nullcontext

from ..extensions import db

_guard = threading.Lock()
_locks = {}  # (process id, lock file) -> (thread lock, file descriptor): a forked worker opens its own
CHECKPOINT_EVERY = 64  # turns of one process between its checkpoints (a one-entry sync writes ~12 pages)
_turns = itertools.count(1)  # next() is atomic under the GIL


def _lock_file(engine):
    """The lock file for a file-backed SQLite database, else None (PostgreSQL, in-memory SQLite)."""
    url = engine.url
    if (
        url.get_backend_name() != "sqlite"
        or not url.database
        or url.database == ":memory:"
        or url.query.get("mode") == "memory"
    ):
        return None
    return os.path.abspath(url.database.removeprefix("file:")) + ".write-lock"


def _locks_for(path):
    key = (os.getpid(), path)
    found = _locks.get(key)
    if found is None:
        with _guard:
            found = _locks.get(key)
            if found is None:
                found = _locks[key] = (threading.Lock(), os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    return found


@contextmanager
def _file_turn(path):
    local, fd = _locks_for(path)
    with local:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


@contextmanager
def write_turn():
    """Holds this process's and thread's turn to write until the block ends. The block commits,
    or raises and is rolled back here, before the turn passes on (on PostgreSQL too, so a failed
    write never keeps the couple's row lock)."""
    path = _lock_file(db.engine)
    with _file_turn(path) if path else nullcontext():
        try:
            yield
        except BaseException:
            db.session.rollback()
            raise
    if path and next(_turns) % CHECKPOINT_EVERY == 0:
        checkpoint()


def checkpoint():
    """A PASSIVE checkpoint on a connection of its own: copies the WAL's committed pages into the
    database file as far as readers allow, without waiting for readers or writers."""
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
