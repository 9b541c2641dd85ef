"""Two workers ticking the same minute against one PostgreSQL database (each with its own engine and
connections) send every nudge and every partner push exactly once."""

import os
import threading
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from backend.extensions import db
from backend.models import Couple, Entry, PushJob, PushSubscription, User
from push_service import SUBJECT, Device, tick

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="needs PostgreSQL (row locks, several connections writing at once)",
    ),
]

COUPLES = 40
NOW = datetime(2026, 5, 1, 18, 0, tzinfo=UTC)  # 20:00 in Berlin


def populate(app, service, appreciations=1, limit=6, nudge_time="20:00"):
    """COUPLES couples, everyone with one device, due for a nudge at NOW when nudge_time is 20:00,
    and `appreciations` appreciations from their partner waiting to be pushed."""
    devices = {}
    with app.app_context():
        for n in range(COUPLES):
            couple = Couple(id=str(uuid.uuid4()), seq=2 * appreciations, paired_at=NOW)
            db.session.add(couple)
            people = [
                User(
                    id=str(uuid.uuid4()),
                    email=f"w{n}{side}@example.com",
                    password_hash="-",
                    display_name=f"P{n}{side}",
                    timezone="Europe/Berlin",
                    nudge_time=nudge_time,
                    daily_push_budget=limit,
                    couple_id=couple.id,
                )
                for side in "ab"
            ]
            db.session.add_all(people)
            db.session.flush()
            seq = 0
            for author, partner in (people, people[::-1]):
                device = devices[partner.id] = Device(service)
                sub = device.subscription()
                db.session.add(
                    PushSubscription(
                        user_id=partner.id,
                        endpoint=sub["endpoint"],
                        p256dh=sub["keys"]["p256dh"],
                        auth=sub["keys"]["auth"],
                    )
                )
                for _ in range(appreciations):
                    seq += 1
                    entry = Entry(
                        id=str(uuid.uuid4()),
                        couple_id=couple.id,
                        author_id=author.id,
                        kind="appreciation",
                        visibility="shared",
                        shared_once=True,
                        body={"text": f"thanks {seq}"},
                        seq=seq,
                    )
                    db.session.add(entry)
                    db.session.add(
                        PushJob(
                            user_id=partner.id,
                            type="appreciation",
                            actor_id=author.id,
                            entry_id=entry.id,
                            not_before=NOW,
                            created_at=NOW,
                        )
                    )
        db.session.commit()
    return devices


def tick_together(workers):
    """Both workers tick NOW at once, each in its own thread; returns their counts."""
    start = threading.Barrier(len(workers))
    results, errors = [], []

    def run(app):
        try:
            start.wait()
            results.append(tick(app, NOW))
        except Exception as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(app,)) for app in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    return results


@pytest.mark.parametrize("batch", [1000, 7])
def test_two_workers_send_each_nudge_and_job_exactly_once(make_app, vapid_pem, push_service, batch):
    config = {"VAPID_PRIVATE_KEY": vapid_pem, "VAPID_SUBJECT": SUBJECT, "PUSH_BATCH": batch}
    workers = [make_app(**config), make_app(**config)]  # two engines: two sets of connections
    devices = populate(workers[0], push_service)
    results = tick_together(workers)
    sent = 0
    for device in devices.values():
        messages = device.messages()
        kinds = sorted(m["type"] for m in messages)
        # Both once: apart, or as one push when the news was planned in the nudge's batch (folded in).
        assert kinds in (["appreciation", "nudge"], ["reminders"]), kinds
        if kinds == ["reminders"]:
            assert messages[0]["body"].endswith("shared something")
        sent += len(messages)
    assert len(push_service.received) == sent
    assert sum(r.get("queued", 0) for r in results) == len(devices)
    assert sum(r.get("pushes", 0) for r in results) == sent


def test_two_workers_keep_each_daily_ceiling(make_app, vapid_pem, push_service):
    """Every job its own batch (so each is its own notification, and each worker plans its next batch
    while the last is on the wire), two workers at once: every recipient gets exactly their ceiling."""
    config = {"VAPID_PRIVATE_KEY": vapid_pem, "VAPID_SUBJECT": SUBJECT, "PUSH_BATCH": 1}
    workers = [make_app(**config), make_app(**config)]
    devices = populate(workers[0], push_service, appreciations=5, limit=2)
    tick_together(workers)
    for device in devices.values():
        assert len(device.messages("appreciation")) == 2  # of 5, each from its own batch
    with workers[0].app_context():
        statuses = sorted(db.session.scalars(select(PushJob.status).where(PushJob.type == "appreciation")))
    assert statuses == ["sent"] * (2 * len(devices)) + ["skipped"] * (3 * len(devices))
