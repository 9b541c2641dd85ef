"""The sync protocol: exactly once, per-mutation results, conflicts, tombstones, push jobs
(paging and cursors: test_sync_paging.py)."""

import uuid

import pytest

from backend.extensions import db
from backend.models import ClientState, Entry
from samples import (
    change_ids,
    couple_seq,
    entry,
    entry_count,
    new_id,
    only_result,
    push_jobs,
    put_ok,
    stored,
    valid_body,
)


def _post(person, **payload):
    return person.client.post(
        "/api/sync", json={"client_id": person.client_id, "cursor": 0, "couple_id": person.couple_id(), **payload}
    )


# --- exactly once ------------------------------------------------------------------------------------------


def test_retried_request_applies_its_mutations_once(app, pair):
    alice, _ = pair(rituals=False)
    sent = entry("appreciation")
    payload = {"mutations": [{"mid": 1, "op": "put", "entry": sent}]}
    first = _post(alice, **payload)
    version = couple_seq(app, alice)

    retry = _post(alice, **payload)

    assert first.json["results"][0]["status"] == "applied"
    assert retry.status_code == 200
    assert retry.json["results"] == [] and retry.json["last_mid"] == 1
    assert couple_seq(app, alice) == version
    assert stored(app, sent["id"]).rev == 1
    assert entry_count(app) == 1


def test_retry_carrying_new_mutations_applies_only_the_new_ones(app, pair):
    alice, _ = pair(rituals=False)
    first, second = entry("appreciation"), entry("checkin")
    _post(alice, mutations=[{"mid": 1, "op": "put", "entry": first}])

    response = _post(
        alice,
        mutations=[
            {"mid": 1, "op": "put", "entry": {**first, "body": {"text": "changed"}}},
            {"mid": 2, "op": "put", "entry": second},
        ],
    )

    assert [r["mid"] for r in response.json["results"]] == [2]
    assert response.json["last_mid"] == 2
    assert stored(app, first["id"]).body["text"] == valid_body("appreciation")["text"]
    assert stored(app, second["id"]) is not None


def test_rejected_mutation_does_not_stop_the_valid_one_after_it(app, pair):
    alice, _ = pair(rituals=False)
    bad, good = entry("checkin", {"mood": 9, "us": 3}), entry("appreciation")

    response = _post(alice, mutations=[{"mid": 1, "op": "put", "entry": bad}, {"mid": 2, "op": "put", "entry": good}])

    assert response.status_code == 200
    rejected, applied = response.json["results"]
    assert rejected["mid"] == 1 and rejected["status"] == "rejected" and rejected["entry"] is None
    assert rejected["error"] == {
        "code": 422,
        "status": "Unprocessable Entity",
        "reason": "invalid_entry",
        "message": "This entry is not valid.",
        "errors": {"body": {"mood": ["The most is 5."]}},
        "codes": {"body": {"mood": ["too_big"]}},
    }
    assert applied["mid"] == 2 and applied["status"] == "applied" and applied["entry"]["id"] == good["id"]
    assert response.json["last_mid"] == 2
    assert stored(app, bad["id"]) is None and stored(app, good["id"]) is not None
    assert change_ids(response.json["changes"]) == [good["id"]]


def test_rejected_mutation_is_processed_for_good(app, pair):
    alice, _ = pair(rituals=False)
    bad = entry("checkin", {"mood": 9, "us": 3})
    _post(alice, mutations=[{"mid": 1, "op": "put", "entry": bad}])

    retry = _post(alice, mutations=[{"mid": 1, "op": "put", "entry": bad}])

    assert retry.json["results"] == [] and retry.json["last_mid"] == 1
    with app.app_context():
        assert db.session.get(ClientState, (alice.id, alice.client_id)).last_mid == 1


