"""The pull reads rows on the driver, not the ORM (services/sync_sql.pull_page): what it sends must
read exactly as the entry its writer got back, on SQLite (JSON as text, times as text, booleans as
0/1) and on PostgreSQL alike."""

from datetime import timedelta

import pytest

import backend.services.sync as sync_service
from samples import cursor_at, entry, iso, now, put_ok


def test_a_pulled_entry_reads_as_its_writer_got_it(pair):
    alice, bob = pair(rituals=False)
    # Made offline at a whole second (no microseconds: the text form differs) and with a nested body.
    made = (now() - timedelta(hours=3)).replace(microsecond=0)
    sent = entry(
        "checkin", {"mood": 4, "us": 5, "feelings": ["calm", "ünïcode"], "note": "«тихо»"}, created_at=iso(made)
    )
    written = alice.sync(("put", sent))
    assert written.status_code == 200
    [result] = written.json["results"]
    assert result["status"] == "applied"

    pulled = bob.sync()

    assert pulled.status_code == 200
    [change] = [c for c in pulled.json["changes"] if c["id"] == sent["id"]]
    assert change == result["entry"]
    assert change["deleted"] is False and change["body"]["feelings"] == ["calm", "ünïcode"]
    assert change["created_at"].startswith(made.strftime("%Y-%m-%dT%H:%M:%S"))


def test_a_pulled_deleted_entry_reads_as_a_boolean(pair):
    alice, _ = pair(rituals=False)
    sent = entry("appreciation")
    assert alice.sync(("put", sent)).status_code == 200
    assert alice.sync(("delete", {"id": sent["id"], "base_rev": 1})).status_code == 200

    # Another device of hers, from the start: her own row as stored, not a partner's tombstone.
    [change] = [c for c in alice.sync(cursor="0").json["changes"] if c["id"] == sent["id"]]

    assert change["deleted"] is True and change["body"] == {} and change["rev"] == 2


@pytest.mark.parametrize("page_size", [1, 2, 4, 500])
def test_a_sync_that_writes_answers_the_page_a_pull_alone_reads(app, pair, monkeypatch, page_size):
    """On PostgreSQL the push's write statement also reads the pull's page (sync_sql.write_batch), on a
    snapshot without the rows that statement inserts: the batch's new entries are added where the pull
    would have found them (both streams; an agreement, which both edit, is in the couple's too), and
    each stream cut to the page again. The answer is the page a pull alone reads from the same cursor."""
    monkeypatch.setattr(sync_service, "PAGE_SIZE", page_size)
    alice, bob = pair(rituals=False)
    bob.cursor = cursor_at(app, bob)
    agreement = put_ok(alice, "agreement")
    put_ok(alice, "appreciation")
    put_ok(alice, "checkin")

    written = bob.sync(
        ("put", entry("appreciation")),
        ("put", entry("agreement")),
        ("put", entry("agreement", id=agreement, base_rev=1)),  # a stored row the same statement reads
    )
    alone = bob.sync()

    assert written.status_code == alone.status_code == 200
    assert [r["status"] for r in written.json["results"]] == ["applied"] * 3
    assert len(written.json["changes"]) == min(page_size, 5)
    for key in ("changes", "cursor", "more"):
        assert written.json[key] == alone.json[key], key


def test_a_new_entry_sets_every_column_it_is_inserted_with():
    """A batch's new entries are plain objects (services.entries.NewEntry, its slots Entry's columns) that
    sync_sql inserts: each column has a value once made, or the insert would fail on an unset slot."""
    from datetime import UTC, datetime

    from backend.services.entries import NewEntry
    from backend.services.sync_sql import _entry_row

    entry = NewEntry("e1", "c1", "u1", "appreciation", datetime(2026, 6, 10, tzinfo=UTC))
    row = _entry_row(entry)  # AttributeError on any slot __init__ leaves unset
    assert row["id"] == "e1" and row["kind"] == "appreciation" and row["deleted"] is False
