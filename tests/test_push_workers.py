"""Two workers ticking the same minute against one PostgreSQL database (each with its own engine and
connections) send every nudge and every partner push exactly once."""
import os
import threading
import uuid
from datetime import datetime, timezone

import pytest

from backend.extensions import db
from backend.models import Couple, Entry, PushJob, PushSubscription, User
from push_service import Device, push_service, tick, vapid_pem, SUBJECT  # noqa: F401

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                       reason="needs PostgreSQL (row locks, several connections writing at once)"),
]

COUPLES = 40
NOW = datetime(2026, 5, 1, 18, 0, tzinfo=timezone.utc)  # 20:00 in Berlin


def populate(app, service):
    """COUPLES couples, everyone due for a nudge at NOW with one device, and one appreciation each."""
    devices = {}
    with app.app_context():
        for n in range(COUPLES):
            couple = Couple(id=str(uuid.uuid4()), version=2, paired_at=NOW)
            db.session.add(couple)
            people = [User(id=str(uuid.uuid4()), email=f"w{n}{side}@example.com", password_hash="-",
                           display_name=f"P{n}{side}", timezone="Europe/Berlin", nudge_time="20:00",
                           couple_id=couple.id) for side in "ab"]
            db.session.add_all(people)
            db.session.flush()
            for seq, (author, partner) in enumerate((people, people[::-1]), start=1):
                entry = Entry(id=str(uuid.uuid4()), couple_id=couple.id, author_id=author.id, kind="appreciation",
                              visibility="shared", shared_once=True, body={"text": "thanks"}, seq=seq)
                db.session.add(entry)
                db.session.add(PushJob(user_id=partner.id, type="appreciation", actor_id=author.id,
                                       entry_id=entry.id, not_before=NOW, created_at=NOW))
                device = Device(service)
                sub = device.subscription()
                db.session.add(PushSubscription(user_id=partner.id, endpoint=sub["endpoint"],
                                                p256dh=sub["keys"]["p256dh"], auth=sub["keys"]["auth"]))
                devices[partner.id] = device
        db.session.commit()
    return devices


@pytest.mark.parametrize("batch", [1000, 7])
def test_two_workers_send_each_nudge_and_job_exactly_once(make_app, vapid_pem, push_service, batch):
    config = {"VAPID_PRIVATE_KEY": vapid_pem, "VAPID_SUBJECT": SUBJECT, "PUSH_BATCH": batch}
    workers = [make_app(**config), make_app(**config)]  # two engines: two sets of connections
    devices = populate(workers[0], push_service)
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
    for device in devices.values():
        kinds = sorted(m["type"] for m in device.messages())
        assert kinds == ["appreciation", "nudge"], kinds
    assert len(push_service.received) == 2 * len(devices)
    assert sum(r.get("queued", 0) for r in results) == len(devices)
    assert sum(r.get("pushes", 0) for r in results) == 2 * len(devices)
