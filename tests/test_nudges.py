"""The daily nudge and the reminders: the right minute in each zone, DST days, quiet hours, once per
local date, catch-up within the date only; through `flask nudges tick --now` and the real push path."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from backend.extensions import db
from backend.models import Claim, PushJob, utcnow
from backend.services.notifications import nudge_text
from backend.services.schedule import wall_time
from push_service import subscribe, tick

pytestmark = pytest.mark.vapid  # the app has a VAPID key and subject (tests/conftest.py, app)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def iso(when):
    return when.isoformat().replace("+00:00", "Z")


@pytest.fixture
def person(pair, push_service):
    """Alice, paired with Bob, with one subscribed device; (alice, device). Bob has no device."""

    def make(tz="Europe/Berlin", nudge_time="20:00", **settings):
        # No default rituals: the nudge alone (an evening's rituals would come with it as one push).
        alice, bob = pair(rituals=False)
        response = alice.client.patch("/api/me", json={"timezone": tz, "nudge_time": nudge_time, **settings})
        assert response.status_code == 200, response.json
        return alice, subscribe(alice, push_service)

    return make


def nudges(device):
    return device.messages("nudge")


def claims(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Claim).where(Claim.kind == "nudge"))


@pytest.mark.parametrize(
    "tz, before, at",
    [
        ("Europe/Berlin", utc(2026, 5, 1, 17, 59), utc(2026, 5, 1, 18, 0)),
        ("America/New_York", utc(2026, 5, 1, 23, 59), utc(2026, 5, 2, 0, 0)),
        ("Asia/Kolkata", utc(2026, 5, 1, 14, 29), utc(2026, 5, 1, 14, 30)),
    ],
)
def test_nudge_comes_at_the_chosen_local_minute(app, person, tz, before, at):
    alice, device = person(tz)
    tick(app, before)
    assert nudges(device) == []
    tick(app, at)
    assert nudges(device) == [
        {
            "type": "nudge",
            "title": "Hearth",
            "body": nudge_text(alice.id, at.astimezone(ZoneInfo(tz)).date(), "en"),
            "url": "/?share=1",  # Today's composer
            "tag": "nudge",
            "share": "Share now",
        }
    ]


def test_nudge_push_has_a_topic_ttl_and_normal_urgency(app, person, push_service):
    alice, device = person("Europe/Berlin", "20:00")
    tick(app, utc(2026, 5, 1, 18, 0))
    [request] = device.pushes("nudge")
    assert request.headers["topic"] == "nudge"
    assert request.headers["urgency"] == "normal"
    assert int(request.headers["ttl"]) == 4 * 3600  # 12 h at most, never past the local date (midnight)


def test_via_the_cli(app, person):
    alice, device = person("Europe/Berlin", "20:00")
    result = app.test_cli_runner().invoke(args=["nudges", "tick", "--now", "2026-05-01T18:00:00Z"])
    assert result.exit_code == 0, result.output
    assert "queued=1" in result.output and "pushes=1" in result.output
    assert len(nudges(device)) == 1


def test_spring_forward_gap_sends_at_the_next_valid_minute(app, person):
    alice, device = person("America/New_York", "02:30")
    tick(app, utc(2026, 3, 8, 6, 59))  # 01:59 EST
    assert nudges(device) == []
    tick(app, utc(2026, 3, 8, 7, 0))  # 03:00 EDT: 02:30 never happened today
    assert len(nudges(device)) == 1
    tick(app, utc(2026, 3, 8, 7, 30))
    assert len(nudges(device)) == 1


def test_fall_back_sends_at_the_first_of_the_two_times_only(app, person):
    alice, device = person("America/New_York", "01:30")
    tick(app, utc(2026, 11, 1, 5, 29))
    assert nudges(device) == []
    tick(app, utc(2026, 11, 1, 5, 30))  # 01:30 EDT
    assert len(nudges(device)) == 1
    tick(app, utc(2026, 11, 1, 6, 30))  # 01:30 EST, the same wall time again
    assert len(nudges(device)) == 1


def test_no_nudge_when_already_shared_today(app, person):
    alice, device = person("Europe/Berlin", "20:00")
    alice.put(
        "disclosure",
        {"text": "I worried about work", "category": "worry", "local_date": "2026-05-01"},
        visibility="shared",
    )
    tick(app, utc(2026, 5, 1, 18, 0))
    assert nudges(device) == []
    assert claims(app) == 0


def test_a_disclosure_of_another_day_does_not_count(app, person):
    alice, device = person("Europe/Berlin", "20:00")
    alice.put("disclosure", {"text": "old", "category": "worry", "local_date": "2026-04-28"}, visibility="shared")
    tick(app, utc(2026, 5, 1, 18, 0))
    assert len(nudges(device)) == 1


def test_a_deleted_disclosure_does_not_count(app, person):
    alice, device = person("Europe/Berlin", "20:00")
    response, entry_id = alice.put(
        "disclosure", {"text": "x", "category": "worry", "local_date": "2026-05-01"}, visibility="shared"
    )
    alice.sync(("delete", {"id": entry_id}))
    tick(app, utc(2026, 5, 1, 18, 0))
    assert len(nudges(device)) == 1


def test_quiet_hours_hold_the_nudge_until_they_end(app, person):
    alice, device = person("Europe/Berlin", "21:00", quiet_start="20:30", quiet_end="22:00")
    tick(app, utc(2026, 5, 1, 19, 0))  # 21:00 local, quiet
    assert nudges(device) == [] and claims(app) == 0
    tick(app, utc(2026, 5, 1, 19, 59))
    assert nudges(device) == []
    tick(app, utc(2026, 5, 1, 20, 0))  # 22:00 local: quiet is over
    assert len(nudges(device)) == 1


def test_quiet_hours_across_midnight_drop_a_nudge_at_the_end_of_the_date(app, person):
    alice, device = person("Europe/Berlin", "23:00", quiet_start="22:00", quiet_end="07:00")
    tick(app, utc(2026, 5, 1, 21, 0))  # 23:00 local, quiet
    tick(app, utc(2026, 5, 2, 5, 0))  # 07:00 the next day: yesterday's nudge is not sent now
    assert nudges(device) == []


def test_once_per_local_date_across_repeated_ticks(app, person):
    alice, device = person("Europe/Berlin", "20:00")
    for minute in range(0, 240, 7):
        tick(app, utc(2026, 5, 1, 18, 0) + timedelta(minutes=minute))
    assert len(nudges(device)) == 1
    tick(app, utc(2026, 5, 2, 18, 0))
    assert len(nudges(device)) == 2


def test_after_a_time_zone_change_the_nudge_follows_the_new_zone_once_per_date(app, person):
    alice, device = person("Europe/Berlin", "20:00")
    tick(app, utc(2026, 5, 1, 18, 0))  # 20:00 in Berlin on 1 May
    assert alice.client.patch("/api/me", json={"timezone": "America/New_York"}).status_code == 200
    tick(app, utc(2026, 5, 2, 0, 0))  # 20:00 in New York, still 1 May there
    assert len(nudges(device)) == 1
    tick(app, utc(2026, 5, 2, 18, 0))  # 20:00 in Berlin on 2 May: no longer her zone
    assert len(nudges(device)) == 1
    tick(app, utc(2026, 5, 3, 0, 0))  # 20:00 in New York on 2 May
    assert len(nudges(device)) == 2


def test_missed_ticks_catch_up_within_the_same_local_date(app, person):
    alice, device = person("Europe/Berlin", "20:00")
    tick(app, utc(2026, 5, 1, 21, 30))  # the worker was down from 20:00 to 23:30 local
    assert len(nudges(device)) == 1


def test_missed_ticks_do_not_carry_over_to_the_next_date(app, person):
    alice, device = person("Europe/Berlin", "20:00")
    tick(app, utc(2026, 5, 1, 22, 30))  # 00:30 on 2 May local: 1 May's nudge is gone
    assert nudges(device) == []
    tick(app, utc(2026, 5, 2, 18, 0))
    assert len(nudges(device)) == 1


def test_users_without_a_subscription_get_nothing_and_waste_no_claim(app, pair):
    alice, bob = pair()
    tick(app, utc(2026, 5, 1, 18, 0))
    assert claims(app) == 0


def test_users_not_in_a_couple_are_not_nudged(app, signup, push_service):
    alice = signup()
    device = subscribe(alice, push_service)
    tick(app, utc(2026, 5, 1, 18, 0))
    assert nudges(device) == []


def test_an_undelivered_nudge_is_retried_within_its_date(app, person, push_service):
    alice, device = person("Europe/Berlin", "20:00")
    push_service.answer(device, 502, times=1)
    tick(app, utc(2026, 5, 1, 18, 0))
    assert len(device.pushes("nudge")) == 1
    tick(app, utc(2026, 5, 1, 19, 0))
    assert len(device.pushes("nudge")) == 2  # the 502, then the retry that got through
    with app.app_context():
        assert db.session.scalar(select(PushJob.status).where(PushJob.type == "nudge")) == "sent"


def test_an_undelivered_nudge_is_not_retried_after_its_date(app, person, push_service):
    alice, device = person("Europe/Berlin", "23:58")
    push_service.answer(device, 500)
    tick(app, utc(2026, 5, 1, 21, 58))
    tick(app, utc(2026, 5, 2, 6, 0))
    assert len(device.pushes("nudge")) == 1
    with app.app_context():
        job = db.session.scalar(select(PushJob).where(PushJob.type == "nudge"))
        assert job.status in {"failed", "skipped"}


# Reminders


def ritual(schedule, **body):
    return {"type": "weekly_checkin", "title": "Sunday talk", "schedule": schedule, "duration_min": 20, **body}


def alone(pair):
    """A couple without the default rituals, nudged in the morning: an evening ritual's reminder goes alone
    (reminders due in one part of the day are otherwise one push)."""
    alice, bob = pair(rituals=False)
    for person in (alice, bob):
        person.client.patch("/api/me", json={"nudge_time": "07:00"})
    return alice, bob


def reminders(device, type_, entry_id=None):
    """This device's reminders of a type; of one entry only when given (pairing may seed rituals)."""
    return [m for m in device.messages(type_) if entry_id is None or m["tag"].endswith(entry_id)]