def test_last_mid_is_returned_and_kept_per_device(app, pair):
    alice, _ = pair(rituals=False)
    assert alice.sync().json["last_mid"] == 0
    alice.sync(("put", entry("appreciation")), ("put", entry("appreciation")))
    other_device = _post(alice, client_id=str(uuid.uuid4()))

    assert alice.sync().json["last_mid"] == 2
    assert other_device.json["last_mid"] == 0


def test_each_changed_entry_gets_its_own_seq(app, pair):
    alice, _ = pair(rituals=False)
    before = couple_seq(app, alice)

    response = alice.sync(*[("put", entry("appreciation")) for _ in range(3)])

    seqs = [r["entry"]["seq"] for r in response.json["results"]]
    assert seqs == [before + 1, before + 2, before + 3]
    assert couple_seq(app, alice) == before + 3
    assert response.json["cursor"] == f"{before + 3}.3"  # the couple's position, then Alice's own
    assert response.json["couple_id"]


# --- the envelope ------------------------------------------------------------------------------------------


def test_mids_must_increase_within_a_request(app, pair):
    alice, _ = pair(rituals=False)
    response = _post(
        alice,
        mutations=[
            {"mid": 2, "op": "put", "entry": entry("appreciation")},
            {"mid": 2, "op": "put", "entry": entry("appreciation")},
        ],
    )

    assert response.status_code == 422
    assert "mutations" in response.json["errors"]
    assert entry_count(app) == 0


def test_more_than_100_mutations_are_refused(app, pair):
    alice, _ = pair(rituals=False)
    mutations = [{"mid": n, "op": "put", "entry": entry("appreciation")} for n in range(1, 102)]

    response = _post(alice, mutations=mutations)

    assert response.status_code == 422
    assert "mutations" in response.json["errors"]
    assert entry_count(app) == 0


def test_100_mutations_are_accepted(app, pair):
    alice, _ = pair(rituals=False)
    mutations = [{"mid": n, "op": "put", "entry": entry("appreciation")} for n in range(1, 101)]

    response = _post(alice, mutations=mutations)

    assert response.status_code == 200 and len(response.json["results"]) == 100
    assert entry_count(app) == 100


DROP = object()


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"client_id": DROP}, "client_id"),
        ({"client_id": "device-1", "cursor": 0}, "client_id"),
        ({"client_id": None, "cursor": 0}, "client_id"),
        ({"cursor": -1}, "cursor"),
        ({"cursor": "5"}, "cursor"),
        ({"cursor": None}, "cursor"),
        ({"mutations": {"mid": 1}}, "mutations"),
        ({"mutations": [{"mid": 0, "op": "put", "entry": {}}]}, "mutations"),
        ({"mutations": [{"mid": "1", "op": "put", "entry": {}}]}, "mutations"),
        ({"mutations": [{"mid": 2**63, "op": "put", "entry": {}}]}, "mutations"),
        ({"mutations": [{"mid": 1, "op": "upsert", "entry": {}}]}, "mutations"),
        ({"mutations": [{"mid": 1, "op": "put"}]}, "mutations"),
        ({"mutations": [{"mid": 1, "op": "put", "entry": "x"}]}, "mutations"),
        ({"mutations": [{"mid": 1, "op": "put", "entry": {}, "extra": 1}]}, "mutations"),
        ({"since": 3}, "since"),
    ],
)
def test_bad_envelope_is_refused_naming_the_field(app, pair, payload, field):
    alice, _ = pair(rituals=False)
    body = {"client_id": alice.client_id, "cursor": 0, **payload}
    body = {key: value for key, value in body.items() if value is not DROP}

    response = alice.client.post("/api/sync", json=body)

    assert response.status_code == 422, response.json
    assert field in response.json["errors"]
    assert entry_count(app) == 0


def test_sync_needs_a_login(client):
    response = client.post("/api/sync", json={"client_id": str(uuid.uuid4()), "cursor": 0})

    assert response.status_code == 401


