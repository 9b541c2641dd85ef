"""A fair ending (issue 13, item 8): leaving with an optional kind note, the partner told, the undo
within 24 hours on the server's clock, and the couple that comes back as it was, read the same by both."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from backend import limits
from backend.extensions import db
from backend.models import Couple, Entry, PushJob, User
from backend.services.rituals import DEFAULT_RITUALS
from backend.times import parse_instant
from conftest import PASSWORD
from push_service import subscribe, tick

NOTE = "Thank you for everything. I need some time on my own."


def leave(person, **body):
    return person.client.post("/api/couple/leave", json=body)


def come_back(person):
    return person.client.post("/api/couple/come-back", json={})


def me(person):
    response = person.client.get("/api/me")
    assert response.status_code == 200
    return response.json


def jobs(app, user_id):
    with app.app_context():
        return [(j.type, j.status) for j in db.session.scalars(select(PushJob).where(PushJob.user_id == user_id))]


def later(clock, **delta):
    clock.shift_to(clock.now() + timedelta(**delta))


def fresh_pull(person):
    """Everything a new device of this person pulls, from 0."""
    person.client_id, person.cursor, person.mid = str(uuid.uuid4()), 0, 0
    return person.pull_all()


def texts_of(changes, kind):
    return sorted(c["body"]["text"] for c in changes if c["kind"] == kind and not c.get("deleted"))


def test_leaving_with_a_note_tells_the_partner_kindly(app, pair, clock):
    alice, bob = pair(rituals=False)
    couple_id = alice.couple_id()
    assert leave(alice, note=f"  {NOTE}  ").status_code == 204
    told = me(bob)["parting"]
    assert told["by_me"] is False and told["name"] == "Alice" and told["note"] == NOTE
    assert told["couple_id"] == couple_id and told["undo_until"] is None
    mine = me(alice)["parting"]
    assert mine["by_me"] is True and mine["name"] == "Bob"
    assert parse_instant(mine["undo_until"]) == parse_instant(mine["at"]) + timedelta(hours=24)
    assert jobs(app, bob.id) == [("couple_left", "pending")]
    assert jobs(app, alice.id) == []


@pytest.mark.parametrize("note", [None, "", "   "])
def test_leaving_without_a_note_stores_none(pair, note):
    alice, bob = pair(rituals=False)
    assert leave(alice, **({} if note is None else {"note": note})).status_code == 204
    assert me(bob)["parting"]["note"] is None


def test_a_note_over_the_limit_is_a_422_and_nothing_ends(pair):
    alice, bob = pair(rituals=False)
    response = leave(alice, note="x" * (limits.PARTING_NOTE_MAX + 1))
    assert response.status_code == 422 and response.json["codes"] == {"note": ["too_long"]}
    assert me(alice)["couple"] is not None and me(bob)["parting"] is None


@pytest.mark.now("2026-12-02T22:00:00Z")  # 23:00 in Berlin
def test_the_news_waits_for_the_end_of_the_quiet_hours(app, pair):
    alice, bob = pair(rituals=False)
    assert bob.client.patch("/api/me", json={"quiet_start": "22:00", "quiet_end": "07:00"}).status_code == 200
    leave(alice)
    with app.app_context():
        [job] = db.session.scalars(select(PushJob).where(PushJob.user_id == bob.id)).all()
        assert job.not_before == parse_instant("2026-12-03T06:00:00Z")  # 07:00 in Berlin


@pytest.mark.vapid
def test_the_push_to_the_one_left_names_the_leaver_never_the_note(app, pair, push_service, clock):
    alice, bob = pair(rituals=False)
    phone = subscribe(bob, push_service)
    leave(alice, note=NOTE)
    tick(app, clock.now())
    [message] = phone.messages()
    assert message["type"] == "couple_left" and "Alice" in message["body"] and NOTE not in str(message)
    assert message["url"] == "/"


def test_the_one_who_left_comes_back_within_24_hours_to_the_couple_as_it_was(app, pair, clock):
    alice, bob = pair()  # with the default rituals
    couple_id = alice.couple_id()
    alice.put("agreement", {"text": "We pause before we raise our voices", "category": "conflict_rule"})
    bob.put("agreement", {"text": "Phones away at dinner", "category": "boundary"})
    alice.put("appreciation", {"text": "Thank you for the soup"})
    alice.put("journal", {"text": "only mine"}, visibility="private")
    before = {p.name: fresh_pull(p) for p in (alice, bob)}
    leave(alice, note=NOTE)
    later(clock, hours=23, minutes=59)
    response = come_back(alice)
    assert response.status_code == 200 and response.json["couple"]["id"] == couple_id
    assert me(bob)["couple"]["id"] == couple_id and me(bob)["parting"] is None
    assert me(bob)["couple"]["came_back"]["by"] == alice.id
    after = {p.name: fresh_pull(p) for p in (alice, bob)}
    for name in before:
        assert sorted(c["id"] for c in after[name]) == sorted(c["id"] for c in before[name])
    assert texts_of(after["Alice"], "agreement") == texts_of(after["Bob"], "agreement")
    assert len([c for c in after["Bob"] if c["kind"] == "ritual"]) == len(DEFAULT_RITUALS)  # not made twice
    assert texts_of(after["Bob"], "journal") == []  # still only Alice's
    # The couple goes on: a new write reaches the partner.
    alice.put("appreciation", {"text": "Glad to be back"})
    assert texts_of(bob.pull_all(), "appreciation") == ["Glad to be back"]


def test_the_return_is_news_for_a_week(pair, clock):
    alice, bob = pair(rituals=False)
    leave(alice)
    come_back(alice)
    later(clock, days=6)
    assert me(bob)["couple"]["came_back"]["by"] == alice.id
    later(clock, days=1, seconds=1)
    assert me(bob)["couple"]["came_back"] is None


def test_after_24_hours_the_undo_is_gone(pair, clock):
    alice, bob = pair(rituals=False)
    leave(alice)
    later(clock, hours=24, seconds=1)
    assert me(alice)["parting"]["undo_until"] is None
    response = come_back(alice)
    assert response.status_code == 404 and response.json["reason"] == "nothing_to_undo"
    assert me(alice)["couple"] is None and me(bob)["couple"] is None


def test_only_the_one_who_left_can_undo(pair, signup):
    alice, bob = pair(rituals=False)
    stranger = signup("Carol")
    leave(alice)
    for person in (bob, stranger):
        response = come_back(person)
        assert response.status_code == 404 and response.json["reason"] == "nothing_to_undo"
    assert me(stranger)["parting"] is None and me(bob)["couple"] is None


def test_no_undo_once_the_partner_is_in_another_couple(app, pair, signup):
    alice, bob = pair(rituals=False)
    couple_id = alice.couple_id()
    leave(alice)
    assert bob.client.post("/api/couple", json={}).status_code == 201
    assert me(alice)["parting"]["undo_until"] is None  # not offered
    response = come_back(alice)
    assert response.status_code == 409 and response.json["reason"] == "partner_moved_on"
    assert me(alice)["couple"] is None  # nobody half returned
    with app.app_context():
        assert db.session.get(Couple, couple_id).ended_at is not None
        assert db.session.get(User, alice.id).couple_id is None


def test_a_phone_that_kept_its_cursor_resyncs_after_the_undo(pair, clock):
    """While apart, Alice's edit of a shared entry moves only her own stream. Bob's phone, which never
    noticed the leaving, would keep its cursor and miss it after the undo: the phones would differ.
    The undo makes every earlier cursor of the couple a 410, so Bob's phone starts over and agrees."""
    alice, bob = pair(rituals=False)
    _, rule = alice.put("agreement", {"text": "We sleep on it", "category": "conflict_rule"})
    _, gone = alice.put("agreement", {"text": "No phones in bed", "category": "boundary"})
    bob.pull_all()
    leave(alice)
    [entry] = [c for c in alice.pull_all() if c["id"] == rule] or [None]
    alice.sync(
        (
            "put",
            {
                "id": rule,
                "kind": "agreement",
                "body": {"text": "We talk it over in the morning", "category": "conflict_rule"},
                "base_rev": 1,
            },
        ),
        ("delete", {"id": gone, "kind": "agreement", "base_rev": 1}),
        couple_id=None,
    )
    assert come_back(alice).status_code == 200
    pull = bob.client.post("/api/sync", json={"client_id": bob.client_id, "cursor": bob.cursor})
    assert pull.status_code == 410  # the cursor from before the undo: the phone starts over
    assert texts_of(fresh_pull(bob), "agreement") == ["We talk it over in the morning"]
    assert texts_of(fresh_pull(alice), "agreement") == ["We talk it over in the morning"]
    assert entry is None or entry["id"] == rule


