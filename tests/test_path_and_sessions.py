"""The six-week path together (shared ticks, no future weeks), sessions left open closing themselves
(the worker, at a fixed --now; not a meaningful chat), and the agreement edits the phone chains."""

from datetime import timedelta

import pytest

from backend import limits as L
from backend.extensions import db
from backend.models import Couple, Entry, User
from samples import entry, only_result, stored

NOW = "2026-06-10T10:00:00+00:00"  # the pairing instant in these tests (a Wednesday, 12:00 in Berlin)


def iso(instant):
    return instant.isoformat().replace("+00:00", "Z")


def week(person, n):
    return only_result(person.sync(("put", entry("path_step", {"week": n}))))


# --- the path ------------------------------------------------------------------------------------------------


@pytest.mark.now(NOW)
def test_a_week_of_the_path_that_has_not_started_is_refused(pair):
    alice, _ = pair()
    assert week(alice, 1)["status"] == "applied"
    refused = week(alice, 2)
    assert refused["status"] == "rejected" and refused["error"]["code"] == 422
    assert refused["error"]["codes"] == {"body": {"week": ["week_not_open"]}}


@pytest.mark.now(NOW)
def test_a_week_opens_seven_days_after_pairing(pair, clock):
    alice, _ = pair()
    clock.shift_to(clock.now() + timedelta(days=7) - timedelta(minutes=1))
    assert week(alice, 2)["status"] == "rejected"
    clock.shift_to(clock.now() + timedelta(minutes=1))
    assert week(alice, 2)["status"] == "applied"
    assert week(alice, 3)["status"] == "rejected"


@pytest.mark.now(NOW)
def test_a_week_beyond_the_path_is_invalid(pair, clock):
    alice, _ = pair()
    clock.shift_to(clock.now() + timedelta(weeks=L.PATH_WEEKS + 2))
    assert week(alice, L.PATH_WEEKS)["status"] == "applied"
    assert week(alice, L.PATH_WEEKS + 1)["error"]["codes"] == {"body": {"week": ["too_big"]}}


def test_without_a_partner_no_week_has_started(signup):
    alone = signup()
    assert week(alone, 1)["error"]["codes"] == {"body": {"week": ["week_not_open"]}}


@pytest.mark.now(NOW)
def test_both_partners_see_each_others_ticks(pair):
    alice, bob = pair()
    assert week(alice, 1)["status"] == "applied"
    ticks = [c for c in bob.pull_all() if c["kind"] == "path_step"]
    assert [(c["author_id"], c["body"]) for c in ticks] == [(alice.id, {"week": 1})]


# --- sessions left open ----------------------------------------------------------------------------------------


def _ritual(app, couple_member, kind_of="weekly_checkin"):
    with app.app_context():
        couple_id = db.session.get(User, couple_member.id).couple_id
        rituals = db.session.scalars(db.select(Entry).where(Entry.couple_id == couple_id, Entry.kind == "ritual"))
        return next(r.id for r in rituals if r.body["type"] == kind_of)


def _session(person, ritual_id, started, ended=None):
    body = {"started_at": iso(started), "ended_at": ended and iso(ended), "answers": [], "passed": [], "note": ""}
    sent = entry("ritual_session", body, ref_id=ritual_id, created_at=iso(started))
    assert only_result(person.sync(("put", sent)))["status"] == "applied"
    return sent["id"]


def _tick(app, instant):
    result = app.test_cli_runner().invoke(args=["nudges", "tick", "--now", iso(instant)])
    assert result.exit_code == 0, result.output


@pytest.mark.vapid  # the worker's tick needs a VAPID key (tests/conftest.py, app)
@pytest.mark.now(NOW)
def test_a_session_left_open_a_day_is_closed_by_the_worker_and_both_phones_hear_of_it(app, pair, clock):
    alice, bob = pair()
    ritual = _ritual(app, alice)
    start = clock.now()
    left_open = _session(alice, ritual, start)
    clock.shift_to(start + timedelta(hours=10))
    still_young = _session(alice, ritual, clock.now())
    bob.pull_all()
    alice.pull_all()

    tick_at = start + timedelta(hours=L.SESSION_OPEN_HOURS + 1)  # 11:00 UTC: the hourly pass runs
    clock.shift_to(tick_at)
    _tick(app, tick_at)

    closed = stored(app, left_open)
    assert closed.rev == 2 and closed.body["unfinished"] is True
    assert closed.body["ended_at"] == iso(start + timedelta(hours=L.SESSION_OPEN_HOURS))
    assert stored(app, still_young).body["ended_at"] is None
    for person in (alice, bob):
        [change] = [c for c in person.pull_all() if c["kind"] == "ritual_session"]
        assert change["id"] == left_open and change["body"]["unfinished"] is True

    _tick(app, tick_at)  # closing twice changes nothing
    assert stored(app, left_open).rev == 2


