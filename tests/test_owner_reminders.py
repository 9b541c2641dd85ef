"""Reminders reach whose step it is and open its own screen (issue 13, items 9 and 10): a commitment's
reminder goes to its owners (me / partner / both, seen from its author); a time-out's return time asks
the one who asked "Ready? Or 15 more minutes?" and opens /timeout; a session's follow-up message
reaches the partner as a push; every ritual, commitment and time-out push opens its own screen.
Worker tests at fixed instants, through the loopback push service."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from backend import limits as L
from backend.models import utcnow
from backend.services import notifications
from backend.services.schedule import wall_time
from push_service import subscribe, tick

pytestmark = pytest.mark.vapid


def iso(when):
    return when.isoformat().replace("+00:00", "Z")


def of(device, type_, entry_id):
    return [m for m in device.messages(type_) if entry_id in m["tag"] or entry_id in m["url"]]


@pytest.fixture
def both(pair, push_service):
    """Alice and Bob, each with one subscribed phone: (alice, bob, alice's phone, bob's phone)."""
    alice, bob = pair()
    for person in (alice, bob):  # room for every reminder here, whatever else the test's instant brings
        assert person.client.patch("/api/me", json={"daily_push_budget": 6}).status_code == 200
    return alice, bob, subscribe(alice, push_service), subscribe(bob, push_service)


# Commitments: the owner, seen from the author


@pytest.mark.parametrize("owner, to_alice, to_bob", [(None, 1, 0), ("me", 1, 0), ("partner", 0, 1), ("both", 1, 1)])
def test_a_commitment_reminder_goes_to_its_owners(app, both, owner, to_alice, to_bob):
    alice, bob, a, b = both
    due = (utcnow().date() + timedelta(days=2)).isoformat()
    body = {"text": "Book the table", "due_date": due} | ({"owner": owner} if owner else {})
    response, entry_id = alice.put("commitment", body, visibility="shared")
    assert response.json["results"][0]["entry"]["body"]["owner"] == (owner or "me")
    tick(app, wall_time(date.fromisoformat(due), "09:00", ZoneInfo("Europe/Berlin")))
    assert (len(of(a, "commitment_reminder", entry_id)), len(of(b, "commitment_reminder", entry_id))) == (
        to_alice,
        to_bob,
    )
    for message in of(a, "commitment_reminder", entry_id) + of(b, "commitment_reminder", entry_id):
        assert message["url"] == f"/commitments?id={entry_id}"


def test_a_private_commitment_never_reminds_the_partner(app, both):
    alice, bob, a, b = both
    due = (utcnow().date() + timedelta(days=1)).isoformat()
    _, entry_id = alice.put("commitment", {"text": "Call mum", "due_date": due, "owner": "both"}, visibility="private")
    tick(app, wall_time(date.fromisoformat(due), "09:00", ZoneInfo("Europe/Berlin")))
    assert len(of(a, "commitment_reminder", entry_id)) == 1
    assert of(b, "commitment_reminder", entry_id) == []


@pytest.mark.parametrize("owner", ["mine", "", "Partner", None, 3])
def test_a_commitment_owner_is_me_partner_or_both(both, owner):
    alice, *_ = both
    due = (utcnow().date() + timedelta(days=1)).isoformat()
    response, _ = alice.put("commitment", {"text": "Walk", "due_date": due, "owner": owner}, visibility="shared")
    [answer] = response.json["results"]
    assert answer["status"] == "rejected"
    assert answer["error"]["codes"]["body"]["owner"] in (["not_a_choice"], ["null"], ["wrong_type"])


# Time-outs: the return time


def test_at_the_return_time_the_one_who_asked_is_asked_ready(app, both):
    alice, bob, a, b = both
    return_at = utcnow().replace(microsecond=0) + timedelta(minutes=30)
    _, entry_id = alice.put("timeout", {"return_at": iso(return_at)}, visibility="shared")
    tick(app, return_at)
    [mine] = of(a, "timeout_reminder", entry_id)
    [theirs] = of(b, "timeout_reminder", entry_id)
    assert mine["body"] == f"It's your return time. Ready? Or take {L.TIMEOUT_MORE_MINUTES} more minutes."
    assert theirs["body"] == "The time-out is over. When you're both ready, come back to it gently."
    assert mine["url"] == theirs["url"] == "/timeout"


def test_fifteen_more_minutes_bring_one_more_reminder(app, clock, both):
    alice, bob, a, b = both
    return_at = utcnow().replace(microsecond=0) + timedelta(minutes=30)
    body = {"return_at": iso(return_at)}
    _, entry_id = alice.put("timeout", body, visibility="shared")
    tick(app, return_at)
    clock.shift_to(return_at + timedelta(minutes=1))
    later = return_at + timedelta(minutes=1 + L.TIMEOUT_MORE_MINUTES)
    alice.put("timeout", {"return_at": iso(later)}, id=entry_id, visibility="shared")
    tick(app, later - timedelta(minutes=1))
    assert len(of(a, "timeout_reminder", entry_id)) == 1
    tick(app, later)
    tick(app, later + timedelta(minutes=1))
    assert len(of(a, "timeout_reminder", entry_id)) == 2
    assert len(of(b, "timeout_reminder", entry_id)) == 2


# Partner events: each opens its own screen


def test_a_timeout_and_its_end_open_the_timeout_screen(app, clock, both):
    alice, bob, a, b = both
    body = {"return_at": iso(utcnow() + timedelta(minutes=30))}
    _, entry_id = alice.put("timeout", body, visibility="shared")
    tick(app)
    [started] = b.messages("timeout")
    assert started["url"] == "/timeout"
    clock.shift_to(utcnow() + timedelta(minutes=5))
    alice.put("timeout", {**body, "ended_at": iso(utcnow())}, id=entry_id, visibility="shared")
    tick(app, utcnow() + timedelta(seconds=5))
    [ended] = b.messages("timeout_ended")
    assert ended["url"] == "/timeout"


def test_the_partners_note_reaches_the_one_who_asked(app, both):
    alice, bob, a, b = both
    _, entry_id = alice.put("timeout", {"return_at": iso(utcnow() + timedelta(minutes=30))}, visibility="shared")
    bob.pull_all()
    bob.put("timeout_note", {"text": "Take your time. I'm here."}, ref_id=entry_id, visibility="shared")
    tick(app)
    [note] = a.messages("timeout_note")
    assert (note["body"], note["url"]) == ("Bob sent you a kind note", "/timeout")
    assert "I'm here" not in str(note)  # no preview unless asked for


def session_body(**extra):
    started = utcnow() - timedelta(minutes=20)
    return {"started_at": iso(started), "ended_at": None, "answers": [], "passed": [], "note": ""} | extra


def test_a_follow_up_reaches_the_partner_once(app, clock, both):
    alice, bob, a, b = both
    _, ritual_id = alice.put(
        "ritual",
        {"type": "custom", "title": "Talk", "schedule": {"freq": "anytime"}, "duration_min": 20, "prompts": []},
        visibility="shared",
    )
    _, session_id = alice.put("ritual_session", session_body(), ref_id=ritual_id, visibility="shared")
    tick(app)
    [started] = b.messages("ritual_session")
    assert started["url"] == f"/session/{session_id}"
    follow = {"prompt": "Follow-up message", "prompt_id": "follow_up", "text": "Loved the walk. Friday?"}
    ended = session_body(ended_at=iso(utcnow()), answers=[follow])
    clock.shift_to(utcnow() + timedelta(minutes=1))
    alice.put("ritual_session", ended, id=session_id, ref_id=ritual_id, visibility="shared")
    edited = session_body(ended_at=iso(utcnow()), answers=[{**follow, "text": "Loved the walk."}])
    alice.put("ritual_session", edited, id=session_id, ref_id=ritual_id, visibility="shared")  # no second push
    tick(app, utcnow() + timedelta(seconds=5))
    [message] = b.messages("follow_up")
    assert (message["body"], message["url"]) == ("Alice wrote a follow-up after your talk", "/")
    assert a.messages("follow_up") == []


def test_a_follow_up_preview_shows_its_words_when_asked(app, both):
    alice, bob, a, b = both
    assert bob.client.patch("/api/me", json={"show_previews": True}).status_code == 200
    _, ritual_id = alice.put(
        "ritual",
        {"type": "custom", "title": "Talk", "schedule": {"freq": "anytime"}, "duration_min": 20, "prompts": []},
        visibility="shared",
    )
    follow = {"prompt": "Follow-up message", "prompt_id": "follow_up", "text": "Loved the walk. Friday?"}
    alice.put(
        "ritual_session", session_body(ended_at=iso(utcnow()), answers=[follow]), ref_id=ritual_id, visibility="shared"
    )
    tick(app)
    [message] = b.messages("follow_up")
    assert message["body"] == "Loved the walk. Friday?"


def test_a_private_session_tells_the_partner_nothing(app, both):
    alice, bob, a, b = both
    _, ritual_id = alice.put(
        "ritual",
        {"type": "custom", "title": "Talk", "schedule": {"freq": "anytime"}, "duration_min": 20, "prompts": []},
        visibility="shared",
    )
    follow = {"prompt": "Follow-up message", "prompt_id": "follow_up", "text": "Just for me."}
    alice.put(
        "ritual_session", session_body(ended_at=iso(utcnow()), answers=[follow]), ref_id=ritual_id, visibility="private"
    )
    tick(app)
    assert b.messages("follow_up") == []


def test_a_ritual_reminder_opens_the_rituals(app, both):
    alice, bob, a, b = both
    schedule = {"freq": "daily", "time": "19:00"}
    _, entry_id = alice.put(
        "ritual",
        {"type": "custom", "title": "Tea", "schedule": schedule, "duration_min": 10, "prompts": []},
        visibility="shared",
    )
    day = utcnow().date() + timedelta(days=1)
    tick(app, wall_time(day, "19:00", ZoneInfo("Europe/Berlin")))
    # The evening's reminders (this one, the default nightly gratitude and the nudge) come as one push,
    # which opens the screen of the ritual due first.
    [message] = b.messages("reminders")
    assert message["body"].startswith("Tonight: ritual · ") and "nightly gratitude" in message["body"]
    assert message["url"] == "/rituals"


def test_every_push_type_opens_a_screen_of_its_own():
    # The partner events' screens, all in one table: nothing about a time-out, a ritual or a session
    # opens Today; a follow-up does, where its card is.
    assert notifications.opens("timeout", "x") == "/timeout"
    assert notifications.opens("timeout_ended", "x") == "/timeout"
    assert notifications.opens("timeout_note", "x") == "/timeout"
    assert notifications.opens("ritual_session", "x") == "/session/x"
    assert notifications.opens("follow_up", "x") == "/"


# Who ticks a commitment done


@pytest.mark.parametrize("owner, ticks", [("me", False), ("partner", True), ("both", True)])
def test_the_partner_ticks_a_step_that_is_theirs_and_changes_nothing_else(app, pair, owner, ticks):
    alice, bob = pair()
    due = (utcnow().date() + timedelta(days=2)).isoformat()
    body = {"text": "Book the table", "due_date": due, "owner": owner, "done_at": None}
    _, entry_id = alice.put("commitment", body, visibility="shared")
    bob.pull_all()
    reworded = bob.put("commitment", {**body, "text": "Book a bigger table"}, id=entry_id, visibility="shared")[0]
    assert reworded.json["results"][0]["error"]["reason"] == "not_author"
    done = {**body, "done_at": iso(utcnow())}
    [answer] = bob.put("commitment", done, id=entry_id, visibility="shared")[0].json["results"]
    assert answer["status"] == ("applied" if ticks else "rejected")
    stored = [c for c in alice.pull_all() if c["id"] == entry_id][-1]
    assert stored["body"]["done_at"] == (done["done_at"] if ticks else None)
    assert stored["author_id"] == alice.id and stored["body"]["text"] == "Book the table"
