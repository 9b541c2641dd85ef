"""Two real `flask nudges run` processes tick through 90 simulated minutes against one database, with
hundreds of users whose nudge times fall in that window (across time zones) and a partner push per
couple, sending to a loopback push service: every nudge and every push arrives exactly once, on time."""

import os
import re
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from backend.extensions import db
from backend.models import Claim, Couple, Entry, PushJob, PushSubscription, User
from push_service import SUBJECT, Device
from servers import Processes

START = datetime(2026, 5, 1, 17, 0, tzinfo=UTC)
MINUTES = 90
SPEED = 360  # simulated seconds per real second: 90 minutes in 15 s
COUPLES = 150
# The window (17:00-18:30 UTC) stays inside one local date in each zone: a nudge time already past at
# the start would be caught up at once, and one after a local midnight would be the next date's nudge.
ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "America/St_Johns",
    "Australia/Sydney",
    "America/Los_Angeles",
    "UTC",
    "Asia/Tokyo",
)


def populate(app, service):
    """Users due at every minute of the window in six zones, one device each; one appreciation per couple
    whose push job becomes due inside the window. Returns {user id: (device, nudge instant)}."""
    people = {}
    with app.app_context():
        for n in range(COUPLES):
            couple = Couple(id=str(uuid.uuid4()), seq=1, paired_at=START - timedelta(days=3))
            db.session.add(couple)
            pair = []
            for side in range(2):
                i = 2 * n + side
                due = START + timedelta(minutes=(i * 7) % MINUTES)  # spread over the whole window
                zone = ZONES[i % len(ZONES)]
                user = User(
                    id=str(uuid.uuid4()),
                    email=f"sim{i}@example.com",
                    password_hash="-",
                    display_name=f"Sim {i}",
                    timezone=zone,
                    nudge_time=due.astimezone(ZoneInfo(zone)).strftime("%H:%M"),
                    couple_id=couple.id,
                )
                db.session.add(user)
                people[user.id] = (Device(service), due)
                pair.append(user)
            db.session.flush()  # users before the rows that point at them (no relationships to order them)
            for user in pair:
                sub = people[user.id][0].subscription()
                db.session.add(
                    PushSubscription(
                        user_id=user.id,
                        endpoint=sub["endpoint"],
                        p256dh=sub["keys"]["p256dh"],
                        auth=sub["keys"]["auth"],
                    )
                )
            author, partner = pair
            at = START + timedelta(minutes=(n * 13) % MINUTES)
            entry = Entry(
                id=str(uuid.uuid4()),
                couple_id=couple.id,
                author_id=author.id,
                kind="appreciation",
                visibility="shared",
                shared_once=True,
                body={"text": "thanks"},
                seq=1,
                created_at=at,
                updated_at=at,
            )
            db.session.add(entry)
            db.session.add(
                PushJob(
                    user_id=partner.id,
                    type="appreciation",
                    actor_id=author.id,
                    entry_id=entry.id,
                    not_before=at,
                    created_at=at,
                )
            )
        db.session.commit()
    return people


@pytest.fixture
def processes():
    started = Processes()
    yield started
    started.stop_all()


def test_two_worker_processes_deliver_each_nudge_once_over_simulated_time(
    make_app, vapid_pem, push_service, processes, database_url, tmp_path
):
    app = make_app(VAPID_PRIVATE_KEY=vapid_pem, VAPID_SUBJECT=SUBJECT)
    people = populate(app, push_service)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "HEARTH_INSTANCE": str(tmp_path),
        "PYTHONUNBUFFERED": "1",
        "VAPID_PRIVATE_KEY": vapid_pem,
        "VAPID_SUBJECT": SUBJECT,
        "PUSH_THREADS": "8",
        "FLASK_DEBUG": "1",
    }  # the loopback push service is allowed in debug only
    real_start = time.time() + 5  # both clocks start together, once both processes have imported the app
    argv = [
        sys.executable,
        "-m",
        "flask",
        "--app",
        "backend",
        "nudges",
        "run",
        "--from",
        START.isoformat(),
        "--speed",
        str(SPEED),
        "--minutes",
        str(MINUTES),
        "--real-start",
        str(real_start),
    ]
    logs = [tmp_path / f"worker{n}.log" for n in range(2)]
    workers = [processes.start(argv, env, log) for log in logs]
    for worker in workers:
        assert worker.wait(timeout=120) == 0, worker.args
    outputs = [log.read_text() for log in logs]
    totals = []
    for output in outputs:
        assert "tick failed" not in output and "Traceback" not in output, output[-3000:]
        summary = re.search(rf"simulated {MINUTES} minutes:(.*)", output)
        assert summary, output[-3000:]
        totals.append(dict((k, int(v)) for k, v in re.findall(r"(\w+)=(\d+)", summary.group(1))))

    for user_id, (device, _due) in people.items():
        assert [m["type"] for m in device.messages("nudge")] == ["nudge"], user_id
    partners = sum(1 for device, _ in people.values() if device.messages("appreciation"))
    assert partners == COUPLES
    assert len(push_service.received) == len(people) + COUPLES  # nothing else, nothing twice
    assert sum(t.get("queued", 0) for t in totals) == len(people)
    assert sum(t.get("pushes", 0) for t in totals) == len(people) + COUPLES

    with app.app_context():
        # One claim per nudge, and one place in the day's push budget per push (every push counts now:
        # each person's nudge and, for one partner in each couple, the appreciation's).
        kinds = dict(db.session.execute(select(Claim.kind, db.func.count()).group_by(Claim.kind)).all())
        assert kinds == {"nudge": len(people), "ceiling-1": len(people), "ceiling-2": COUPLES}
        jobs = db.session.scalars(select(PushJob)).all()
        assert {job.status for job in jobs} == {"sent"}
        for job in jobs:
            if job.type == "nudge":
                due = people[job.user_id][1]
                # queued at the due minute by whichever worker got there first, sent within minutes
                assert due <= job.sent_at < due + timedelta(minutes=5), (job.user_id, due, job.sent_at)
