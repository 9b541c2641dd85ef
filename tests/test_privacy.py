"""Nothing private reaches the partner; who may change what; another couple's entries do not exist for you."""

import pytest

from samples import entry, new_id, only_result, put_ok, stored, valid_body


def _ids(changes):
    return [c["id"] for c in changes]


def _export_ids(person):
    response = person.client.get("/api/export")
    assert response.status_code == 200
    return [e["id"] for e in response.json["entries"]]


def _answer(question_id, text="My answer"):
    return {**valid_body("answer"), "question_id": question_id, "text": text}


def test_private_entry_never_reaches_the_partner(app, pair):
    alice, bob = pair(rituals=False)
    hidden = put_ok(alice, "disclosure", visibility="private")
    shared = put_ok(alice, "appreciation")

    assert _ids(bob.pull_all()) == [shared]
    assert hidden not in _export_ids(bob)
    assert hidden in _ids(alice.sync(cursor=0).json["changes"])
    assert stored(app, hidden).visibility == "private"


def test_private_entry_edited_stays_away_from_the_partner(app, pair):
    alice, bob = pair(rituals=False)
    hidden = put_ok(alice, "disclosure", visibility="private")
    bob.pull_all()

    put_ok(alice, "disclosure", {**valid_body("disclosure"), "text": "Still mine"}, id=hidden, visibility="private")

    assert bob.pull_all() == []
    assert bob.sync(cursor=0).json["changes"] == []


def test_journal_sent_as_shared_is_stored_private(app, pair):
    alice, bob = pair(rituals=False)
    sent = entry("journal", visibility="shared")

    result = only_result(alice.sync(("put", sent)))

    assert result["status"] == "applied" and result["entry"]["visibility"] == "private"
    row = stored(app, sent["id"])
    assert row.visibility == "private" and row.shared_once is False
    assert bob.pull_all() == [] and sent["id"] not in _export_ids(bob)


def test_partners_answer_is_withheld_until_the_user_answers_the_same_question(app, pair):
    alice, bob = pair(rituals=False)
    alices = put_ok(alice, "answer", _answer("q-1", "Alice's answer"))
    assert bob.pull_all() == []
    put_ok(bob, "answer", _answer("q-2"))
    assert alices not in _ids(bob.pull_all())

    bobs = put_ok(bob, "answer", _answer("q-1", "Bob's answer"))
    changes = bob.pull_all()

    revealed = {c["id"]: c for c in changes}
    assert set(revealed) == {bobs, alices}
    assert revealed[alices]["body"]["text"] == "Alice's answer"
    assert revealed[alices]["seq"] > revealed[bobs]["seq"] == stored(app, bobs).seq
    assert stored(app, alices).seq == revealed[alices]["seq"]


def test_answering_after_the_partner_sees_their_answer_at_once(app, pair):
    alice, bob = pair(rituals=False)
    put_ok(alice, "answer", _answer("q-1"))
    bob.pull_all()
    bobs = put_ok(bob, "answer", _answer("q-1"))

    assert bobs in _ids(alice.pull_all())


def test_withheld_answer_is_revealed_to_a_device_syncing_from_zero(app, pair):
    alice, bob = pair(rituals=False)
    alices = put_ok(alice, "answer", _answer("q-1"))
    assert alices not in _ids(bob.sync(cursor=0).json["changes"])
    put_ok(bob, "answer", _answer("q-1"))

    assert alices in _ids(bob.sync(cursor=0).json["changes"])


def test_shared_entry_made_private_reaches_the_partner_as_a_bare_tombstone(app, pair):
    alice, bob = pair(rituals=False)
    entry_id = put_ok(alice, "disclosure", ref_id=None)
    assert _ids(bob.pull_all()) == [entry_id]

    put_ok(alice, "disclosure", {**valid_body("disclosure"), "text": "secret now"}, id=entry_id, visibility="private")
    [change] = bob.pull_all()

    assert change["id"] == entry_id and change["deleted"] is True
    assert change["body"] == {} and change["visibility"] == "private" and change["ref_id"] is None
    assert "secret" not in str(change)
    row = stored(app, entry_id)
    assert row.visibility == "private" and row.body["text"] == "secret now" and not row.deleted
    assert entry_id not in _export_ids(bob)


