"""Partner events reach the partner's devices through a real push service on 127.0.0.1: encrypted,
VAPID-signed, with TTL, Urgency and Topic; collapsed into one per burst; within the daily ceiling;
and the push service's answers (410, 429, 500) handled as Web Push requires (every status: test_push_replies.py)."""

from collections import defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.extensions import db
from backend.models import PushJob, PushSubscription, utcnow
from backend.services import job_queue, jobs as runner, notifications, push
from backend.services.delivery import Sender
from push_service import SUBJECT, check_vapid, subscribe, tick

pytestmark = pytest.mark.vapid  # the app has a VAPID key and subject (tests/conftest.py, app)

PARTNER = (*notifications.PARTNER_EVENTS, "summary")  # not the reminders of rituals seeded at pairing
WORDS = "You made the whole evening feel easy, thank you"


def appreciate(person, text=WORDS):
    response, entry_id = person.put("appreciation", {"text": text}, visibility="shared")
    assert response.json["results"][0]["status"] == "applied", response.json
    return entry_id


def jobs(app, type=None):
    """Partner-event jobs in id order (or those of one type): the test's instant may be when a default
    ritual's reminder or the daily nudge falls due too (a Sunday at 10:00), and those are not the
    subject here."""
    with app.app_context():
        query = select(PushJob).order_by(PushJob.id)
        query = query.where(PushJob.type == type) if type else query.where(PushJob.type.in_(PARTNER))
        return db.session.scalars(query).all()


def subscriptions(app):
    with app.app_context():
        return db.session.scalars(select(PushSubscription)).all()


@pytest.fixture
def couple(pair, push_service):
    alice, bob = pair()
    return alice, bob, subscribe(bob, push_service)


def test_partner_event_arrives_encrypted_signed_and_generic(app, couple, push_service):
    alice, bob, device = couple
    appreciate(alice)
    tick(app)
    [request] = device.pushes(*PARTNER)
    assert device.decrypt(request) == {
        "type": "appreciation",
        "title": "Hearth",
        "body": "Alice sent you an appreciation",
        "url": "/appreciate",
        "tag": "partner-appreciation",
        "count": 1,
    }
    with app.app_context():
        public_key = push.load_vapid()[1]
    check_vapid(request, public_key, push_service.origin, SUBJECT)
    assert 24 * 3600 - 60 <= int(request.headers["ttl"]) <= 24 * 3600  # 24 h, less the time it waited
    assert request.headers["urgency"] == "normal"
    assert request.headers["topic"] == "partner-appreciation"
    assert len(request.body) < 1024 + 100
    [job] = jobs(app)
    assert (job.status, job.attempts, job.sent_at is not None) == ("sent", 1, True)


def test_the_partners_words_are_not_in_the_payload_by_default(app, couple, push_service):
    alice, bob, device = couple
    appreciate(alice)
    tick(app)
    [message] = device.messages(*PARTNER)
    assert "evening" not in str(message)


def test_previews_show_the_words_when_the_recipient_allows(app, couple, push_service):
    alice, bob, device = couple
    assert bob.client.patch("/api/me", json={"show_previews": True}).status_code == 200
    appreciate(alice, "word " * 50)
    tick(app)
    [message] = device.messages(*PARTNER)
    assert message["title"] == "Alice sent you an appreciation"
    assert message["body"].startswith("word word")
    assert len(message["body"]) <= 120


def test_answers_are_never_previewed(app, couple, push_service):
    alice, bob, device = couple
    bob.client.patch("/api/me", json={"show_previews": True})
    alice.put(
        "answer", {"question_id": "q1", "text": "my secret answer", "local_date": "2026-05-01"}, visibility="shared"
    )
    tick(app)
    [message] = device.messages(*PARTNER)
    assert message["type"] == "answer" and "secret" not in str(message)