def test_sync_without_a_couple_keeps_the_users_own_entries(app, signup):
    loner = signup()

    response = loner.sync(("put", entry("journal")), couple_id=None)

    assert response.status_code == 200, response.json
    assert response.json["results"][0]["status"] == "applied"
    assert response.json["couple_id"] is None
    assert entry_count(app) == 1


def test_sync_naming_a_couple_the_user_is_not_in_is_a_conflict_and_applies_nothing(app, pair, signup):
    _, bob = pair(rituals=False)
    loner = signup()

    response = loner.sync(("put", entry("appreciation")), couple_id=bob.couple_id())

    assert response.status_code == 409
    assert response.json["code"] == 409 and response.json["message"]
    assert response.json["errors"] == {"couple_id": ["Not your couple now."]}
    assert response.json["couple_id"] is None
    assert entry_count(app) == 0


def test_sync_after_leaving_the_couple_is_a_conflict_for_writes_named_for_it(app, pair):
    alice, _ = pair(rituals=False)
    couple_id = alice.couple_id()
    assert alice.client.post("/api/couple/leave", json={}).status_code == 204

    response = alice.sync(("put", entry("appreciation")), couple_id=couple_id)

    assert response.status_code == 409 and response.json["couple_id"] is None
    assert alice.sync(couple_id=None).status_code == 200


# --- conflicts and last writer wins ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["ritual", "agreement"])
def test_base_rev_above_the_stored_rev_is_a_conflict(app, pair, kind):
    alice, bob = pair(rituals=False)
    entry_id = put_ok(alice, kind)

    result = only_result(bob.sync(("put", entry(kind, id=entry_id, base_rev=99))))

    assert result["status"] == "conflict" and result["entry"]["rev"] == 1
    assert stored(app, entry_id).rev == 1


@pytest.mark.parametrize("kind", ["ritual", "agreement"])
def test_stale_base_rev_is_a_conflict_returning_the_current_entry(app, pair, kind):
    alice, bob = pair(rituals=False)
    entry_id = put_ok(alice, kind)
    bobs = {**valid_body(kind), "title" if kind == "ritual" else "text": "Bob's version"}
    assert only_result(bob.sync(("put", entry(kind, bobs, id=entry_id, base_rev=1))))["status"] == "applied"
    version = couple_seq(app, alice)

    alices = {**valid_body(kind), "title" if kind == "ritual" else "text": "Alice's version"}
    result = only_result(alice.sync(("put", entry(kind, alices, id=entry_id, base_rev=1))))

    assert result["status"] == "conflict"
    assert result["error"]["code"] == 409 and result["error"]["message"]
    assert result["entry"]["rev"] == 2 and result["entry"]["author_id"] == alice.id
    assert result["entry"]["body"]["title" if kind == "ritual" else "text"] == "Bob's version"
    row = stored(app, entry_id)
    assert row.rev == 2 and row.body == result["entry"]["body"]
    assert couple_seq(app, alice) == version


def test_missing_base_rev_on_an_existing_shared_edit_entry_is_a_conflict(app, pair):
    alice, bob = pair(rituals=False)
    entry_id = put_ok(alice, "agreement")

    result = only_result(bob.sync(("put", entry("agreement", id=entry_id))))

    assert result["status"] == "conflict" and result["entry"]["rev"] == 1
    assert stored(app, entry_id).rev == 1


def test_current_base_rev_applies_and_bumps_rev(app, pair):
    alice, bob = pair(rituals=False)
    entry_id = put_ok(alice, "agreement")
    body = {**valid_body("agreement"), "text": "Ten-minute break, then talk."}

    result = only_result(bob.sync(("put", entry("agreement", body, id=entry_id, base_rev=1))))

    assert result["status"] == "applied" and result["entry"]["rev"] == 2
    assert stored(app, entry_id).body["text"] == "Ten-minute break, then talk."


