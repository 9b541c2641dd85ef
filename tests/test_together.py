"""Together mode (issue 12, item 4): a guided session's shared place is a `session_step` entry that either
partner moves with a put whose base_rev is the rev their phone saw. Two moves from one rev apply once; the
partner may move it; nobody outside the couple sees or moves it; what is private stays private; a started
session tells the partner with a push that opens it."""

from datetime import timedelta

import pytest

from backend import limits as L
from backend.extensions import db
from backend.models import PushJob
from push_service import subscribe, tick
from samples import entry, iso, now, only_result, push_jobs, put_ok, stored, valid_body


def start(person, visibility="shared", ended=False):
    """A weekly check-in started on `person`'s phone with its shared place at step 0, in one sync as the
    phone sends them. Returns (session id, step id)."""
    ritual = put_ok(person, "ritual")
    started = now() - timedelta(minutes=1)
    session = entry(
        "ritual_session",
        {
            "started_at": iso(started),
            "ended_at": iso(now()) if ended else None,
            "answers": [],
            "passed": [],
            "note": "",
        },
        ref_id=ritual,
        visibility=visibility,
    )
    step = entry("session_step", {"step": 0, "at": iso(started), "passed": []}, ref_id=session["id"])
    step["visibility"] = visibility
    response = person.sync(("put", session), ("put", step))
    assert response.status_code == 200, response.json
    assert [r["status"] for r in response.json["results"]] == ["applied", "applied"], response.json
    return session["id"], step["id"]


def move(person, step_id, session_id, to, base_rev, passed=()):
    sent = entry(
        "session_step",
        {"step": to, "at": iso(now()), "passed": list(passed)},
        id=step_id,
        ref_id=session_id,
        base_rev=base_rev,
    )
    return only_result(person.sync(("put", sent)))


def test_two_moves_from_the_same_rev_apply_once(app, pair):
    alice, bob = pair()
    session, step = start(alice)

    first = move(bob, step, session, 1, base_rev=1)
    second = move(alice, step, session, 1, base_rev=1)  # tapped at the same moment, from the same rev

    assert first["status"] == "applied" and first["entry"]["rev"] == 2
    assert second["status"] == "conflict"
    assert second["entry"]["body"]["step"] == 1 and second["entry"]["rev"] == 2  # the phone shows this one
    row = stored(app, step)
    assert (row.body["step"], row.rev) == (1, 2)


def test_a_move_without_base_rev_is_a_conflict(app, pair):
    alice, bob = pair()
    session, step = start(alice)

    result = move(bob, step, session, 1, base_rev=None)

    assert result["status"] == "conflict"
    assert stored(app, step).body["step"] == 0


def test_queued_moves_of_one_phone_chain_their_base_rev(app, pair):
    # A session run offline on one phone: each move is based on the rev the one before it makes.
    alice, _bob = pair()
    ritual = put_ok(alice, "ritual")
    session = entry("ritual_session", {**valid_body("ritual_session"), "ended_at": None}, ref_id=ritual)
    at = iso(now())
    step = entry("session_step", {"step": 0, "at": at, "passed": []}, ref_id=session["id"])
    moves = [
        {**step, "body": {"step": n, "at": at, "passed": [0]}, "base_rev": n} for n in (1, 2, 3)
    ]  # base_rev: the rev the previous queued put will make (create: 1)

    response = alice.sync(("put", session), ("put", step), *[("put", m) for m in moves])

    assert [r["status"] for r in response.json["results"]] == ["applied"] * 5
    row = stored(app, step["id"])
    assert (row.body["step"], row.rev) == (3, 4)


def test_the_partner_moves_it_and_the_author_pulls_the_move(app, pair):
    alice, bob = pair()
    session, step = start(alice)
    alice.pull_all()
    assert [c["id"] for c in bob.pull_all() if c["kind"] in ("ritual_session", "session_step")] == [session, step]

    result = move(bob, step, session, 2, base_rev=1, passed=[1])

    assert result["status"] == "applied"
    row = stored(app, step)
    assert row.author_id == alice.id and row.visibility == "shared"  # still Alice's, still shared
    [change] = [c for c in alice.pull_all() if c["id"] == step]
    assert change["body"]["step"] == 2 and change["body"]["passed"] == [1] and change["rev"] == 2


def test_a_stranger_can_neither_see_nor_move_nor_join_it(app, pair, signup):
    alice, bob = pair()
    carol, dave = pair()
    session, step = start(alice)

    assert {c["id"] for c in carol.pull_all()}.isdisjoint({session, step})
    moved = move(carol, step, session, 3, base_rev=1)
    assert moved["status"] == "rejected" and moved["error"]["code"] == 404 and moved["entry"] is None
    joined = only_result(
        carol.sync(("put", entry("session_step", valid_body("session_step"), ref_id=session)))
    )  # a place of her own in Alice's session
    assert joined["status"] == "rejected" and joined["error"]["reason"] == "ref_missing"
    deleted = only_result(carol.sync(("delete", {"id": step, "base_rev": 1})))
    assert deleted["status"] == "rejected" and deleted["error"]["code"] == 404
    assert (stored(app, step).body["step"], stored(app, step).rev, stored(app, step).deleted) == (0, 1, False)
    lone = signup("Erin")  # in no couple at all
    assert move(lone, step, session, 3, base_rev=1)["error"]["code"] == 404


