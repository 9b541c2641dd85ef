"""The sync protocol's pull: pages of 500 (each entry once, even while the partner writes between
pages), cursors, and the 410 for a cursor behind the purge horizon or ahead of the counter."""

import json

from sqlalchemy import insert

import backend.services.sync as sync_service
from backend.extensions import db
from backend.models import ClientState, Couple, Entry, User
from samples import change_ids, couple_seq, cursor_at, entry, new_id, now, put_ok, stored, valid_body

# --- paging and cursors ------------------------------------------------------------------------------------


def _write_appreciations(person, count):
    ids = []
    for start in range(0, count, 100):
        batch = [entry("appreciation") for _ in range(min(100, count - start))]
        response = person.sync(*[("put", e) for e in batch], cursor=0)
        assert response.status_code == 200
        ids += [e["id"] for e in batch]
    return ids


def _pages(person):
    pages = []
    while True:
        response = person.sync()
        assert response.status_code == 200
        pages.append(response.json)
        person.cursor = response.json["cursor"]
        if not response.json["more"]:
            return pages


def _insert_appreciations(app, person, count):
    """Many entries straight into the database, stamped as a sync would stamp them (the write path is
    tested elsewhere; going through it 1,100 times only makes this test slow)."""
    with app.app_context():
        couple = db.session.get(Couple, db.session.get(User, person.id).couple_id)
        when, ids = now(), [new_id() for _ in range(count)]
        db.session.execute(
            insert(Entry),
            [
                {
                    "id": entry_id,
                    "couple_id": couple.id,
                    "author_id": person.id,
                    "kind": "appreciation",
                    "visibility": "shared",
                    "shared_once": True,
                    "body": valid_body("appreciation"),
                    "rev": 1,
                    "seq": couple.seq + n,
                    "created_at": when,
                    "updated_at": when,
                    "deleted": False,
                }
                for n, entry_id in enumerate(ids, start=1)
            ],
        )
        couple.seq += count
        db.session.commit()
    return ids


def test_paging_at_500_returns_1100_entries_once_each(app, pair):
    alice, bob = pair(rituals=False)
    written = _insert_appreciations(app, alice, 1100)

    pages = _pages(bob)

    assert [len(p["changes"]) for p in pages] == [500, 500, 100]
    assert [p["more"] for p in pages] == [True, True, False]
    seen = [c["id"] for p in pages for c in p["changes"]]
    assert len(seen) == len(set(seen)) and set(seen) == set(written)
    seqs = [c["seq"] for p in pages for c in p["changes"]]
    assert seqs == sorted(seqs) and pages[-1]["cursor"] == f"{couple_seq(app, alice)}.0"


def test_paging_through_synced_entries_returns_each_once(app, pair, monkeypatch):
    monkeypatch.setattr(sync_service, "PAGE_SIZE", 50)
    alice, bob = pair(rituals=False)
    written = _write_appreciations(alice, 220)

    pages = _pages(bob)

    assert [len(p["changes"]) for p in pages] == [50, 50, 50, 50, 20]
    assert [p["more"] for p in pages] == [True] * 4 + [False]
    seen = [c["id"] for p in pages for c in p["changes"]]
    assert len(seen) == len(set(seen)) and set(seen) == set(written)


def test_paging_skips_nothing_while_the_partner_writes_between_pages(app, pair, monkeypatch):
    monkeypatch.setattr(sync_service, "PAGE_SIZE", 7)
    alice, bob = pair(rituals=False)
    written = _write_appreciations(alice, 20)
    seen, more = [], True
    while more:
        response = bob.sync()
        assert len(response.json["changes"]) <= 7
        seen += change_ids(response.json["changes"])
        bob.cursor, more = response.json["cursor"], response.json["more"]
        if len(written) < 30:
            written += _write_appreciations(alice, 3)
    seen += change_ids(bob.pull_all())

    assert sorted(seen) == sorted(written)


def test_pull_does_not_return_what_the_cursor_has_seen(app, pair):
    alice, bob = pair(rituals=False)
    first = put_ok(alice, "appreciation")
    bob.pull_all()
    second = put_ok(alice, "appreciation")

    assert change_ids(bob.pull_all()) == [second]
    assert first != second and bob.pull_all() == []


