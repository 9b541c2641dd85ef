"""End-to-end encryption between two real phones (issue 15, docs/encryption.md): the keyring registers each
phone and hands the couple key over, the sync seals words as they leave and opens them as they arrive, so the
server's database and its log never hold them; a phone without the author's personal key cannot read a
journal; an envelope that was changed or moved is set aside with a quiet line (English and Russian), never
shown; two phones making the couple key at once end with one key. On SQLite and PostgreSQL (TEST_DATABASE_URL)."""

import json
import logging
import uuid

import pytest
from sqlalchemy import select, update

import e2e_crypto as ec
from backend.extensions import db
from backend.models import Couple, Entry, KeyCheck

from .e2e_keys import KEY_HEX, RING, database_bytes, paired_and_ready, ready
from .e2e_support import artifacts, go_offline, go_online, open_app, seed, settle, tab, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("encryption_on", "key_epochs_from_one")]  # keys c1, p1…

MARKER = "Zebra-marker 7f3a: thank you for the soup"
SECRET = "Quokka-marker 9c1e: only for my journal"


def test_words_leave_the_phone_sealed_and_only_the_partner_reads_them(
    new_context, people, live_server, database_url, capfd, caplog
):
    caplog.set_level(logging.DEBUG)
    alex, sam, a, s = paired_and_ready(new_context, people)

    go_offline(alex)
    tab(a, "/appreciate")
    a.get_by_label("Something you appreciate about Sam").fill(MARKER)
    a.get_by_role("button", name="Send appreciation").click()
    tab(a, "/journal")
    a.get_by_label("Write freely").fill(SECRET)
    a.get_by_role("button", name="Save to journal").click()
    a.get_by_text(SECRET).wait_for()  # on her phone, in plaintext, while offline
    assert live_server.entries(kind="appreciation") == []
    go_online(alex)
    settle(a)

    [thanks] = live_server.entries(kind="appreciation")
    [journal] = live_server.entries(kind="journal")
    assert thanks.body["text"].startswith("e1.c1.") and journal.body["text"].startswith("e1.p1.")

    s.goto("/appreciate")
    s.get_by_text(MARKER).wait_for()  # Sam's phone opened it with the couple key
    assert s.get_by_text(SECRET).count() == 0
    s.screenshot(path=artifacts("encryption", "sam-reads.png"))

    # Sam's phone holds the couple key, not Alex's personal one: her journal does not open there.
    opened = s.evaluate(
        """async (entry) => (await import('/frontend/js/crypto/keyring.js')).openEntry(entry)""",
        {"id": journal.id, "kind": "journal", "body": journal.body, "couple_id": None, "author_id": journal.author_id},
    )
    assert opened.get("tampered") is True and SECRET not in str(opened)
    assert s.evaluate(KEY_HEX, "c1") == a.evaluate(KEY_HEX, "c1")
    assert s.evaluate(KEY_HEX, "p1") != a.evaluate(KEY_HEX, "p1")

    # Nowhere on the server: not in the database's files (or its dump), not in its log.
    everything = database_bytes(database_url)
    assert thanks.body["text"].encode() in everything  # the dump holds the rows …
    logged = "".join(capfd.readouterr()) + "".join(record.getMessage() for record in caplog.records)
    for marker in (MARKER, SECRET):
        assert marker.encode() not in everything  # … but never the words
        assert marker not in logged


def _hostile_put(context, server, body_text, entry_id=None):
    couple = context.request.get(f"{server.url}/api/me").json()["couple"]
    response = context.request.post(
        f"{server.url}/api/sync",
        data={
            "client_id": str(uuid.uuid4()),
            "cursor": 0,
            "couple_id": couple["id"],
            "mutations": [
                {
                    "mid": 1,
                    "op": "put",
                    "entry": {
                        "id": entry_id or str(uuid.uuid4()),
                        "kind": "appreciation",
                        "visibility": "shared",
                        "ref_id": None,
                        "body": {"text": body_text},
                    },
                }
            ],
        },
    )
    assert response.status == 200 and response.json()["results"][0]["status"] == "applied", response.text()