def test_what_was_written_while_apart_stays_with_its_author(pair):
    alice, bob = pair(rituals=False)
    leave(alice)
    alice.sync(("put", {"id": str(uuid.uuid4()), "kind": "appreciation", "body": {"text": "alone"}}), couple_id=None)
    assert come_back(alice).status_code == 200
    assert texts_of(fresh_pull(bob), "appreciation") == []
    assert texts_of(fresh_pull(alice), "appreciation") == ["alone"]


def test_the_news_of_leaving_not_yet_sent_is_dropped_on_the_undo(app, pair):
    alice, bob = pair(rituals=False)
    leave(alice)
    come_back(alice)
    assert jobs(app, bob.id) == [("couple_left", "skipped")]  # never told either way


def test_once_the_one_left_was_told_they_hear_of_the_return(app, pair):
    alice, bob = pair(rituals=False)
    leave(alice)
    with app.app_context():
        db.session.execute(PushJob.__table__.update().values(status="sent"))
        db.session.commit()
    come_back(alice)
    assert sorted(jobs(app, bob.id)) == [("couple_back", "pending"), ("couple_left", "sent")]


def test_leaving_again_after_coming_back_starts_a_new_window(pair, clock):
    alice, bob = pair(rituals=False)
    leave(alice)
    come_back(alice)
    later(clock, hours=30)
    leave(bob, note="I need a pause too")
    assert me(alice)["parting"]["note"] == "I need a pause too" and me(alice)["parting"]["by_me"] is False
    assert come_back(alice).json["reason"] == "nothing_to_undo"
    assert come_back(bob).status_code == 200


def test_the_entries_of_the_couple_keep_their_couple(app, pair):
    alice, bob = pair(rituals=False)
    couple_id = alice.couple_id()
    _, entry_id = bob.put("agreement", {"text": "Kind words first", "category": "goal"})
    leave(alice)
    come_back(alice)
    with app.app_context():
        assert db.session.get(Entry, entry_id).couple_id == couple_id


def test_an_account_deleted_while_paired_is_told_as_a_leaving_without_undo(app, pair):
    alice, bob = pair(rituals=False)
    assert alice.client.delete("/api/me", json={"password": PASSWORD}).status_code == 204
    told = me(bob)["parting"]
    assert told["by_me"] is False and told["name"] is None and told["note"] is None
    assert jobs(app, bob.id) == [("couple_left", "pending")]