@pytest.mark.now("2026-04-29T10:00:00Z")  # the ritual exists before the slots these ticks reach
def test_ritual_reminder_at_its_local_time_to_both_partners(app, pair, push_service):
    alice, bob = alone(pair)
    a, b = subscribe(alice, push_service), subscribe(bob, push_service)
    bob.client.patch("/api/me", json={"timezone": "Asia/Kolkata"})
    response, entry_id = alice.put(
        "ritual", ritual({"freq": "weekly", "weekday": 6, "time": "19:00"}), visibility="shared"
    )
    assert response.json["results"][0]["status"] == "applied", response.json
    tick(app, utc(2026, 5, 3, 13, 30))  # 19:00 in Kolkata, 15:30 in Berlin
    assert len(reminders(b, "ritual_reminder", entry_id)) == 1
    assert reminders(a, "ritual_reminder", entry_id) == []
    tick(app, utc(2026, 5, 3, 16, 59))
    assert reminders(a, "ritual_reminder", entry_id) == []
    tick(app, utc(2026, 5, 3, 17, 0))  # 19:00 in Berlin
    [message] = reminders(a, "ritual_reminder", entry_id)
    assert message["body"] == "It's time for your weekly check-in." and message["tag"] == f"ritual-{entry_id}"
    assert len(reminders(b, "ritual_reminder", entry_id)) == 1
    tick(app, utc(2026, 5, 4, 17, 0))  # Monday: not a ritual day
    assert len(reminders(a, "ritual_reminder", entry_id)) == 1