def test_nothing_is_sent_twice(app, couple, push_service):
    alice, bob, device = couple
    appreciate(alice)
    tick(app)
    tick(app)
    tick(app, utcnow() + timedelta(minutes=5))
    assert len(device.pushes(*PARTNER)) == 1


def test_a_burst_of_events_is_one_summary(app, couple, push_service):
    alice, bob, device = couple
    for n in range(3):
        appreciate(alice, f"thing {n}")
    tick(app)
    [message] = device.messages(*PARTNER)
    assert message["body"] == "Alice sent you 3 appreciations"
    assert message["tag"] == "partner-appreciation"
    assert {j.status for j in jobs(app)} == {"sent"}
    assert len({j.batch_id for j in jobs(app)}) == 1


def test_mixed_events_summarise_as_things(app, couple, push_service):
    alice, bob, device = couple
    appreciate(alice)
    alice.put("bid", {"type": "question", "bidder": "me", "note": ""}, visibility="shared")
    tick(app)
    [message] = device.messages(*PARTNER)
    assert message["body"] == "Alice sent you 2 things"


def test_the_daily_ceiling_skips_jobs_past_it(app, couple, push_service):
    alice, bob, device = couple
    # The old name still sets the one budget; a nudge due at the test's instant would take a place too.
    bob.client.patch("/api/me", json={"daily_partner_push_limit": 2, "nudge_time": "23:59"})
    for n in range(3):
        appreciate(alice, f"thing {n}")
        tick(app)
    assert len(device.pushes(*PARTNER)) == 2
    assert [j.status for j in jobs(app)] == ["sent", "sent", "skipped"]
    assert "limit" in jobs(app)[2].last_error


def send(app, batch):
    """Finishes a batch that jobs._prepare planned: sends it through the real Sender and records it."""
    with app.app_context():
        vapid, _ = push.load_vapid()
        with Sender(vapid, app.config["VAPID_SUBJECT"], timeout=5, threads=2) as sender:
            futures = sender.submit_all([message for _, message in batch[3]])
            runner._finish((*batch, futures), utcnow(), defaultdict(int))


def partner_statuses(app):
    return [j.status for j in jobs(app) if j.type in PARTNER]


def test_the_ceiling_counts_a_notification_still_being_sent(app, couple, push_service):
    """A second worker, or the same worker's next batch, plans while a notification is on the wire:
    it counts that one too, or each would send one past the ceiling."""
    alice, bob, device = couple
    bob.client.patch("/api/me", json={"daily_partner_push_limit": 1})
    appreciate(alice, "first")
    with app.app_context():
        in_flight = runner._prepare(utcnow(), 100)  # worker A: claimed and planned, not sent yet
    appreciate(alice, "second")
    tick(app)  # worker B
    assert device.pushes(*PARTNER) == []
    send(app, in_flight)
    assert len(device.pushes(*PARTNER)) == 1
    assert sorted(partner_statuses(app)) == ["sent", "skipped"]


def test_a_claim_takes_at_most_its_batch(app, couple, push_service):
    alice, bob, device = couple
    for n in range(4):
        appreciate(alice, f"thing {n}")
    with app.app_context():
        now = utcnow()
        assert [len(job_queue.claim(now, 1)), len(job_queue.claim(now, 2)), len(job_queue.claim(now, 5))] == [1, 2, 1]


def test_a_notification_not_delivered_gives_its_place_back(app, couple, push_service):
    alice, bob, device = couple
    bob.client.patch("/api/me", json={"daily_partner_push_limit": 1})
    push_service.answer(device, 403, times=1, types=PARTNER)  # refused: the job fails, nothing was delivered
    appreciate(alice, "first")
    tick(app)
    assert partner_statuses(app) == ["failed"]
    appreciate(alice, "second")
    tick(app)
    assert partner_statuses(app) == ["failed", "sent"]
    appreciate(alice, "third")
    tick(app)
    assert partner_statuses(app) == ["failed", "sent", "skipped"]


