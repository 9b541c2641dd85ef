"""Partner pushes without the minute's wait: a real `flask nudges run` process, started on the test's
clock with its next minute tick a minute away, wakes when a partner event commits (LISTEN/NOTIFY on
PostgreSQL, an indexed look every PUSH_POLL seconds on SQLite) and sends to the loopback push service
within 2 s; a burst is still one summary; a rolled-back write sends nothing; two workers send each job
once; a dropped LISTEN connection is survived; an idle worker does not spin and stops on SIGTERM."""

import os
import signal
import sys
import time

import pytest
from sqlalchemy import func, select, text

from backend.extensions import db
from backend.models import PushJob
from backend.services import notifications, wakeup
from push_service import SUBJECT, subscribe
from servers import Processes

pytestmark = pytest.mark.vapid  # the app has a VAPID key and subject (tests/conftest.py, app)

PARTNER = (*notifications.PARTNER_EVENTS, "summary")  # not the reminders of rituals seeded at pairing
READY = "waiting for push jobs"  # the worker's log line once it listens (or looks) between ticks
postgres_only = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"), reason="LISTEN/NOTIFY is PostgreSQL's"
)


def wait_for(check, timeout):
    """check()'s first true value within `timeout` seconds, else its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    return check()


class Worker:
    """`flask nudges run` in its own process, its simulated clock at the test's instant and speed 1:
    it ticks at once, and its next tick is a minute later (no test here waits that long)."""

    def __init__(self, processes, database_url, vapid_pem, tmp_path, clock, name="worker"):
        self.log = tmp_path / f"{name}.log"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "HEARTH_INSTANCE": str(tmp_path),
            "PYTHONUNBUFFERED": "1",
            "VAPID_PRIVATE_KEY": vapid_pem,
            "VAPID_SUBJECT": SUBJECT,
            "PUSH_THREADS": "4",
            "FLASK_DEBUG": "1",  # the loopback push service is allowed in debug only
        }
        start, real_start = clock.now(), time.time()
        argv = [sys.executable, "-m", "flask", "--app", "backend", "nudges", "run"]
        argv += ["--from", start.isoformat(), "--real-start", repr(real_start)]
        self.processes = processes
        self.process = processes.start(argv, env, self.log)
        self.ready()

    def output(self):
        return self.log.read_text() if self.log.exists() else ""

    def ready(self, times=1, timeout=60):
        """Waits until the worker has ticked and waits between ticks (the `times`-th time: reconnects)."""
        assert wait_for(lambda: self.output().count(READY) >= times or self.process.poll() is not None, timeout)
        assert self.process.poll() is None, self.output()[-3000:]
        assert self.output().count(READY) >= times, self.output()[-3000:]

    def cpu_seconds(self):
        with open(f"/proc/{self.process.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def check_clean(self):
        output = self.output()
        assert "Traceback" not in output and "failed" not in output, output[-3000:]


@pytest.fixture
def processes():
    started = Processes()
    yield started
    started.stop_all()


@pytest.fixture
def start_worker(processes, database_url, vapid_pem, tmp_path, clock):
    def start(name="worker"):
        return Worker(processes, database_url, vapid_pem, tmp_path, clock, name)

    return start


@pytest.fixture
def couple(pair, push_service):
    alice, bob = pair()
    return alice, bob, subscribe(bob, push_service)


def appreciate(person, text="thanks for tonight"):
    response, _ = person.put("appreciation", {"text": text}, visibility="shared")
    assert response.json["results"][0]["status"] == "applied", response.json


def test_a_partner_event_is_pushed_within_two_seconds_without_a_tick(app, couple, start_worker):
    alice, bob, device = couple
    worker = start_worker()
    started = time.monotonic()
    appreciate(alice)
    [request] = wait_for(lambda: device.pushes(*PARTNER), 2.0)
    assert request.at - started <= 2.0
    assert device.decrypt(request)["body"] == "Alice sent you an appreciation"
    assert wait_for(lambda: "wake " in worker.output(), 2.0)  # logged once the outcome is recorded
    assert "tick " not in worker.output()  # tick 0 (before the event) had nothing to do; tick 1 is 60 s away
    worker.check_clean()


def test_a_burst_is_one_summary_and_events_apart_are_two_pushes(app, couple, start_worker):
    alice, bob, device = couple
    worker = start_worker()
    for n in range(3):  # 0.3 s apart: a worker that did not wait for the burst to settle would split it
        appreciate(alice, f"thing {n}")
        time.sleep(0.3)
    assert wait_for(lambda: device.pushes(*PARTNER), 2.5)
    time.sleep(app.config["PUSH_WINDOW"] + 0.5)  # nothing more comes of that burst
    [summary] = device.messages(*PARTNER)
    assert (summary["body"], summary["count"]) == ("Alice sent you 3 appreciations", 3)

    appreciate(alice, "first")
    assert wait_for(lambda: len(device.pushes(*PARTNER)) == 2, 2.5)
    time.sleep(5 - 1.2)  # the second event 5 s after the first
    appreciate(alice, "second")
    assert wait_for(lambda: len(device.pushes(*PARTNER)) == 3, 2.5)
    time.sleep(app.config["PUSH_WINDOW"] + 0.5)
    assert [m["count"] for m in device.messages(*PARTNER)] == [3, 1, 1]
    worker.check_clean()


def test_a_rolled_back_write_sends_nothing(app, couple, start_worker, clock):
    """The sync's own statements (a due job, and on PostgreSQL the notification) in a transaction
    that rolls back: no job, no notification (PostgreSQL sends it at commit only), no push."""
    alice, bob, device = couple
    worker = start_worker()
    with app.app_context():
        db.session.add(PushJob(user_id=bob.id, type="nudge", data={"payload": {}}, not_before=clock.now()))
        db.session.flush()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text(wakeup.NOTIFY_SQL))
        db.session.rollback()
    time.sleep(app.config["PUSH_WINDOW"] + 1.5)
    assert device.pushes() == []
    assert "wake " not in worker.output()
    appreciate(alice)  # the worker is awake: a committed event goes out
    assert wait_for(lambda: device.pushes(*PARTNER), 2.5)
    worker.check_clean()


COUPLES = 8


def test_two_workers_send_each_job_once(app, pair, push_service, start_worker):
    couples = []
    for _ in range(COUPLES):
        alice, bob = pair()
        couples.append((alice, bob, subscribe(bob, push_service), subscribe(alice, push_service)))
    workers = [start_worker("one"), start_worker("two")]
    for alice, bob, *_ in couples:  # a burst for each Bob, one event for each Alice
        appreciate(alice, "a")
        appreciate(alice, "b")
        appreciate(bob, "c")
    everyone = [d for *_, to_bob, to_alice in couples for d in (to_bob, to_alice)]
    assert wait_for(lambda: all(d.pushes(*PARTNER) for d in everyone), 2.5)
    time.sleep(app.config["PUSH_WINDOW"] + 1.0)
    # Each job once, whichever worker took it. How a burst groups is the burst test's (above): here 24
    # syncs in a row may outlast PUSH_WINDOW on a busy host, and then a Bob's two may come as 1 + 1.
    for *_, to_bob, to_alice in couples:
        assert sum(m["count"] for m in to_bob.messages(*PARTNER)) == 2
        assert sum(m["count"] for m in to_alice.messages(*PARTNER)) == 1
    with app.app_context():
        rows = db.session.execute(
            select(PushJob.status, PushJob.attempts, func.count()).group_by(PushJob.status, PushJob.attempts)
        ).all()
    assert [tuple(row) for row in rows] == [("sent", 1, 3 * COUPLES)]
    for worker in workers:
        worker.check_clean()


@postgres_only
def test_the_listen_connection_dropping_is_survived(app, couple, start_worker):
    alice, bob, device = couple
    worker = start_worker()
    with app.app_context():
        ended = db.session.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = :name AND datname = current_database()"
            ),
            {"name": wakeup.APPLICATION_NAME},
        ).all()
        db.session.commit()
    assert ended == [(True,)]
    worker.ready(times=2, timeout=15)  # listening again
    assert "LISTEN connection lost" in worker.output()
    started = time.monotonic()
    appreciate(alice)
    [request] = wait_for(lambda: device.pushes(*PARTNER), 2.0)
    assert request.at - started <= 2.0


def test_an_idle_worker_does_not_spin_and_stops_on_sigterm(app, couple, start_worker, processes):
    worker = start_worker()
    time.sleep(1)  # past the first tick's tail (a busy CI host once billed 0.6 s of it to the window)
    before = worker.cpu_seconds()
    time.sleep(5)
    used = worker.cpu_seconds() - before
    # ten indexed looks cost about 0.01 s here; a worker looking every 2 ms costs about 0.6, a spinning one 5
    assert used < 1.0, f"{used:.2f} s of CPU in 5 s idle\n{worker.output()[-3000:]}"
    worker.process.send_signal(signal.SIGTERM)
    assert worker.process.wait(timeout=10) == 0
    assert "worker stopped" in worker.output()
    worker.check_clean()


def test_the_look_for_due_jobs_reads_the_index(app, clock):
    """The SQLite worker runs this every PUSH_POLL seconds: a range of ix_push_jobs_status_not_before."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL waits on LISTEN, without a poll")
        sql = str(wakeup.due_query(clock.now()).compile(db.engine))
        plan = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", ("pending", "2026-06-10")).all()
    assert any("USING INDEX ix_push_jobs_status_not_before" in row[-1] for row in plan), plan