@pytest.mark.now("2026-04-29T10:00:00Z")  # the ritual exists before the slots these ticks reach
def test_ritual_reminder_not_on_other_days_nor_when_disabled(app, pair, push_service):
    alice, bob = alone(pair)
    a = subscribe(alice, push_service)
    _, disabled = alice.put(
        "ritual", ritual({"freq": "weekly", "weekday": 6, "time": "19:00"}, enabled=False), visibility="shared"
    )
    _, monthly = alice.put("ritual", ritual({"freq": "monthly", "monthday": 15, "time": "19:00"}), visibility="shared")
    tick(app, utc(2026, 5, 3, 17, 0))
    assert reminders(a, "ritual_reminder", disabled) == reminders(a, "ritual_reminder", monthly) == []
    tick(app, utc(2026, 5, 15, 17, 0))
    assert len(reminders(a, "ritual_reminder", monthly)) == 1


def test_commitment_reminder_on_the_morning_it_is_due_unless_done(app, pair, push_service):
    alice, bob = pair()
    a = subscribe(alice, push_service)
    today = utcnow().date()
    due = (today + timedelta(days=2)).isoformat()
    alice.put("commitment", {"text": "Book the table", "due_date": due}, visibility="shared")
    alice.put(
        "commitment", {"text": "Done already", "due_date": due, "done_at": iso(utc(2026, 5, 1))}, visibility="shared"
    )
    nine = wall_time(date.fromisoformat(due), "09:00", ZoneInfo("Europe/Berlin"))
    tick(app, nine - timedelta(minutes=1))
    assert reminders(a, "commitment_reminder") == []
    tick(app, nine)
    [message] = reminders(a, "commitment_reminder")
    assert message["body"] == "A step you agreed to is due today."