def test_timeout_is_urgent(app, couple, push_service):
    alice, bob, device = couple
    return_at = (utcnow() + timedelta(minutes=30)).isoformat().replace("+00:00", "Z")
    alice.put("timeout", {"return_at": return_at}, visibility="shared")
    tick(app)
    [request] = device.pushes(*PARTNER)
    assert request.headers["urgency"] == "high"
    assert device.decrypt(request)["body"].startswith("Alice asked for a time-out. You'll come back to it at ")


def test_410_removes_the_subscription(app, couple, push_service):
    alice, bob, device = couple
    push_service.answer(device, 410)
    appreciate(alice)
    tick(app)
    assert subscriptions(app) == []
    [job] = jobs(app)
    assert job.status == "failed"


def test_404_removes_the_subscription_and_the_other_device_still_gets_it(app, couple, push_service):
    alice, bob, device = couple
    phone = subscribe(bob, push_service)
    push_service.answer(device, 404)
    appreciate(alice)
    tick(app)
    assert [s.endpoint for s in subscriptions(app)] == [phone.endpoint]
    assert len(phone.messages(*PARTNER)) == 1
    assert jobs(app)[0].status == "sent"


def test_429_waits_for_retry_after(app, couple, push_service):
    alice, bob, device = couple
    push_service.answer(device, 429, {"Retry-After": "120"}, times=1, types=PARTNER)
    appreciate(alice)
    now = utcnow()
    tick(app, now)
    [job] = jobs(app)
    assert job.status == "pending"
    assert timedelta(seconds=119) <= job.not_before - now <= timedelta(seconds=121)
    tick(app, now + timedelta(seconds=60))
    assert len(device.pushes(*PARTNER)) == 1  # not retried before Retry-After
    tick(app, now + timedelta(seconds=125))
    assert len(device.pushes(*PARTNER)) == 2
    assert jobs(app)[0].status == "sent"


def test_500_is_retried_with_backoff_then_fails(app, couple, push_service):
    alice, bob, device = couple
    push_service.answer(device, 500)
    appreciate(alice)
    now = utcnow()
    tick(app, now)
    [first] = jobs(app, "appreciation")
    assert first.status == "pending" and first.attempts == 1
    assert first.not_before - now >= timedelta(seconds=app.config["PUSH_RETRY_BASE"] / 2)
    tick(app, now + timedelta(seconds=1))
    assert len(device.pushes(*PARTNER)) == 1  # not at once
    for hour in range(1, 10):  # these hours may also bring the daily nudge or a ritual reminder
        tick(app, now + timedelta(hours=hour))
    assert len(device.pushes(*PARTNER)) == app.config["PUSH_MAX_ATTEMPTS"] == 5
    [job] = jobs(app, "appreciation")
    assert job.status == "failed" and job.attempts == 5
    assert "500" in job.last_error
    assert len(subscriptions(app)) == 1


def test_backoff_grows(app):
    from backend.services.outcomes import backoff

    assert all(backoff(n, 30) <= backoff(n + 2, 30) for n in range(1, 5))
    assert 15 <= backoff(1, 30) <= 30 and 120 <= backoff(4, 30) <= 240


def test_a_retry_goes_only_to_the_device_that_failed(app, couple, push_service):
    alice, bob, device = couple
    phone = subscribe(bob, push_service)
    push_service.answer(phone, 503, times=1, types=PARTNER)
    appreciate(alice)
    now = utcnow()
    tick(app, now)
    tick(app, now + timedelta(hours=1))
    assert len(device.pushes(*PARTNER)) == 1
    assert len(phone.pushes(*PARTNER)) == 2
    assert jobs(app)[0].status == "sent"


def test_a_network_error_is_retried(app, couple, push_service):
    alice, bob, device = couple
    with app.app_context():
        sub = db.session.scalar(select(PushSubscription))
        sub.endpoint = "http://127.0.0.1:9/push/nobody-listens"
        db.session.commit()
    appreciate(alice)
    tick(app)
    [job] = jobs(app)
    assert job.status == "pending" and "network" in job.last_error


