"""One bad message never stops the rest: a job that raises while its notification is built or sent is
marked failed with its reason and logged, gives its place under the daily ceiling back, and every other
job of the batch goes out. The bad text is written straight into the database (input rules stop it at the
API; older rows, an import or a bug may still hold it). Every tick runs at NOW."""

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from backend.extensions import db
from backend.models import Claim, Entry, PushJob
from push_service import NOW, add_job, due_at, job_row, subscribe, tick

pytestmark = pytest.mark.vapid  # the app has a VAPID key and subject (tests/conftest.py, app)

LONE_SURROGATE = "thank you \ud800 for tonight"


def appreciate(person, text="You made the evening feel easy"):
    response, entry_id = person.put("appreciation", {"text": text}, visibility="shared")
    assert response.json["results"][0]["status"] == "applied", response.json
    return entry_id


def set_entry_text(app, entry_id, text):
    with app.app_context():
        entry = db.session.get(Entry, entry_id)
        db.session.execute(update(Entry).where(Entry.id == entry_id).values(body={**entry.body, "text": text}))
        db.session.commit()


def job_for(app, entry_id):
    with app.app_context():
        return db.session.scalar(select(PushJob.id).where(PushJob.entry_id == entry_id))


def ceiling_places(app, user_id):
    with app.app_context():
        return db.session.scalars(
            select(Claim.kind).where(Claim.user_id == user_id, Claim.kind.like("ceiling-%"))
        ).all()


@pytest.fixture
def couples(pair, push_service):
    (alice, bob), (carol, dave) = pair(rituals=False), pair(rituals=False)
    assert bob.client.patch("/api/me", json={"show_previews": True}).status_code == 200
    return alice, bob, subscribe(bob, push_service), carol, dave, subscribe(dave, push_service)


def test_a_message_that_cannot_be_encoded_fails_alone(app, couples, caplog):
    logging.getLogger("backend.services.push_plan").disabled = False
    alice, bob, bobs_phone, carol, dave, daves_phone = couples
    bad = appreciate(alice)
    set_entry_text(app, bad, LONE_SURROGATE)
    good = appreciate(carol)
    due_at(app)
    nudge = add_job(app, dave.id)
    counts = tick(app, NOW)
    bad_job = job_row(app, job_for(app, bad))
    assert bad_job.status == "failed" and "UnicodeEncodeError" in bad_job.last_error
    assert "failed, the rest of the batch goes on" in caplog.text
    assert job_row(app, job_for(app, good)).status == "sent"
    assert job_row(app, nudge).status == "sent"
    assert sorted(m["type"] for m in daves_phone.messages()) == ["appreciation", "nudge"]
    assert bobs_phone.pushes() == []
    assert ceiling_places(app, bob.id) == []  # the victim's daily place is given back
    assert counts.get("failed") == 1
    tick(app, NOW + timedelta(minutes=11))  # not taken again after the lease
    assert job_row(app, job_for(app, bad)).status == "failed"
    assert bobs_phone.pushes() == []


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "nudge", "title": "Hearth", "body": "no tag"},  # KeyError while building
        "not a payload",  # TypeError
        None,
    ],
)
def test_a_malformed_stored_payload_fails_alone(app, couples, payload):
    alice, bob, bobs_phone, carol, dave, daves_phone = couples
    with app.app_context():
        job = PushJob(
            user_id=bob.id,
            type="nudge",
            data={"payload": payload} if payload else {},
            not_before=NOW,
            created_at=NOW,
            expires_at=NOW + timedelta(hours=1),
        )
        db.session.add(job)
        db.session.commit()
        bad = job.id
    good = appreciate(carol)
    due_at(app)
    other = add_job(app, dave.id)
    tick(app, NOW)
    row = job_row(app, bad)
    assert row.status == "failed" and "could not be built" in row.last_error
    assert job_row(app, job_for(app, good)).status == "sent"
    assert job_row(app, other).status == "sent"
    assert sorted(m["type"] for m in daves_phone.messages()) == ["appreciation", "nudge"]
    assert bobs_phone.pushes() == []
