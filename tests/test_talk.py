"""The talk after the reveal and the verdict on a reflection (issue 13, items 2 and 3): a reply answers
what the replier may see of the partner's, a thread holds a few turns each, and "That's right" /
"Not quite" answer only the partner's reflection of your words (backend/services/talk.py)."""

import pytest

from backend import limits as L
from samples import entry, only_result, push_jobs, put_ok, stored, valid_body


def reply(text="Me too."):
    return {"text": text}


def rejected(person, kind, body, ref_id, **fields):
    result = only_result(person.sync(("put", entry(kind, body, ref_id=ref_id, **fields))))
    assert result["status"] == "rejected", result
    return result["error"]


@pytest.fixture
def revealed(pair):
    """A couple who both answered the same question: (alice, bob, alice's answer, bob's answer)."""
    alice, bob = pair(rituals=False)
    mine = put_ok(alice, "answer")
    theirs = put_ok(bob, "answer")
    return alice, bob, mine, theirs


def test_a_reply_to_the_partners_answer_is_applied_and_tells_them(app, revealed):
    alice, bob, _mine, theirs = revealed
    before = push_jobs(app)

    reply_id = put_ok(alice, "reply", reply(), ref_id=theirs)

    assert push_jobs(app)[len(before) :] == [(bob.id, "reply", alice.id, reply_id, "pending")]
    got = {c["id"]: c for c in bob.pull_all()}
    assert got[reply_id]["body"] == reply() and got[reply_id]["ref_id"] == theirs


def test_the_partner_replies_back_to_a_reply(app, revealed):
    alice, bob, _mine, theirs = revealed
    first = put_ok(alice, "reply", reply(), ref_id=theirs)

    back = put_ok(bob, "reply", reply("Then let's go."), ref_id=first)

    assert push_jobs(app)[-1] == (alice.id, "reply", bob.id, back, "pending")


def test_no_reply_to_an_answer_still_withheld(app, pair):
    alice, bob = pair(rituals=False)
    theirs = put_ok(bob, "answer")  # alice has not answered: bob's answer is not hers to see

    error = rejected(alice, "reply", reply(), theirs)

    assert (error["code"], error["reason"]) == (422, "ref_missing")
    assert error["codes"] == {"ref_id": ["no_such_entry"]}
    assert [c for c in bob.pull_all() if c["kind"] == "reply"] == []


def test_no_reply_to_an_answer_the_partner_made_private(app, pair):
    alice, bob = pair(rituals=False)
    put_ok(alice, "answer")
    theirs = put_ok(bob, "answer", visibility="private")

    assert rejected(alice, "reply", reply(), theirs)["reason"] == "ref_missing"


def test_no_reply_into_another_couples_talk(app, pair, revealed):
    _alice, _bob, _mine, theirs = revealed
    carol, dave = pair(rituals=False)
    put_ok(carol, "answer")  # the same question, in another couple

    assert rejected(carol, "reply", reply(), theirs)["reason"] == "ref_missing"
    assert all(c["kind"] != "reply" for c in dave.pull_all())


def test_no_reply_to_ones_own_answer(app, revealed):
    alice, _bob, mine, _theirs = revealed

    error = rejected(alice, "reply", reply(), mine)

    assert (error["reason"], error["codes"]) == ("ref_own_entry", {"ref_id": ["own_entry"]})


# A disclosure takes a reply only when it is good news (tests/test_repair.py); the sample is a worry.
@pytest.mark.parametrize(
    ("kind", "reason"),
    [("appreciation", "ref_wrong_kind"), ("disclosure", "not_good_news"), ("reflection", "ref_wrong_kind")],
)
def test_a_reply_answers_only_an_answer_a_reply_or_good_news(app, revealed, kind, reason):
    alice, bob, _mine, _theirs = revealed
    ref_id = put_ok(bob, "disclosure") if kind == "reflection" else None
    target = put_ok(bob, kind, ref_id=ref_id) if kind != "reflection" else put_ok(alice, kind, ref_id=ref_id)

    error = rejected(bob if kind == "reflection" else alice, "reply", reply(), target)

    assert error["reason"] == reason


def test_a_reply_needs_text_within_its_limit(app, revealed):
    alice, _bob, _mine, theirs = revealed

    assert rejected(alice, "reply", reply("x" * (L.REPLY_TEXT_MAX + 1)), theirs)["codes"] == {
        "body": {"text": ["too_long"]}
    }
    assert rejected(alice, "reply", reply("  "), theirs)["codes"] == {"body": {"text": ["blank"]}}
    put_ok(alice, "reply", reply("x" * L.REPLY_TEXT_MAX), ref_id=theirs)


def talk_to_the_cap(alice, bob, theirs):
    """Alice and Bob take turns on Bob's answer until each wrote REPLIES_PER_PERSON replies; their last ids."""
    hers = his = theirs
    for turn in range(L.REPLIES_PER_PERSON):
        hers = put_ok(alice, "reply", reply(f"alice {turn}"), ref_id=his)
        his = put_ok(bob, "reply", reply(f"bob {turn}"), ref_id=hers)
    return hers, his


def test_a_thread_holds_a_few_replies_per_person(app, revealed):
    alice, bob, _mine, theirs = revealed
    hers, his = talk_to_the_cap(alice, bob, theirs)

    error = rejected(alice, "reply", reply("one more"), his)

    assert (error["code"], error["reason"]) == (409, "thread_full")
    assert "in person" in error["message"]
    assert rejected(alice, "reply", reply("to the answer"), theirs)["reason"] == "thread_full"
    assert rejected(bob, "reply", reply("and me"), hers)["reason"] == "thread_full"