def test_delete_with_a_stale_base_rev_is_a_conflict(app, pair):
    alice, bob = pair(rituals=False)
    entry_id = put_ok(alice, "ritual")
    put_ok(bob, "ritual", {**valid_body("ritual"), "title": "Bob's ritual"}, id=entry_id, base_rev=1)

    result = only_result(alice.sync(("delete", {"id": entry_id, "base_rev": 1})))

    assert result["status"] == "conflict" and result["entry"]["body"]["title"] == "Bob's ritual"
    row = stored(app, entry_id)
    assert not row.deleted and row.rev == 2


def test_author_only_kinds_are_last_writer_wins(app, pair):
    alice, _ = pair(rituals=False)
    entry_id = put_ok(alice, "appreciation")
    first = only_result(alice.sync(("put", entry("appreciation", {"text": "first"}, id=entry_id))))
    second = only_result(alice.sync(("put", entry("appreciation", {"text": "second"}, id=entry_id, base_rev=1))))

    assert first["status"] == second["status"] == "applied"
    row = stored(app, entry_id)
    assert row.body == {"text": "second"} and row.rev == 3 and row.seq == second["entry"]["seq"]


@pytest.mark.parametrize("kind", ["appreciation", "journal"])
def test_a_put_made_if_unchanged_applies_only_to_the_version_it_was_made_from(app, pair, kind):
    """An old entry's words sealed again by one device (if_unchanged) must not undo the edit another device
    of the author made meanwhile: a conflict returning the current entry. On that version, it applies."""
    alice, _ = pair(rituals=False)
    entry_id = put_ok(alice, kind, {"text": "first"})
    put_ok(alice, kind, {"text": "edited on the laptop"}, id=entry_id, base_rev=1)

    stale = only_result(alice.sync(("put", entry(kind, {"text": "first"}, id=entry_id, base_rev=1, if_unchanged=True))))
    assert stale["status"] == "conflict" and stale["entry"]["body"]["text"] == "edited on the laptop"
    assert (stored(app, entry_id).body["text"], stored(app, entry_id).rev) == ("edited on the laptop", 2)

    fresh = entry(kind, {"text": "edited on the laptop"}, id=entry_id, base_rev=2, if_unchanged=True)
    assert only_result(alice.sync(("put", fresh)))["status"] == "applied"
    assert stored(app, entry_id).rev == 3


def test_kind_of_an_entry_cannot_change(app, pair):
    alice, _ = pair(rituals=False)
    entry_id = put_ok(alice, "appreciation")

    result = only_result(alice.sync(("put", entry("journal", id=entry_id))))

    assert result["status"] == "rejected" and "kind" in result["error"]["errors"]
    assert stored(app, entry_id).kind == "appreciation"


# --- deletes -----------------------------------------------------------------------------------------------


def test_delete_leaves_a_tombstone_that_syncs_to_the_partner(app, pair):
    alice, bob = pair(rituals=False)
    entry_id = put_ok(alice, "appreciation")
    assert change_ids(bob.pull_all()) == [entry_id]

    result = only_result(alice.sync(("delete", {"id": entry_id, "kind": "appreciation"})))
    changes = bob.pull_all()

    assert result["status"] == "applied" and result["entry"]["deleted"] is True
    [tombstone] = changes
    assert tombstone["id"] == entry_id and tombstone["deleted"] is True and tombstone["body"] == {}
    row = stored(app, entry_id)
    assert row.deleted and row.deleted_at is not None and row.body == {} and row.rev == 2


def test_deleting_twice_changes_nothing(app, pair):
    alice, _ = pair(rituals=False)
    entry_id = put_ok(alice, "appreciation")
    alice.sync(("delete", {"id": entry_id}))
    version, seq = couple_seq(app, alice), stored(app, entry_id).seq

    result = only_result(alice.sync(("delete", {"id": entry_id})))

    assert result["status"] == "applied" and result["entry"]["deleted"] is True
    assert couple_seq(app, alice) == version and stored(app, entry_id).seq == seq