def test_timeout_reminder_to_both_at_return_time(app, pair, push_service):
    alice, bob = pair()
    a, b = subscribe(alice, push_service), subscribe(bob, push_service)
    return_at = utcnow().replace(microsecond=0) + timedelta(minutes=30)
    alice.put("timeout", {"return_at": iso(return_at)}, visibility="shared")
    tick(app, return_at - timedelta(minutes=1))
    assert reminders(a, "timeout_reminder") == []
    tick(app, return_at)
    tick(app, return_at + timedelta(minutes=1))
    assert len(reminders(a, "timeout_reminder")) == 1
    assert len(reminders(b, "timeout_reminder")) == 1
    assert [r.headers["urgency"] for r in a.pushes("timeout_reminder")] == ["high"]


def test_no_timeout_reminder_once_it_ended(app, pair, push_service):
    alice, bob = pair()
    a = subscribe(alice, push_service)
    return_at = utcnow().replace(microsecond=0) + timedelta(minutes=30)
    response, entry_id = alice.put("timeout", {"return_at": iso(return_at)}, visibility="shared")
    alice.put(
        "timeout",
        {"return_at": iso(return_at), "ended_at": iso(return_at - timedelta(minutes=5))},
        id=entry_id,
        visibility="shared",
    )
    tick(app, return_at)
    assert reminders(a, "timeout_reminder") == []


@pytest.mark.parametrize("thanker", ["partner", "author"])
def test_a_thanks_reaction_does_not_end_a_timeout(app, pair, push_service, thanker):
    # Only the one who asked ends a time-out (ended_at); a reaction to it, the partner's or their own, does not.
    alice, bob = pair()
    a = subscribe(alice, push_service)
    return_at = utcnow().replace(microsecond=0) + timedelta(minutes=30)
    _, entry_id = alice.put("timeout", {"return_at": iso(return_at)}, visibility="shared")
    bob.pull_all()
    (bob if thanker == "partner" else alice).put("reaction", {"value": "thanks"}, ref_id=entry_id, visibility="shared")
    tick(app, return_at)
    assert len(reminders(a, "timeout_reminder")) == 1


# In the recipient's language


def test_a_russian_speaker_is_nudged_in_russian(app, person):
    alice, device = person("Europe/Berlin", "20:00", language="ru")
    tick(app, utc(2026, 5, 1, 18, 0))
    assert nudges(device) == [
        {
            "type": "nudge",
            "title": "Hearth",
            "url": "/?share=1",
            "tag": "nudge",
            "body": nudge_text(alice.id, date(2026, 5, 1), "ru"),
            "share": "Поделиться",
        }
    ]


@pytest.mark.now("2026-04-29T10:00:00Z")  # the ritual exists before the slots these ticks reach
def test_each_partner_hears_of_a_ritual_in_their_own_language(app, pair, push_service):
    alice, bob = alone(pair)
    a, b = subscribe(alice, push_service), subscribe(bob, push_service)
    bob.client.patch("/api/me", json={"language": "ru"})
    _, entry_id = alice.put("ritual", ritual({"freq": "weekly", "weekday": 6, "time": "19:00"}), visibility="shared")
    tick(app, utc(2026, 5, 3, 17, 0))
    assert [m["body"] for m in reminders(a, "ritual_reminder", entry_id)] == ["It's time for your weekly check-in."]
    assert [m["body"] for m in reminders(b, "ritual_reminder", entry_id)] == ["Пора: разговор недели."]


def test_commitment_reminder_in_russian(app, pair, push_service):
    alice, bob = pair()
    a = subscribe(alice, push_service)
    alice.client.patch("/api/me", json={"language": "ru"})
    due = (utcnow().date() + timedelta(days=2)).isoformat()
    alice.put("commitment", {"text": "Book the table", "due_date": due}, visibility="shared")
    tick(app, wall_time(date.fromisoformat(due), "09:00", ZoneInfo("Europe/Berlin")))
    assert [m["body"] for m in reminders(a, "commitment_reminder")] == ["Сегодня срок шага, о котором вы договорились."]


def test_time_out_reminder_in_russian(app, pair, push_service):
    alice, bob = pair()
    a = subscribe(alice, push_service)
    alice.client.patch("/api/me", json={"language": "ru"})
    return_at = utcnow().replace(microsecond=0) + timedelta(minutes=30)
    alice.put("timeout", {"return_at": iso(return_at)}, visibility="shared")
    tick(app, return_at)
    assert [m["body"] for m in reminders(a, "timeout_reminder")] == [
        "Время возвращаться. Продолжим? Или возьми ещё 15 минут."  # to the one who asked for it
    ]