@pytest.mark.parametrize("kind", ["disclosure", "appreciation", "checkin", "commitment", "answer"])
def test_partner_cannot_change_an_author_only_entry(app, pair, kind):
    alice, bob = pair(rituals=False)
    entry_id = put_ok(alice, kind)
    if kind == "answer":
        put_ok(bob, "answer")  # so Bob can see it
    before = stored(app, entry_id)

    result = only_result(bob.sync(("put", entry(kind, id=entry_id, base_rev=1))))

    assert result["status"] == "rejected" and result["error"]["code"] == 403
    after = stored(app, entry_id)
    assert (after.rev, after.seq, after.author_id) == (before.rev, before.seq, alice.id)


def test_partner_cannot_delete_an_author_only_entry(app, pair):
    alice, bob = pair(rituals=False)
    entry_id = put_ok(alice, "appreciation")

    result = only_result(bob.sync(("delete", {"id": entry_id})))

    assert result["status"] == "rejected" and result["error"]["code"] == 403
    assert not stored(app, entry_id).deleted


@pytest.mark.parametrize("op", ["put", "delete"])
def test_another_couples_entry_is_not_found(app, pair, op):
    alice, bob = pair(rituals=False)
    carol, _ = pair(rituals=False)
    theirs = put_ok(carol, "agreement")
    before = stored(app, theirs)
    sent = entry("agreement", id=theirs, base_rev=1) if op == "put" else {"id": theirs}

    result = only_result(alice.sync((op, sent)))

    assert result["status"] == "rejected" and result["error"]["code"] == 404
    assert result["entry"] is None
    after = stored(app, theirs)
    assert (after.couple_id, after.rev, after.body, after.deleted) == (before.couple_id, 1, before.body, False)


def test_another_couples_entry_answers_like_a_missing_one(app, pair):
    alice, _ = pair(rituals=False)
    carol, _ = pair(rituals=False)
    theirs = put_ok(carol, "appreciation")

    other = only_result(alice.sync(("delete", {"id": theirs})))["error"]
    missing = only_result(alice.sync(("delete", {"id": new_id()})))["error"]

    assert other == missing


@pytest.mark.parametrize("op", ["put", "delete"])
def test_partners_private_entry_is_not_found(app, pair, op):
    alice, bob = pair(rituals=False)
    hidden = put_ok(alice, "agreement", visibility="private")
    sent = entry("agreement", id=hidden, base_rev=1) if op == "put" else {"id": hidden, "base_rev": 1}

    result = only_result(bob.sync((op, sent)))

    assert result["status"] == "rejected" and result["error"]["code"] == 404 and result["entry"] is None
    row = stored(app, hidden)
    assert row.rev == 1 and not row.deleted


def test_partners_journal_is_not_found(app, pair):
    alice, bob = pair(rituals=False)
    journal = put_ok(alice, "journal")

    result = only_result(bob.sync(("delete", {"id": journal})))

    assert result["error"]["code"] == 404
    assert not stored(app, journal).deleted


@pytest.mark.parametrize("kind,field", [("ritual", "title"), ("agreement", "text")])
def test_both_partners_may_edit_a_shared_edit_entry(app, pair, kind, field):
    alice, bob = pair(rituals=False)
    entry_id = put_ok(alice, kind)

    put_ok(bob, kind, {**valid_body(kind), field: "Bob's words"}, id=entry_id, base_rev=1)
    put_ok(alice, kind, {**valid_body(kind), field: "Alice's words"}, id=entry_id, base_rev=2)

    row = stored(app, entry_id)
    assert row.body[field] == "Alice's words" and row.rev == 3 and row.author_id == alice.id
    changes = bob.pull_all()
    assert [c["body"][field] for c in changes] == ["Alice's words"]


@pytest.mark.parametrize("kind", ["ritual", "agreement"])
def test_partner_may_delete_a_shared_edit_entry(app, pair, kind):
    alice, bob = pair(rituals=False)
    entry_id = put_ok(alice, kind)

    result = only_result(bob.sync(("delete", {"id": entry_id, "base_rev": 1})))

    assert result["status"] == "applied" and stored(app, entry_id).deleted


