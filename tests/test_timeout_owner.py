"""A time-out belongs to whoever asked for it (issue 13, item 9): only they end or change it; the
partner sends at most one short kind note to it and cannot end it; "15 more minutes" keeps within
the 24-hour cap from the time-out's start. Server rules, on both databases."""

from datetime import timedelta

import pytest

from backend import limits as L
from backend.extensions import db
from backend.models import Entry, utcnow


def iso(when):
    return when.isoformat().replace("+00:00", "Z")


def result(response):
    assert response.status_code == 200, response.json
    [one] = response.json["results"]
    return one


@pytest.fixture
def timeout(pair):
    """Alice asks for a 30-minute time-out; (alice, bob, its id, its body). Bob has pulled it."""
    alice, bob = pair()
    body = {"return_at": iso(utcnow() + timedelta(minutes=30)), "ended_at": None, "note": "A walk"}
    response, entry_id = alice.put("timeout", body, visibility="shared")
    assert result(response)["status"] == "applied"
    bob.pull_all()
    return alice, bob, entry_id, body


def stored(app, entry_id):
    with app.app_context():
        return db.session.get(Entry, entry_id).body


def test_only_the_one_who_asked_ends_a_timeout(app, timeout):
    alice, bob, entry_id, body = timeout
    ended = {**body, "ended_at": iso(utcnow())}
    refused = result(bob.put("timeout", ended, id=entry_id, visibility="shared")[0])
    assert (refused["status"], refused["error"]["code"], refused["error"]["reason"]) == ("rejected", 403, "not_author")
    assert stored(app, entry_id)["ended_at"] is None
    assert result(alice.put("timeout", ended, id=entry_id, visibility="shared")[0])["status"] == "applied"
    assert stored(app, entry_id)["ended_at"] == ended["ended_at"]


def test_the_partner_cannot_delete_a_timeout(app, timeout):
    alice, bob, entry_id, _ = timeout
    response = bob.sync(("delete", {"id": entry_id}))
    assert result(response)["error"]["reason"] == "not_author"
    with app.app_context():
        assert db.session.get(Entry, entry_id).deleted is False


def test_the_partner_sends_one_kind_note(app, timeout):
    alice, bob, entry_id, _ = timeout
    first = result(bob.put("timeout_note", {"text": "Take your time."}, ref_id=entry_id, visibility="shared")[0])
    assert first["status"] == "applied"
    second = result(bob.put("timeout_note", {"text": "Still here."}, ref_id=entry_id, visibility="shared")[0])
    assert (second["status"], second["error"]["code"], second["error"]["reason"]) == ("rejected", 409, "already_sent")
    assert second["error"]["codes"] == {"ref_id": ["already_sent"]}
    # The one note may be changed (its author's to edit), and it never ends the time-out.
    changed = {"text": "Take all the time you need."}
    assert (
        result(bob.put("timeout_note", changed, id=first["entry"]["id"], ref_id=entry_id, visibility="shared")[0])[
            "status"
        ]
        == "applied"
    )
    assert stored(app, entry_id)["ended_at"] is None
    assert entry_id in {c["ref_id"] for c in alice.pull_all() if c["kind"] == "timeout_note"}


def test_two_notes_in_one_sync_make_one(timeout):
    alice, bob, entry_id, _ = timeout
    note = {"kind": "timeout_note", "ref_id": entry_id, "visibility": "shared", "body": {"text": "Here."}}
    response = bob.sync(
        ("put", {**note, "id": "0c7a0d5e-5b55-4e0e-9a43-6f1f5d1c0001"}),
        ("put", {**note, "id": "0c7a0d5e-5b55-4e0e-9a43-6f1f5d1c0002"}),
    )
    assert [r["status"] for r in response.json["results"]] == ["applied", "rejected"]


def test_a_deleted_note_can_be_written_again(timeout):
    alice, bob, entry_id, _ = timeout
    _, note_id = bob.put("timeout_note", {"text": "Here."}, ref_id=entry_id, visibility="shared")
    bob.sync(("delete", {"id": note_id}))
    again = result(bob.put("timeout_note", {"text": "Here, still."}, ref_id=entry_id, visibility="shared")[0])
    assert again["status"] == "applied"


def test_the_one_who_asked_writes_no_note_to_their_own_timeout(timeout):
    alice, bob, entry_id, _ = timeout
    refused = result(alice.put("timeout_note", {"text": "Back soon."}, ref_id=entry_id, visibility="shared")[0])
    assert refused["error"]["reason"] == "ref_own_entry"


@pytest.mark.parametrize(
    "text, code",
    [("x" * L.TIMEOUT_NOTE_MAX, None), ("x" * (L.TIMEOUT_NOTE_MAX + 1), "too_long"), ("   ", "blank")],
)
def test_a_note_is_short(timeout, text, code):
    alice, bob, entry_id, _ = timeout
    answer = result(bob.put("timeout_note", {"text": text}, ref_id=entry_id, visibility="shared")[0])
    if code is None:
        assert answer["status"] == "applied"
    else:
        assert answer["error"]["codes"]["body"]["text"] == [code]


def test_a_note_answers_a_timeout_only(pair):
    alice, bob = pair()
    _, appreciation = alice.put("appreciation", {"text": "Thanks for dinner."}, visibility="shared")
    bob.pull_all()
    refused = result(bob.put("timeout_note", {"text": "Here."}, ref_id=appreciation, visibility="shared")[0])
    assert refused["error"]["reason"] == "ref_wrong_kind"


def test_fifteen_more_minutes_within_the_cap(app, clock, timeout):
    alice, bob, entry_id, body = timeout
    start = utcnow()
    clock.shift_to(start + timedelta(minutes=31))  # the return time has come
    later = {**body, "return_at": iso(utcnow() + timedelta(minutes=L.TIMEOUT_MORE_MINUTES))}
    assert result(alice.put("timeout", later, id=entry_id, visibility="shared")[0])["status"] == "applied"
    assert stored(app, entry_id)["return_at"] == later["return_at"]
    # Past 24 hours from its start: refused, even asked for on the next day.
    clock.shift_to(start + timedelta(hours=23, minutes=50))
    too_late = {**body, "return_at": iso(start + timedelta(hours=24, minutes=5))}
    refused = result(alice.put("timeout", too_late, id=entry_id, visibility="shared")[0])
    assert refused["error"]["codes"]["body"]["return_at"] == ["timeout_range"]
    assert stored(app, entry_id)["return_at"] == later["return_at"]


def test_the_partner_cannot_extend_it_either(timeout):
    alice, bob, entry_id, body = timeout
    later = {**body, "return_at": iso(utcnow() + timedelta(minutes=45))}
    assert result(bob.put("timeout", later, id=entry_id, visibility="shared")[0])["error"]["reason"] == "not_author"