@pytest.mark.parametrize(
    "locale, line",
    [
        ("en-US", "Something from Alex could not be read on this phone and was set aside."),
        ("ru-RU", "Alex: одну запись не удалось прочитать на этом телефоне, и она отложена."),
    ],
)
def test_a_changed_or_moved_envelope_is_set_aside_never_shown(new_context, people, live_server, locale, line):
    alex, sam, a, s = paired_and_ready(new_context, people, sam_locale=locale)
    tab(a, "/appreciate")
    a.get_by_label("Something you appreciate about Sam").fill(MARKER)
    a.get_by_role("button", name="Send appreciation").click()
    settle(a)
    [real] = live_server.entries(kind="appreciation")
    envelope = real.body["text"]

    # A hostile client (Alex's session, another device id) moves the real envelope to another entry (its
    # additional data names the first), and the server, which cannot tell, stores it.
    _hostile_put(alex, live_server, envelope)
    # And someone with the database changes one character of the real one and moves it up the stream.
    flipped = envelope[:-5] + ("A" if envelope[-5] != "A" else "B") + envelope[-4:]
    with live_server.app.app_context():
        row = db.session.get(Entry, real.id)
        couple = db.session.get(Couple, row.couple_id)
        couple.seq += 1
        db.session.execute(
            update(Entry).where(Entry.id == real.id).values(body={"text": flipped}, seq=couple.seq, rev=row.rev + 1)
        )
        db.session.commit()

    s.reload()
    s.get_by_text(line).wait_for()
    assert s.get_by_text(line).count() == 1  # one line for Alex, however many
    html = s.content()
    assert envelope[10:40] not in html and flipped[10:40] not in html and "e1.c1." not in html
    assert MARKER not in html  # the first, opened earlier, is set aside too now that it changed
    s.screenshot(path=artifacts("encryption", f"set-aside-{locale[:2]}.png"))


def test_two_phones_making_the_couple_key_at_once_end_with_one(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    held = []

    def hold(route):
        # Both phones' first couple key waits here until the other's has come: both made their own c1.
        if route.request.method == "PUT" and '"key_id":"c1"' in (route.request.post_data or "") and len(held) < 2:
            held.append(route)
            if len(held) == 2:
                for waiting in held:
                    waiting.continue_()
            return
        route.continue_()

    for context in (alex, sam):
        context.route("**/api/keys/wrapped", hold)
    a, s = open_app(alex), open_app(sam)
    wait_until(a, "() => true")
    ready(a, timeout=60_000)
    ready(s, timeout=60_000)
    assert len(held) == 2
    assert a.evaluate(KEY_HEX, "c1") == s.evaluate(KEY_HEX, "c1") is not None
    with live_server.app.app_context():
        assert len(db.session.scalars(select(KeyCheck).where(KeyCheck.key_id == "c1")).all()) == 1
    # The key both hold is the one the server kept: what one seals, the other opens.
    tab(a, "/appreciate")
    a.get_by_label("Something you appreciate about Sam").fill(MARKER)
    a.get_by_role("button", name="Send appreciation").click()
    settle(a)
    s.goto("/appreciate")
    s.screenshot(path=artifacts("encryption", "race-sam.png"))
    s.get_by_text(MARKER).wait_for()


def test_the_server_refuses_plaintext_once_a_phone_holds_keys(new_context, people, live_server):
    alex, sam, a, _s = paired_and_ready(new_context, people)
    couple = alex.request.get(f"{live_server.url}/api/me").json()["couple"]
    response = alex.request.post(
        f"{live_server.url}/api/sync",
        data={
            "client_id": str(uuid.uuid4()),
            "cursor": 0,
            "couple_id": couple["id"],
            "mutations": [
                {
                    "mid": 1,
                    "op": "put",
                    "entry": {
                        "id": str(uuid.uuid4()),
                        "kind": "appreciation",
                        "visibility": "shared",
                        "ref_id": None,
                        "body": {"text": MARKER},
                    },
                }
            ],
        },
    )
    [result] = response.json()["results"]
    assert result["error"]["reason"] == "must_encrypt"
    assert ec.b64url(b"x")  # the Python twin is importable (server tests make real envelopes with it)


def test_entries_from_before_sealing_are_sealed_by_their_authors_phone(new_context, people, live_server):
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    old = seed(live_server, alex, "appreciation", {"text": "Old plain thanks"})  # before any phone had keys
    sent = []
    alex.on("request", lambda r: sent.append(r.post_data or "") if r.url.endswith("/api/sync") else None)
    a = open_app(alex)
    ready(a)
    for _ in range(150):
        [row] = live_server.entries(id=old)
        if row.body["text"].startswith("e1.c1."):
            break
        a.wait_for_timeout(200)
    assert row.body["text"].startswith("e1.c1."), row.body
    # The move applies only to the version it was made from (a newer edit from another device stays).
    moves = [
        m["entry"] for body in sent if body for m in json.loads(body).get("mutations", []) if m["entry"]["id"] == old
    ]
    assert moves and all(m["if_unchanged"] is True and m["base_rev"] == 1 for m in moves), moves
    s = open_app(sam, "/appreciate")
    wait_until(s, f"() => ({RING})().then((s) => s === 'waiting' || s === 'ready')", timeout=30_000)
    a.reload()  # Alex's phone wraps the couple key for Sam's, which then opens the moved entry
    s.get_by_text("Old plain thanks").wait_for(timeout=40_000)