def test_partners_edit_cannot_change_visibility(app, pair):
    alice, bob = pair(rituals=False)
    entry_id = put_ok(alice, "agreement")

    result = only_result(bob.sync(("put", entry("agreement", id=entry_id, base_rev=1, visibility="private"))))

    assert result["status"] == "applied" and result["entry"]["visibility"] == "shared"
    assert stored(app, entry_id).visibility == "shared"
    assert entry_id in _ids(alice.pull_all())


def test_author_may_make_a_shared_edit_entry_private(app, pair):
    alice, bob = pair(rituals=False)
    entry_id = put_ok(alice, "agreement")
    bob.pull_all()

    put_ok(alice, "agreement", id=entry_id, base_rev=1, visibility="private")

    assert stored(app, entry_id).visibility == "private"
    assert [c["deleted"] for c in bob.pull_all()] == [True]


def test_changing_ones_answer_to_the_partners_question_reveals_their_answer(app, pair):
    alice, bob = pair(rituals=False)
    alices = put_ok(alice, "answer", _answer("q-1"))
    bobs = put_ok(bob, "answer", _answer("q-2"))
    assert alices not in _ids(bob.pull_all())

    put_ok(bob, "answer", _answer("q-1"), id=bobs)

    assert alices in _ids(bob.pull_all())


# --- answer, then reveal, for real (issue 10, item 2) --------------------------------------------------------


def test_a_private_answer_does_not_reveal_the_partners_answer(app, pair):
    alice, bob = pair(rituals=False)
    alices = put_ok(alice, "answer", _answer("q-1", "Alice's answer"))

    put_ok(bob, "answer", _answer("q-1"), visibility="private")

    assert alices not in _ids(bob.pull_all())
    assert alices not in _ids(bob.sync(cursor=0).json["changes"])
    assert alices not in _export_ids(bob)


def test_an_answer_deleted_in_the_same_sync_does_not_reveal_the_partners_answer(app, pair):
    alice, bob = pair(rituals=False)
    alices = put_ok(alice, "answer", _answer("q-1", "Alice's answer"))
    mine = entry("answer", _answer("q-1"))

    response = bob.sync(("put", mine), ("delete", {"id": mine["id"]}))

    assert response.status_code == 200
    assert alices not in _ids(response.json["changes"])
    assert alices not in _ids(bob.sync(cursor=0).json["changes"]) and alices not in _export_ids(bob)


def test_an_answer_deleted_after_the_reveal_reveals_nothing_more_to_a_new_device(app, pair):
    alice, bob = pair(rituals=False)
    alices = put_ok(alice, "answer", _answer("q-1", "Alice's answer"))
    mine = put_ok(bob, "answer", _answer("q-1"))
    bob.sync(("delete", {"id": mine}))

    assert alices not in _ids(bob.sync(cursor=0).json["changes"])
    assert alices not in _export_ids(bob)


@pytest.mark.parametrize("op", ["put", "delete"])
def test_a_withheld_answer_is_not_found(app, pair, op):
    alice, bob = pair(rituals=False)
    alices = put_ok(alice, "answer", _answer("q-1"))
    before = stored(app, alices)
    sent = entry("answer", _answer("q-1"), id=alices, base_rev=1) if op == "put" else {"id": alices}

    result = only_result(bob.sync((op, sent)))

    assert result["status"] == "rejected" and result["error"]["code"] == 404
    after = stored(app, alices)
    assert (after.rev, after.deleted) == (before.rev, before.deleted)


def test_a_reaction_to_a_withheld_answer_is_rejected_and_pushes_nothing(app, pair):
    alice, bob = pair(rituals=False)
    alices = put_ok(alice, "answer", _answer("q-1"))
    reaction = entry("reaction", ref_id=alices)

    result = only_result(bob.sync(("put", reaction)))

    assert result["status"] == "rejected" and result["error"]["errors"] == {"ref_id": ["No such entry."]}
    assert stored(app, reaction["id"]) is None
    assert reaction["id"] not in _ids(alice.pull_all())