def test_the_cap_counts_replies_made_in_the_same_sync(app, revealed):
    alice, _bob, _mine, theirs = revealed
    sent = [entry("reply", reply(f"n{n}"), ref_id=theirs) for n in range(L.REPLIES_PER_PERSON + 1)]

    results = alice.sync(*[("put", e) for e in sent]).json["results"]

    assert [r["status"] for r in results] == ["applied"] * L.REPLIES_PER_PERSON + ["rejected"]
    assert results[-1]["error"]["reason"] == "thread_full"
    assert stored(app, sent[-1]["id"]) is None


def test_the_cap_is_per_thread_and_editing_a_reply_is_not_another(app, revealed):
    alice, bob, mine, theirs = revealed
    ids = [put_ok(alice, "reply", reply(f"n{n}"), ref_id=theirs) for n in range(L.REPLIES_PER_PERSON)]

    put_ok(alice, "reply", reply("edited"), ref_id=theirs, id=ids[0])  # an edit, not a new turn
    on_mine = put_ok(bob, "reply", reply("about yours"), ref_id=mine)  # another thread: Alice's answer
    put_ok(alice, "reply", reply("thanks"), ref_id=on_mine)

    assert stored(app, ids[0]).body == reply("edited")


def test_an_unsent_reply_frees_its_turn(app, revealed):
    alice, _bob, _mine, theirs = revealed
    ids = [put_ok(alice, "reply", reply(f"n{n}"), ref_id=theirs) for n in range(L.REPLIES_PER_PERSON)]

    assert only_result(alice.sync(("delete", {"id": ids[-1], "kind": "reply"})))["status"] == "applied"

    put_ok(alice, "reply", reply("said better"), ref_id=theirs)


# --- the verdict on a reflection -----------------------------------------------------------------


@pytest.fixture
def reflected(pair):
    """Alice shared something, Bob reflected it back: (alice, bob, disclosure, reflection)."""
    alice, bob = pair(rituals=False)
    disclosure = put_ok(alice, "disclosure")
    reflection = put_ok(bob, "reflection", ref_id=disclosure)
    return alice, bob, disclosure, reflection


def test_not_quite_says_what_was_missed_and_reaches_the_partner(app, reflected):
    alice, bob, _disclosure, reflection = reflected
    body = {"value": "not_quite", "note": "It was the waiting, not the call."}

    verdict = put_ok(alice, "reaction", body, ref_id=reflection)

    assert {c["id"]: c for c in bob.pull_all()}[verdict]["body"] == body
    assert push_jobs(app)[-1] == (bob.id, "reaction", alice.id, verdict, "pending")


def test_the_partner_reflects_again_and_the_changed_verdict_is_the_one_stored(app, reflected):
    alice, bob, disclosure, reflection = reflected
    verdict = put_ok(alice, "reaction", {"value": "not_quite", "note": "The waiting."}, ref_id=reflection)
    again = put_ok(bob, "reflection", {"text": "So it was the waiting? Is that right?"}, ref_id=disclosure)

    closed = put_ok(alice, "reaction", {"value": "right"}, ref_id=again)
    put_ok(alice, "reaction", {"value": "right"}, ref_id=reflection, id=verdict)  # changed: one entry, edited

    row = stored(app, verdict)
    assert (row.body, row.rev) == ({"value": "right"}, 2)
    got = {c["id"]: c for c in bob.pull_all()}
    assert got[verdict]["body"] == {"value": "right"} and got[closed]["ref_id"] == again


@pytest.mark.parametrize("value", ["right", "heart", "thanks", "not_now"])
def test_only_not_quite_takes_a_note(app, reflected, value):
    alice, _bob, _disclosure, reflection = reflected

    error = rejected(alice, "reaction", {"value": value, "note": "x"}, reflection)

    assert error["codes"] == {"body": {"note": ["note_not_quite"]}}


def test_a_note_of_only_spaces_says_nothing_beside_any_verdict(app, reflected):
    """As the server reads other blank words (and as a sealed one arrives: the phone sends it as "")."""
    alice, _bob, _disclosure, reflection = reflected

    put_ok(alice, "reaction", {"value": "right", "note": " \u3000\n"}, ref_id=reflection)


@pytest.mark.parametrize("value", ["right", "not_quite"])
def test_a_verdict_answers_only_the_partners_reflection(app, reflected, value):
    alice, bob, disclosure, reflection = reflected
    appreciation = put_ok(bob, "appreciation")

    assert rejected(alice, "reaction", {"value": value}, appreciation)["codes"] == {"ref_id": ["wrong_kind"]}
    assert rejected(alice, "reaction", {"value": value}, disclosure)["reason"] == "verdict_misplaced"
    error = rejected(bob, "reaction", {"value": value}, reflection)  # his own reflection
    assert (error["reason"], error["codes"]) == ("verdict_misplaced", {"ref_id": ["own_entry"]})


def test_a_heart_still_answers_anything_the_partner_wrote(app, reflected):
    alice, bob, disclosure, reflection = reflected
    put_ok(bob, "reaction", {"value": "heart"}, ref_id=disclosure)
    put_ok(alice, "reaction", valid_body("reaction"), ref_id=reflection)


def test_a_heart_cannot_be_turned_into_a_verdict_on_something_else(app, reflected):
    alice, bob, _disclosure, _reflection = reflected
    appreciation = put_ok(bob, "appreciation")
    heart = put_ok(alice, "reaction", {"value": "heart"}, ref_id=appreciation)

    error = rejected(alice, "reaction", {"value": "right"}, appreciation, id=heart)

    assert error["reason"] == "verdict_misplaced"
    assert stored(app, heart).body == {"value": "heart"}
