"""On SQLite, sync writers take turns on a file lock (services/write_turn.py) instead of sleeping in
SQLite's busy handler; on PostgreSQL the turn is a no-op (the couple's row lock does that job)."""

import multiprocessing
import threading
import time

import pytest

from backend import create_app
from backend.config import TestConfig
from backend.services.write_turn import _lock_file, write_turn

HOLD = 0.3  # seconds each writer keeps its turn


def _config(url):
    return type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url})


def _hold_turn(url, ready, go, out):
    """In a child process: an app of its own on the same database file, one turn, its interval."""
    app = create_app(_config(url))
    with app.app_context():
        ready.set()
        go.wait(10)
        with write_turn():
            began = time.monotonic()
            time.sleep(HOLD)
            out.put((began, time.monotonic()))


def _overlaps(intervals):
    first, second = sorted(intervals)
    return second[0] < first[1]


def _needs_sqlite_file(app):
    from backend.extensions import db

    with app.app_context():
        if _lock_file(db.engine) is None:
            pytest.skip("the turn is SQLite's: on PostgreSQL it is a no-op (see the test below)")


def test_two_worker_processes_on_one_sqlite_file_write_one_after_the_other(app, database_url):
    _needs_sqlite_file(app)
    fork = multiprocessing.get_context("fork")  # like gunicorn: the workers are forks
    go, out = fork.Event(), fork.Queue()
    readies = [fork.Event() for _ in range(2)]
    workers = [fork.Process(target=_hold_turn, args=(database_url, ready, go, out)) for ready in readies]
    for worker in workers:
        worker.start()
    for ready in readies:
        assert ready.wait(30)
    go.set()
    intervals = [out.get(timeout=30) for _ in workers]
    for worker in workers:
        worker.join(10)
        assert worker.exitcode == 0
    assert not _overlaps(intervals), intervals


def test_threads_of_one_process_take_turns_too(app):
    _needs_sqlite_file(app)
    intervals, start = [], threading.Barrier(2)

    def hold():
        with app.app_context():
            start.wait()
            with write_turn():
                began = time.monotonic()
                time.sleep(HOLD)
                intervals.append((began, time.monotonic()))

    threads = [threading.Thread(target=hold) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(intervals) == 2 and not _overlaps(intervals), intervals


def test_a_failed_write_is_rolled_back_and_passes_the_turn_on(app, pair):
    from sqlalchemy import text

    from backend.extensions import db

    alice, _ = pair(rituals=False)
    with app.app_context():
        with pytest.raises(RuntimeError), write_turn():
            db.session.execute(
                text("UPDATE users SET display_name = 'Changed' WHERE email = :email"), {"email": alice.email}
            )
            raise RuntimeError("the sync failed half way")
        with write_turn():  # the next writer is not kept waiting
            assert (
                db.session.scalar(text("SELECT display_name FROM users WHERE email = :email"), {"email": alice.email})
                != "Changed"
            )


def test_no_lock_file_for_postgresql_or_an_in_memory_database():
    for url in ("postgresql+psycopg://postgres@127.0.0.1:5432/test", "sqlite://", "sqlite:///:memory:"):
        app = create_app(_config(url))
        from backend.extensions import db

        with app.app_context():
            assert _lock_file(db.engine) is None, url


def _in_database_file(database_url, email):
    """The display name stored for `email` in the database file alone: a copy without its WAL shows
    what the last checkpoint wrote there, and nothing committed since."""
    import shutil
    import sqlite3
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "copy.db"
        shutil.copyfile(database_url.removeprefix("sqlite:///"), copy)
        with sqlite3.connect(copy) as connection:
            row = connection.execute("SELECT display_name FROM users WHERE email = ?", (email,)).fetchone()
        return row and row[0]


def test_checkpoints_come_after_the_turn_every_so_many_turns(app, pair, database_url, monkeypatch):
    """A commit in the turn leaves the WAL alone (an app connection checkpoints only past
    WAL_AUTOCHECKPOINT pages); every CHECKPOINT_EVERY-th turn copies it into the file afterwards."""
    import itertools

    from sqlalchemy import text

    from backend.extensions import WAL_AUTOCHECKPOINT, db
    from backend.services import write_turn as turns

    _needs_sqlite_file(app)
    alice, _ = pair(rituals=False)
    monkeypatch.setattr(turns, "CHECKPOINT_EVERY", 3)
    monkeypatch.setattr(turns, "_turns", itertools.count(1))
    with app.app_context():
        assert db.session.scalar(text("PRAGMA wal_autocheckpoint")) == WAL_AUTOCHECKPOINT
        before = db.session.scalar(text("SELECT display_name FROM users WHERE email = :email"), {"email": alice.email})
        db.session.commit()
        turns.checkpoint()  # what pairing wrote is in the file: each turn below is the only change
        for name in ("First", "Second", "Third"):
            with write_turn():
                db.session.execute(
                    text("UPDATE users SET display_name = :name WHERE email = :email"),
                    {"name": name, "email": alice.email},
                )
                db.session.commit()
            expected = "Third" if name == "Third" else before
            assert _in_database_file(database_url, alice.email) == expected, name