def test_put_on_a_deleted_entry_is_gone(app, pair):
    alice, _ = pair(rituals=False)
    entry_id = put_ok(alice, "appreciation")
    alice.sync(("delete", {"id": entry_id}))

    result = only_result(alice.sync(("put", entry("appreciation", id=entry_id))))

    assert result["status"] == "rejected" and result["error"]["code"] == 410
    assert stored(app, entry_id).deleted and stored(app, entry_id).body == {}


def test_delete_of_a_missing_entry_is_not_found(app, pair):
    alice, _ = pair(rituals=False)

    result = only_result(alice.sync(("delete", {"id": new_id()})))

    assert result["status"] == "rejected" and result["error"]["code"] == 404


# --- push jobs ---------------------------------------------------------------------------------------------

PARTNER_TARGETS = {"reflection": "disclosure", "bid_response": "bid", "reaction": "appreciation"}


@pytest.mark.parametrize(
    "kind", ["appreciation", "bid", "bid_response", "reflection", "reaction", "answer", "timeout", "disclosure"]
)
def test_partner_event_writes_a_push_job(app, pair, kind):
    alice, bob = pair(rituals=False)
    ref_id = put_ok(bob, PARTNER_TARGETS[kind]) if kind in PARTNER_TARGETS else None
    before = push_jobs(app)

    entry_id = put_ok(alice, kind, ref_id=ref_id)

    assert push_jobs(app) == before + [(bob.id, kind, alice.id, entry_id, "pending")]


def test_ending_a_timeout_writes_a_push_job(app, pair):
    alice, bob = pair(rituals=False)
    entry_id = put_ok(alice, "timeout")
    body = {**valid_body("timeout"), "ended_at": valid_body("ritual_session")["ended_at"]}

    put_ok(alice, "timeout", body, id=entry_id)
    put_ok(alice, "timeout", body, id=entry_id)

    assert push_jobs(app) == [
        (bob.id, "timeout", alice.id, entry_id, "pending"),
        (bob.id, "timeout_ended", alice.id, entry_id, "pending"),
    ]


@pytest.mark.parametrize("kind", ["appreciation", "disclosure", "answer", "timeout", "bid"])
def test_private_entry_writes_no_push_job(app, pair, kind):
    alice, _ = pair(rituals=False)

    put_ok(alice, kind, visibility="private")

    assert push_jobs(app) == []


def test_reaction_to_ones_own_entry_writes_no_push_job(app, pair):
    alice, _ = pair(rituals=False)
    own = put_ok(alice, "checkin")
    before = push_jobs(app)

    put_ok(alice, "reaction", ref_id=own)

    assert push_jobs(app) == before


def test_bid_the_partner_made_writes_no_push_job(app, pair):
    alice, _ = pair(rituals=False)

    put_ok(alice, "bid", {**valid_body("bid"), "bidder": "partner"})

    assert push_jobs(app) == []


def test_editing_an_appreciation_writes_no_second_push_job(app, pair):
    alice, bob = pair(rituals=False)
    entry_id = put_ok(alice, "appreciation")

    put_ok(alice, "appreciation", {"text": "edited"}, id=entry_id)

    assert push_jobs(app) == [(bob.id, "appreciation", alice.id, entry_id, "pending")]


def test_rejected_mutation_writes_no_push_job(app, pair):
    alice, _ = pair(rituals=False)

    alice.sync(("put", entry("appreciation", {"text": ""})))

    assert push_jobs(app) == []


def test_no_seq_is_shared_by_two_entries(app, pair):
    alice, bob = pair(rituals=False)
    for person in (alice, bob, alice):
        person.sync(*[("put", entry("appreciation")) for _ in range(5)])
    with app.app_context():
        seqs = db.session.scalars(db.select(Entry.seq)).all()
    assert len(seqs) == 15 and len(set(seqs)) == 15
