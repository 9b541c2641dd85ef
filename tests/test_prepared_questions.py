"""The connection check's prepared questions (issue 14, item 5): each partner writes three, sealed on their
own phone (a private `prepared_question`, in the author's own stream only), until the session reveals one
by turning it shared; then exactly that one reaches the partner. Its ref is the connection check's ritual."""

from samples import entry, only_result, put_ok, stored, valid_body


def _question(n, text):
    return {**valid_body("prepared_question"), "n": n, "text": text}


def test_prepared_questions_stay_sealed_until_revealed_one_by_one(app, pair):
    alice, bob = pair(rituals=False)
    ritual = put_ok(alice, "ritual", {**valid_body("ritual"), "type": "connection_check"})
    bob.pull_all()
    sealed = [
        put_ok(alice, "prepared_question", _question(n, f"Question {n} for Bob"), ref_id=ritual, visibility="private")
        for n in (1, 2, 3)
    ]

    assert bob.pull_all() == []  # nothing of them on Bob's phone, not even that they exist
    assert not any(c["id"] in sealed for c in bob.sync(cursor=0).json["changes"])
    assert {c["id"] for c in alice.sync(cursor=0).json["changes"]} >= set(sealed)  # Alice's other phones

    put_ok(alice, "prepared_question", _question(1, "Question 1 for Bob"), id=sealed[0], ref_id=ritual)
    [revealed] = bob.pull_all()
    assert revealed["id"] == sealed[0] and revealed["body"]["text"] == "Question 1 for Bob"
    assert {c["id"] for c in bob.sync(cursor=0).json["changes"]} & set(sealed) == {sealed[0]}
    assert stored(app, sealed[1]).visibility == "private"


def test_a_prepared_question_belongs_to_a_ritual_and_has_a_place(app, pair):
    alice, _bob = pair(rituals=False)
    ritual = put_ok(alice, "ritual")
    appreciation = put_ok(alice, "appreciation")

    for body, ref in (
        (_question(1, "Fine"), None),
        (_question(1, "Fine"), appreciation),
        (_question(4, "Too far"), ritual),
        (_question(1, "x" * 281), ritual),
    ):
        result = only_result(alice.sync(("put", entry("prepared_question", body, ref_id=ref, visibility="private"))))
        assert result["status"] == "rejected", (body, ref)
    assert (
        only_result(
            alice.sync(("put", entry("prepared_question", _question(3, "Fine"), ref_id=ritual, visibility="private")))
        )["status"]
        == "applied"
    )


def test_the_partner_can_neither_read_nor_reveal_a_sealed_question(app, pair):
    alice, bob = pair(rituals=False)
    ritual = put_ok(alice, "ritual")
    sealed = put_ok(alice, "prepared_question", _question(1, "Mine"), ref_id=ritual, visibility="private")

    sent = entry("prepared_question", _question(1, "Bob's words"), id=sealed, ref_id=ritual, base_rev=1)
    result = only_result(bob.sync(("put", sent)))

    assert result["status"] != "applied"
    row = stored(app, sealed)
    assert row.visibility == "private" and row.body["text"] == "Mine"