def test_private_parts_stay_private(app, pair):
    alice, bob = pair()
    # A session Alice keeps to herself: neither it nor its place reaches Bob, and he cannot join it.
    hidden, hidden_step = start(alice, visibility="private")
    assert {c["id"] for c in bob.pull_all()}.isdisjoint({hidden, hidden_step})
    assert move(bob, hidden_step, hidden, 1, base_rev=1)["error"]["code"] == 404
    own_place = only_result(bob.sync(("put", entry("session_step", valid_body("session_step"), ref_id=hidden))))
    assert own_place["error"]["reason"] == "ref_missing"
    # In a shared session, the place carries no words: answers stay in the session, written by its author.
    session, step = start(alice)
    words = move(bob, step, session, 1, base_rev=1)
    assert words["status"] == "applied"
    with_text = entry(
        "session_step", {"step": 2, "at": iso(now()), "passed": [], "text": "Bob's answer"}, id=step, base_rev=2
    )
    with_text["ref_id"] = session
    refused = only_result(bob.sync(("put", with_text)))
    assert refused["status"] == "rejected" and "text" in refused["error"]["errors"]["body"]
    answered = entry("ritual_session", {**valid_body("ritual_session"), "ended_at": None}, id=session)
    answered["ref_id"] = stored(app, session).ref_id
    not_his = only_result(bob.sync(("put", answered)))  # the session's answers are its author's to write
    assert not_his["status"] == "rejected" and not_his["error"]["code"] == 403
    # Alice's private journal line during the session stays hers.
    journal = put_ok(alice, "journal")
    assert journal not in {c["id"] for c in bob.pull_all()}


def test_moving_the_place_tells_the_partner_nothing(app, pair):
    # No read receipts: a move, a join or a look makes no push job; only the start is news.
    alice, bob = pair()
    session, step = start(alice)
    before = [job for job in push_jobs(app) if job[1] == "ritual_session"]
    assert before == [(bob.id, "ritual_session", alice.id, session, "pending")]

    assert move(bob, step, session, 1, base_rev=1)["status"] == "applied"
    assert move(alice, step, session, 2, base_rev=2)["status"] == "applied"

    with app.app_context():
        types = db.session.scalars(db.select(PushJob.type).where(PushJob.entry_id == step)).all()
    assert types == []
    assert [job for job in push_jobs(app) if job[1] == "ritual_session"] == before


def test_a_session_that_arrives_ended_is_not_news(app, pair):
    alice, bob = pair()
    start(alice, ended=True)  # run offline on one phone, synced afterwards
    start(alice, visibility="private")  # nor is a private one
    assert [job for job in push_jobs(app) if job[1] == "ritual_session"] == []


@pytest.mark.vapid
@pytest.mark.parametrize(
    "language, body",
    [
        ("en", "Alice started a ritual for the two of you. Join in?"),
        ("ru", "Alice начинает ритуал для вас двоих. Присоединишься?"),
    ],
)
def test_the_partners_push_opens_the_running_session_in_their_language(app, pair, push_service, language, body):
    alice, bob = pair()
    device = subscribe(bob, push_service)
    assert bob.client.patch("/api/me", json={"language": language}).status_code == 200
    session, _step = start(alice)

    tick(app)

    [message] = device.messages("ritual_session")
    assert message["url"] == f"/session/{session}"
    assert (message["title"], message["body"], message["tag"]) == ("Hearth", body, "partner-ritual_session")


def test_a_guided_practice_moves_through_its_steps_and_records_who_goes_first(app, pair):
    # The connection check runs presence plus each question asked and answered (SESSION_STEPS_MAX steps
    # at most); the five minutes each stores who speaks first, seen from the one who started.
    alice, bob = pair()
    session, step = start(alice)
    sent = entry(
        "session_step",
        {"step": 1, "at": iso(now()), "passed": [], "first": "partner"},
        id=step,
        ref_id=session,
        base_rev=1,
    )
    assert only_result(bob.sync(("put", sent)))["status"] == "applied"
    assert stored(app, step).body["first"] == "partner"

    for to, rev, status in ((L.SESSION_STEPS_MAX, 2, "applied"), (L.SESSION_STEPS_MAX + 1, 3, "rejected")):
        result = move(alice, step, session, to, base_rev=rev, passed=[to - 1])
        assert result["status"] == status, result
    wrong = entry("session_step", {"step": 1, "at": iso(now()), "first": "nobody"}, id=step, ref_id=session, base_rev=3)
    assert only_result(alice.sync(("put", wrong)))["status"] == "rejected"