def test_cursor_older_than_the_purged_horizon_is_gone(app, pair, runner):
    alice, bob = pair(rituals=False)
    kept, dropped = put_ok(alice, "appreciation"), put_ok(alice, "appreciation")
    bob.pull_all()
    old_cursor = bob.cursor
    alice.sync(("delete", {"id": dropped}))
    put_ok(alice, "appreciation")

    purged = runner.invoke(args=["entries", "purge", "--days", "0"])
    gone = bob.sync(cursor=old_cursor)
    fresh = bob.sync(cursor=0)

    assert purged.exit_code == 0 and "removed 1" in purged.output
    assert stored(app, dropped) is None
    assert gone.status_code == 410 and gone.json["code"] == 410
    assert fresh.status_code == 200
    assert dropped not in change_ids(fresh.json["changes"]) and kept in change_ids(fresh.json["changes"])
    assert alice.sync(cursor=cursor_at(app, alice)).status_code == 200


def test_cursor_ahead_of_the_couples_seq_is_gone(app, pair):
    alice, _ = pair(rituals=False)
    put_ok(alice, "appreciation")

    response = alice.sync(cursor=cursor_at(app, alice, couple_ahead=1))

    assert response.status_code == 410


def test_cursor_ahead_of_the_users_own_stream_is_gone(app, pair):
    alice, _ = pair(rituals=False)
    put_ok(alice, "journal")

    assert alice.sync(cursor=cursor_at(app, alice)).status_code == 200
    assert alice.sync(cursor=cursor_at(app, alice, own_ahead=1)).status_code == 410


def test_an_old_phones_integer_cursor_is_gone_and_zero_starts_over(app, pair):
    alice, _ = pair(rituals=False)
    put_ok(alice, "appreciation")

    old = alice.sync(cursor=1)
    fresh = alice.sync(cursor=0)

    assert old.status_code == 410
    assert fresh.status_code == 200 and fresh.json["cursor"] == cursor_at(app, alice)


def test_own_stream_cursor_behind_the_purged_horizon_is_gone(app, pair, runner):
    alice, _ = pair(rituals=False)
    put_ok(alice, "journal")
    dropped = put_ok(alice, "journal")
    alice.pull_all()
    old_cursor = alice.cursor
    alice.sync(("delete", {"id": dropped}))
    put_ok(alice, "journal")

    assert runner.invoke(args=["entries", "purge", "--days", "0"]).exit_code == 0

    assert alice.sync(cursor=old_cursor).status_code == 410
    assert alice.sync(cursor=cursor_at(app, alice)).status_code == 200


def test_cursor_ahead_is_checked_before_mutations_are_applied(app, pair):
    alice, _ = pair(rituals=False)
    sent = entry("appreciation")

    response = alice.sync(("put", sent), cursor="50.0")

    assert response.status_code == 410
    assert stored(app, sent["id"]) is None
    with app.app_context():
        assert db.session.get(ClientState, (alice.id, alice.client_id)) is None


# --- the byte cap ------------------------------------------------------------------------------------------


def _big_session(ritual_id, size):
    body = valid_body("ritual_session")
    body["answers"] = [{"prompt": "What went well?", "text": "x" * 900} for _ in range(size)]
    return entry("ritual_session", body, ref_id=ritual_id)


def test_a_pull_page_is_capped_by_bytes_as_well_as_by_count(app, pair, monkeypatch):
    monkeypatch.setattr(sync_service, "PAGE_BYTES", 100_000, raising=False)
    alice, bob = pair(rituals=False)
    ritual = put_ok(alice, "ritual")
    sessions = []
    for _ in range(4):  # four sessions of about 45 kB each
        sent = _big_session(ritual, 50)
        assert alice.sync(("put", sent)).json["results"][0]["status"] == "applied"
        sessions.append(sent["id"])

    pages = _pages(bob)

    sizes = [len(json.dumps(p["changes"])) for p in pages]
    assert len(pages) >= 2 and [p["more"] for p in pages] == [True] * (len(pages) - 1) + [False]
    assert all(size < 100_000 + 50_000 for size in sizes)  # stops once past the cap
    seen = [c["id"] for p in pages for c in p["changes"]]
    assert sorted(seen) == sorted([ritual, *sessions])


def test_a_change_larger_than_the_byte_cap_still_makes_a_page(app, pair, monkeypatch):
    monkeypatch.setattr(sync_service, "PAGE_BYTES", 1, raising=False)
    alice, bob = pair(rituals=False)
    ritual = put_ok(alice, "ritual")
    sent = _big_session(ritual, 5)
    alice.sync(("put", sent))

    pages = _pages(bob)

    assert [len(p["changes"]) for p in pages] == [1, 1] and pages[-1]["more"] is False