@pytest.mark.vapid  # the worker's tick needs a VAPID key (tests/conftest.py, app)
@pytest.mark.now(NOW)
def test_a_session_closed_as_left_open_is_no_meaningful_chat(app, pair, clock):
    alice, _ = pair()
    ritual = _ritual(app, alice)
    start = clock.now()
    _session(alice, ritual, start)
    _session(alice, ritual, start + timedelta(minutes=1), start + timedelta(minutes=21))  # a talk, finished
    tick_at = start + timedelta(hours=L.SESSION_OPEN_HOURS + 1)
    clock.shift_to(tick_at)
    _tick(app, tick_at)
    with app.app_context():
        sessions = db.session.scalars(db.select(Entry).where(Entry.kind == "ritual_session")).all()
        assert sorted(bool(s.body.get("unfinished")) for s in sessions) == [False, True]

    stats = alice.client.get("/api/stats?weeks=4").json
    assert stats["meaningful_chats"]["total"] == 1  # the finished one only (one per ritual and day)


@pytest.mark.vapid  # the worker's tick needs a VAPID key (tests/conftest.py, app)
@pytest.mark.now(NOW)
def test_an_unfinished_session_alone_counts_nothing(app, pair, clock):
    alice, _ = pair()
    _session(alice, _ritual(app, alice), clock.now())
    tick_at = clock.now() + timedelta(hours=L.SESSION_OPEN_HOURS + 1)
    clock.shift_to(tick_at)
    _tick(app, tick_at)
    assert stored(app, _only_session(app)).body["unfinished"] is True
    assert alice.client.get("/api/stats?weeks=4").json["meaningful_chats"]["total"] == 0


def _only_session(app):
    with app.app_context():
        return db.session.scalars(db.select(Entry.id).where(Entry.kind == "ritual_session")).one()


# --- agreements: what the phone relies on --------------------------------------------------------------------


def test_edits_chained_on_the_rev_before_them_each_apply(pair):
    alice, _ = pair(rituals=False)
    made = entry("agreement", {"text": "One", "category": "goal"})
    assert only_result(alice.sync(("put", made)))["status"] == "applied"
    for rev, text in ((1, "Two"), (2, "Three")):
        result = only_result(alice.sync(("put", {**made, "body": {"text": text, "category": "goal"}, "base_rev": rev})))
        assert result["status"] == "applied" and result["entry"]["rev"] == rev + 1


def test_use_mine_after_a_conflict_is_a_put_on_the_current_rev(app, pair):
    alice, bob = pair(rituals=False)
    made = entry("agreement", {"text": "One", "category": "goal"})
    alice.sync(("put", made))
    theirs = {**made, "body": {"text": "Theirs", "category": "goal"}, "base_rev": 1}
    assert only_result(bob.sync(("put", theirs)))["status"] == "applied"

    mine = {**made, "body": {"text": "Mine", "category": "goal"}, "base_rev": 1}
    conflict = only_result(alice.sync(("put", mine)))
    assert conflict["status"] == "conflict" and conflict["entry"]["body"]["text"] == "Theirs"
    assert stored(app, made["id"]).body["text"] == "Theirs"

    again = only_result(alice.sync(("put", {**mine, "base_rev": conflict["entry"]["rev"]})))
    assert again["status"] == "applied" and stored(app, made["id"]).body["text"] == "Mine"


def test_unpaired_couple_row_has_no_paired_at_for_the_path(app, signup):
    alone = signup()
    alone.client.post("/api/couple", json={})  # a couple waiting for its second member
    with app.app_context():
        couple = db.session.get(Couple, db.session.get(User, alone.id).couple_id)
        assert couple.paired_at is None
    assert week(alone, 1)["error"]["codes"] == {"body": {"week": ["week_not_open"]}}
