"""Writes queued for one couple never land in another (issue 10, item 1), and after a couple ends each
keeps their own entries, journal included: readable, editable, deletable, exportable (item 17)."""

from samples import entry, push_jobs, put_ok, stored

THANKS = "thank you for last night. I still love you."


def _leave(person):
    assert person.client.post("/api/couple/leave", json={}).status_code == 204


def _pair(first, second):
    code = first.client.post("/api/couple", json={}).json["invite"]["code"]
    assert second.client.post("/api/couple/join", json={"code": code}).status_code == 200


def _export(person):
    return {e["id"]: e for e in person.client.get("/api/export").json["entries"]}


def test_writes_queued_for_one_couple_never_land_in_the_next(app, pair, signup):
    alice, bob = pair(rituals=False)
    first_couple = alice.couple_id()
    _leave(bob)
    carol = signup("Carol")
    _pair(alice, carol)
    new_couple = alice.couple_id()
    queued = entry("appreciation", {"text": THANKS})  # written offline, for Bob

    response = alice.sync(("put", queued), couple_id=first_couple)

    assert response.status_code == 409
    assert response.json["errors"] == {"couple_id": ["Not your couple now."]}
    assert response.json["couple_id"] == new_couple
    assert stored(app, queued["id"]) is None
    assert THANKS not in str(carol.pull_all()) and THANKS not in str(carol.client.get("/api/export").json)
    assert [job for job in push_jobs(app) if job[3] == queued["id"]] == []
    # Nothing was processed: the phone may still send those mids for the right couple later.
    assert alice.sync(couple_id=new_couple).json["last_mid"] == 0


def test_a_pull_naming_an_old_couple_tells_the_phone_which_couple_is_current(app, pair):
    alice, bob = pair(rituals=False)
    first_couple = alice.couple_id()
    _leave(alice)

    response = alice.sync(couple_id=first_couple)

    assert response.status_code == 409 and response.json["couple_id"] is None


def test_after_the_couple_ends_own_entries_stay_readable_editable_deletable(app, pair):
    alice, bob = pair(rituals=False)
    journal = put_ok(alice, "journal")
    shared = put_ok(alice, "appreciation")
    gone = put_ok(alice, "disclosure")
    bobs = put_ok(bob, "appreciation")
    _leave(bob)

    edited = alice.sync(
        ("put", entry("journal", {"text": "Still mine", "feelings": []}, id=journal)),
        ("put", entry("appreciation", {"text": "Kept"}, id=shared)),
        ("delete", {"id": gone}),
        couple_id=None,
    )

    assert edited.status_code == 200
    assert [r["status"] for r in edited.json["results"]] == ["applied"] * 3
    assert stored(app, journal).body["text"] == "Still mine" and stored(app, gone).deleted
    fresh = {c["id"]: c for c in alice.sync(cursor=0, couple_id=None).json["changes"]}
    assert fresh[journal]["body"]["text"] == "Still mine" and fresh[shared]["body"]["text"] == "Kept"
    assert bobs not in fresh
    exported = _export(alice)
    assert journal in exported and shared in exported and gone not in exported and bobs not in exported


def test_an_unpaired_user_writes_their_journal(app, signup):
    loner = signup()

    journal = put_ok(loner, "journal")

    assert stored(app, journal).couple_id is None
    assert journal in _export(loner)


def test_entries_from_an_ended_couple_never_reach_a_new_partner(app, pair, signup):
    alice, bob = pair(rituals=False)
    old_couple = alice.couple_id()
    shared = put_ok(alice, "appreciation", {"text": THANKS})
    _leave(alice)
    carol = signup("Carol")
    _pair(alice, carol)

    put_ok(alice, "appreciation", {"text": THANKS + " (edited)"}, id=shared)  # an edit after re-pairing

    assert shared not in [c["id"] for c in carol.pull_all()] and shared not in _export(carol)
    assert shared not in [c["id"] for c in bob.sync(cursor=0, couple_id=None).json["changes"]]
    mine = {c["id"]: c for c in alice.sync(cursor=0).json["changes"]}
    assert mine[shared]["couple_id"] == old_couple != alice.couple_id()  # the phone keeps it out of the new feed
    assert [job for job in push_jobs(app) if job[3] == shared and job[0] == carol.id] == []
    stats = carol.client.get("/api/stats").json
    assert THANKS not in str(stats)


def test_a_former_partner_gets_nothing_of_edits_after_the_couple_ended(app, pair):
    alice, bob = pair(rituals=False)
    shared = put_ok(alice, "appreciation")
    bob.pull_all()
    _leave(alice)

    put_ok(alice, "appreciation", {"text": "after"}, id=shared, visibility="private")

    assert shared not in [c["id"] for c in bob.sync(cursor=0, couple_id=None).json["changes"]]
    assert shared not in _export(bob)
