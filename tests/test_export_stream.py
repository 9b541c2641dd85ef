"""GET /api/export is streamed: the same document (exported_at, user, couple, push_devices, keys, entries), written
while the entries are read a chunk at a time, so years of entries never make one huge response in memory."""

from datetime import timedelta

import pytest

from backend.services import export as export_service, visibility
from samples import iso, now, put_ok, valid_body

DOCUMENT = {"exported_at", "user", "couple", "push_devices", "keys", "entries"}


@pytest.fixture
def chunk_sizes(monkeypatch):
    """Chunks of 3 entries; the sizes of the row lists the export reads and checks, in order."""
    monkeypatch.setattr(export_service, "EXPORT_CHUNK", 3, raising=False)
    seen, present = [], visibility.present

    def recording(user, rows):
        seen.append(len(rows))
        return present(user, rows)

    monkeypatch.setattr(visibility, "present", recording)
    return seen


def exported(person):
    response = person.client.get("/api/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "Content-Length" not in response.headers  # written while read, so its length is not known first
    document = response.json
    assert set(document) == DOCUMENT
    return document


def test_export_streams_and_reads_entries_a_chunk_at_a_time(app, pair, chunk_sizes):
    alice, bob = pair(rituals=False)
    start = now() - timedelta(days=10)
    mine = [put_ok(alice, "appreciation", created_at=iso(start + timedelta(minutes=n))) for n in range(7)]
    theirs = put_ok(bob, "appreciation", created_at=iso(start + timedelta(minutes=3, seconds=30)))
    chunk_sizes.clear()  # the syncs above presented their pulls too

    document = exported(alice)

    assert [e["id"] for e in document["entries"]] == mine[:4] + [theirs] + mine[4:]
    assert document["user"]["id"] == alice.id and document["push_devices"] == 0
    assert document["keys"] == {"devices": [], "personal_epoch": 1, "recovery": None}
    assert chunk_sizes and max(chunk_sizes) <= 3 and sum(chunk_sizes) == 8


def test_export_loses_and_repeats_nothing_when_many_entries_share_a_time(app, pair, chunk_sizes):
    alice, _ = pair(rituals=False)
    moment = iso(now() - timedelta(days=2))
    ids = [put_ok(alice, "checkin", created_at=moment) for _ in range(8)]
    assert [e["id"] for e in exported(alice)["entries"]] == sorted(ids)


def test_export_reveals_an_answer_whose_reply_is_in_a_later_chunk(app, pair, chunk_sizes):
    alice, bob = pair(rituals=False)
    start = now() - timedelta(days=5)
    answer = {**valid_body("answer"), "question_id": "q-chunks"}
    bobs = put_ok(bob, "answer", answer, created_at=iso(start))
    for n in range(4):
        put_ok(alice, "appreciation", created_at=iso(start + timedelta(minutes=n + 1)))
    alices = put_ok(alice, "answer", answer, created_at=iso(start + timedelta(hours=1)))
    ids = [e["id"] for e in exported(alice)["entries"]]
    assert ids[0] == bobs and ids[-1] == alices and len(ids) == 6


def test_an_empty_export_is_still_the_whole_document(app, signup):
    alice = signup()
    document = exported(alice)
    assert document["entries"] == [] and document["couple"] is None