def test_no_push_after_the_couple_ends(app, couple, push_service):
    alice, bob, device = couple
    appreciate(alice)
    assert alice.client.post("/api/couple/leave", json={}).status_code == 204
    tick(app)
    assert device.pushes(*PARTNER) == []


def test_a_deleted_entry_is_not_announced(app, couple, push_service):
    alice, bob, device = couple
    entry_id = appreciate(alice)
    alice.sync(("delete", {"id": entry_id}))
    tick(app)
    assert device.pushes(*PARTNER) == []
    assert jobs(app)[0].status == "skipped"


def test_a_job_whose_worker_died_is_taken_again_after_the_lease(app, couple, push_service):
    alice, bob, device = couple
    appreciate(alice)
    now = utcnow()
    with app.app_context():
        assert len(job_queue.claim(now, 10)) == 1  # claimed, then the worker "dies"
    tick(app, now + timedelta(minutes=1))
    assert device.pushes(*PARTNER) == []
    tick(app, now + job_queue.LEASE + timedelta(seconds=1))
    assert len(device.pushes(*PARTNER)) == 1


def test_stale_partner_events_are_dropped(app, couple, push_service):
    alice, bob, device = couple
    appreciate(alice)
    tick(app, utcnow() + timedelta(hours=25))
    assert device.pushes(*PARTNER) == []
    assert jobs(app)[0].status == "skipped"


# --- In the recipient's language (users.language) --------------------------------------------------


def speak(person, language):
    assert person.client.patch("/api/me", json={"language": language}).status_code == 200


def test_a_russian_speaker_gets_the_partner_event_in_russian(app, couple, push_service):
    alice, bob, device = couple
    speak(bob, "ru")
    appreciate(alice)
    tick(app)
    [message] = device.messages(*PARTNER)
    assert (message["title"], message["body"]) == ("Hearth", "Alice: новая благодарность для тебя")


@pytest.mark.parametrize(
    "count, body", [(2, "Alice: 2 благодарности для тебя"), (5, "Alice: 5 благодарностей для тебя")]
)
def test_a_russian_summary_takes_the_plural_its_count_needs(app, couple, push_service, count, body):
    alice, bob, device = couple
    speak(bob, "ru")
    for n in range(count):
        appreciate(alice, f"thing {n}")
    tick(app)
    [message] = device.messages(*PARTNER)
    assert message["body"] == body


def test_the_senders_language_does_not_choose_the_recipients(app, couple, push_service):
    alice, bob, device = couple
    speak(alice, "ru")
    appreciate(alice)
    tick(app)
    [message] = device.messages(*PARTNER)
    assert message["body"] == "Alice sent you an appreciation"


def test_a_russian_preview_of_a_reaction_is_in_russian(app, couple, push_service):
    alice, bob, device = couple
    speak(bob, "ru")
    assert bob.client.patch("/api/me", json={"show_previews": True}).status_code == 200
    _, mine = bob.put("appreciation", {"text": "thank you"}, visibility="shared")
    alice.put("reaction", {"value": "thanks"}, visibility="shared", ref_id=mine)
    tick(app)
    [message] = device.messages("reaction")
    assert (message["title"], message["body"]) == ("Alice: реакция на твою запись", "Спасибо")


def test_a_russian_time_out_names_the_return_time_in_russian(app, couple, push_service):
    alice, bob, device = couple
    speak(bob, "ru")
    return_at = (utcnow() + timedelta(minutes=30)).isoformat().replace("+00:00", "Z")
    alice.put("timeout", {"return_at": return_at}, visibility="shared")
    tick(app)
    [message] = device.messages("timeout")
    assert message["body"].startswith("Alice просит тайм-аут. Вернётесь к разговору в ")
