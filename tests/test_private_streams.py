"""Nobody can tell that, or when, their partner wrote privately (issue 10, item 3): what only its
author may see moves the author's own stream, never the couple's (seq, cursor, tombstones)."""

from samples import couple_seq, entry, own_seq, put_ok, stored, valid_body


def _answer(question_id):
    return {**valid_body("answer"), "question_id": question_id}


def _partner_view(bob):
    """What Bob's phone can observe of the couple: the changes and the couple part of his cursor."""
    changes = bob.pull_all()
    return changes, bob.cursor.split(".")[0]


def test_private_writes_move_nothing_the_partner_can_observe(app, pair):
    alice, bob = pair(rituals=False)
    put_ok(alice, "appreciation")
    _, couple_before = _partner_view(bob)
    version = couple_seq(app, alice)

    put_ok(alice, "journal")
    put_ok(alice, "disclosure", visibility="private")
    put_ok(alice, "answer", _answer("q-1"))  # withheld: Bob has not answered q-1
    changes, couple_after = _partner_view(bob)

    assert changes == [] and couple_after == couple_before
    assert couple_seq(app, alice) == version
    shared = put_ok(alice, "appreciation")
    [change] = bob.pull_all()
    assert change["id"] == shared and change["seq"] == version + 1  # no gap where the private writes were


def test_private_entries_take_no_couple_seq_but_an_own_seq(app, pair):
    alice, _ = pair(rituals=False)
    before = own_seq(app, alice)

    journal = put_ok(alice, "journal")

    row = stored(app, journal)
    assert row.seq is None and row.own_seq == before + 1 == own_seq(app, alice)


def test_a_turn_to_private_sends_one_bare_tombstone_and_later_private_edits_none(app, pair):
    alice, bob = pair(rituals=False)
    entry_id = put_ok(alice, "disclosure")
    bob.pull_all()

    put_ok(alice, "disclosure", id=entry_id, visibility="private")
    [tombstone] = bob.pull_all()
    _, couple_before = _partner_view(bob)
    for text in ("second thoughts", "third thoughts"):
        put_ok(alice, "disclosure", {**valid_body("disclosure"), "text": text}, id=entry_id, visibility="private")
    changes, couple_after = _partner_view(bob)

    assert tombstone["deleted"] is True and tombstone["body"] == {}
    assert changes == [] and couple_after == couple_before
    # A device of Bob's starting over sees the tombstone without the later edits' rev or time.
    [fresh] = [c for c in bob.sync(cursor=0).json["changes"] if c["id"] == entry_id]
    assert fresh["rev"] == 0 and fresh["updated_at"] == fresh["created_at"]


def test_deleting_a_private_entry_sends_the_partner_nothing(app, pair):
    alice, bob = pair(rituals=False)
    hidden = put_ok(alice, "disclosure", visibility="private")
    _, couple_before = _partner_view(bob)

    alice.sync(("delete", {"id": hidden}))
    changes, couple_after = _partner_view(bob)

    assert changes == [] and couple_after == couple_before


def test_the_authors_other_device_gets_every_private_change(app, pair):
    alice, _ = pair(rituals=False)
    journal = put_ok(alice, "journal")
    hidden = put_ok(alice, "disclosure", visibility="private")
    put_ok(alice, "journal", {"text": "edited", "feelings": []}, id=journal)

    other = alice.sync(cursor=0).json["changes"]

    by_id = {c["id"]: c for c in other}
    assert set(by_id) == {journal, hidden} and by_id[journal]["body"]["text"] == "edited"


def test_a_revealed_answer_reaches_the_partner_once_they_answer(app, pair):
    alice, bob = pair(rituals=False)
    alices = put_ok(alice, "answer", _answer("q-1"))
    assert stored(app, alices).seq is None
    bob.pull_all()

    put_ok(bob, "answer", _answer("q-1"))

    assert alices in [c["id"] for c in bob.pull_all()]
    assert stored(app, alices).seq is not None


def test_partner_edits_of_a_shared_ritual_reach_its_author(app, pair):
    alice, bob = pair(rituals=False)
    ritual = put_ok(alice, "ritual")
    bob.pull_all()
    alice.pull_all()
    body = {**valid_body("ritual"), "title": "Bob's title"}

    assert bob.sync(("put", entry("ritual", body, id=ritual, base_rev=1))).json["results"][0]["status"] == "applied"

    [change] = alice.pull_all()
    assert change["id"] == ritual and change["body"]["title"] == "Bob's title"
