"""A lighter one, please (issue 14, item 2): a `question_swap` is a shared entry, so the partner's phone
swaps too; both tapping it is two entries the phones read as one swap; and a swap of a question either
partner already answered that day is refused, because the phone cannot see the partner's withheld
answer (backend/services/question_swap.py). No push: it is not news to interrupt anyone with."""

from samples import entry, only_result, push_jobs, put_ok

DAY = "2026-11-30"
SWAP = {"local_date": DAY, "from_id": "q-us-lately", "to_id": "q-best-moment"}


def answer(question_id=SWAP["from_id"], local_date=DAY):
    return {"question_id": question_id, "text": "Calm, mostly.", "local_date": local_date}


def test_a_swap_reaches_the_partner_without_a_push(app, pair):
    alice, bob = pair(rituals=False)
    before = push_jobs(app)

    swap_id = put_ok(alice, "question_swap", SWAP)

    got = {c["id"]: c for c in bob.pull_all()}
    assert got[swap_id]["kind"] == "question_swap" and got[swap_id]["body"] == SWAP
    assert push_jobs(app) == before


def test_both_partners_swapping_the_same_day_are_both_kept(app, pair):
    alice, bob = pair(rituals=False)
    first = put_ok(alice, "question_swap", SWAP)
    second = put_ok(bob, "question_swap", SWAP | {"to_id": "q-laugh"})  # tapped offline at the same time

    seen = {c["id"] for c in alice.pull_all() if c["kind"] == "question_swap"}
    assert seen == {first, second}  # the phones show the one with the smaller id (question-order.js swapOf)


def test_no_swap_once_the_partner_answered_that_question_that_day(app, pair):
    alice, bob = pair(rituals=False)
    put_ok(bob, "answer", answer())  # withheld from alice: her phone still offers the lighter one

    result = only_result(alice.sync(("put", entry("question_swap", SWAP))))

    assert result["status"] == "rejected"
    assert (result["error"]["code"], result["error"]["reason"]) == (409, "already_answered")
    assert [c for c in bob.pull_all() if c["kind"] == "question_swap"] == []


def test_no_swap_of_a_question_answered_in_the_same_batch(app, pair):
    alice, _bob = pair(rituals=False)
    response = alice.sync(("put", entry("answer", answer())), ("put", entry("question_swap", SWAP)))
    assert [r["status"] for r in response.json["results"]] == ["applied", "rejected"]


def test_an_answer_to_the_question_on_another_day_or_deleted_does_not_stop_a_swap(app, pair):
    alice, bob = pair(rituals=False)
    put_ok(bob, "answer", answer(local_date="2025-11-30"))  # the same question, a year ago
    gone = put_ok(alice, "answer", answer())
    assert alice.sync(("delete", {"id": gone, "kind": "answer"})).status_code == 200

    put_ok(alice, "question_swap", SWAP)


def test_a_swap_is_never_counted_in_the_us_numbers(app, pair):
    alice, bob = pair(rituals=False)
    put_ok(alice, "question_swap", SWAP)
    put_ok(bob, "question_swap", SWAP)

    for person in (alice, bob):
        stats = person.client.get("/api/stats").json
        assert all("question_swap" not in week["counts"] for week in stats["per_week"]), stats["per_week"]
        assert sum(sum(week["counts"].values()) for week in stats["per_week"]) == 0
