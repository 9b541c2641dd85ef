"""Issue 15, "Tests and figures": marker words typed on a phone (an appreciation, a journal page, today's question,
a tension's "when" and the next step agreed, which brings a reminder) never appear anywhere the server or the
push service keeps or sees them: the database's files (SQLite with its -wal and -shm) or pg_dump on PostgreSQL,
the server's log, either partner's GET /api/export, and what the loopback push service receives, decrypted with
the test subscription's own key (RFC 8291). There, a push about those words carries them only as `sealed`, an
envelope that opens with the couple key the phones hold; the partner's phone shows them. Two phones at 390x844,
the suite's fixed instant, previews on. On SQLite and PostgreSQL (TEST_DATABASE_URL)."""

import json
import logging
from datetime import date

import pytest

import e2e_crypto as ec
from backend.models import utcnow
from backend.services.schedule import wall_time
from push_service import Device, due_at, tick

from .e2e_keys import KEY_HEX, database_bytes, paired_and_ready
from .e2e_support import BERLIN, artifacts, settle, tab, wait_synced

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("encryption_on", "key_epochs_from_one")]  # keys c1, p1…

# ASCII with spaces: never inside base64url, never escaped in JSON, a dump or a log.
MARKERS = {
    "appreciation": "Zebra-marker 7f3a thank you for the soup",
    "journal": "Quokka-marker 9c1e only for my journal",
    "answer": "Okapi-marker 2b8d my answer for today",
    "tension": "Ibis-marker 5e0c the plans changed again",
    "commitment": "Tapir-marker 4d6a text each other first",
}


def subscribed(context, server, service):
    """A phone's push subscription with previews on; the test holds its private key."""
    prefs = context.request.patch(f"{server.url}/api/me", data={"show_previews": True, "daily_push_budget": 6})
    assert prefs.status == 200, prefs.text()
    device = Device(service)
    assert context.request.post(f"{server.url}/api/push/subscriptions", data=device.subscription()).status == 201
    return device


def deliver(server, now=None):
    """The worker's pass at the test's instant (or `now`): what the sync queued goes to the push service."""
    now = now or utcnow()
    due_at(server.app, now)
    tick(server.app, now)


def type_everything(page):
    """Alex types each marker where a person would, waiting for each to reach the server."""
    tab(page, "/appreciate")
    page.get_by_label("Something you appreciate about Sam").fill(MARKERS["appreciation"])
    page.get_by_role("button", name="Send appreciation").click()
    settle(page)
    yield "appreciation"
    tab(page, "/journal")
    page.get_by_label("Write freely").fill(MARKERS["journal"])
    page.get_by_role("button", name="Save to journal").click()
    settle(page)
    yield "journal"
    page.goto("/")
    wait_synced(page)
    card = page.get_by_role("region", name="Today's question")
    card.get_by_role("button", name="Today's question").click()  # folded to one line on Today
    card.get_by_role("textbox", name="Your answer").fill(MARKERS["answer"])
    card.get_by_role("button", name="Answer", exact=True).click()
    settle(page)
    yield "answer"
    page.goto("/tension")
    wait_synced(page)
    page.get_by_label("I felt", exact=True).select_option("hurt")
    page.get_by_label("when", exact=True).fill(MARKERS["tension"])
    page.get_by_role("button", name="Send to Sam").click()
    page.get_by_role("heading", name="Your open issue").wait_for()
    settle(page)
    yield "tension"
    page.get_by_label("The one next step you agreed").fill(MARKERS["commitment"])
    page.locator('select[name="due"]').select_option(index=0)  # tomorrow: its reminder comes at 09:00
    page.get_by_role("button", name="Save our next step").click()
    page.get_by_test_id("next-step").wait_for()
    settle(page)
    yield "commitment"


def opened(message, key):
    sealed = message["sealed"]
    return ec.open_text(key, sealed["envelope"], sealed["entry_id"], sealed["kind"], sealed["field"])


def test_typed_words_reach_no_database_log_export_or_push_service_in_the_clear(
    new_context, people, live_server, database_url, sending, capfd, caplog
):
    caplog.set_level(logging.DEBUG)
    alex, sam, a, s = paired_and_ready(new_context, people)
    devices = {"alex": subscribed(alex, live_server, sending), "sam": subscribed(sam, live_server, sending)}
    for _kind in type_everything(a):
        deliver(live_server)  # each on its own: a burst would be one summary push, which carries no words
    [step] = live_server.entries(kind="commitment")
    deliver(live_server, wall_time(date.fromisoformat(step.body["due_date"]), "09:00", BERLIN))

    # Sam's phone opens what is shared with it.
    s.goto("/appreciate")
    s.get_by_text(MARKERS["appreciation"]).wait_for()
    s.screenshot(path=artifacts("encryption", "marker-sam-reads.png"))
    s.goto("/tension")
    s.get_by_test_id("next-step").filter(has_text=MARKERS["commitment"]).wait_for()
    assert s.get_by_text(MARKERS["journal"]).count() == 0

    # What the push service received: each body decrypted with the subscription's private key.
    received = {name: [device.decrypt(r) for r in device.pushes()] for name, device in devices.items()}
    exports = {}
    for name, context in (("alex", alex), ("sam", sam)):
        response = context.request.get(f"{live_server.url}/api/export")
        assert response.status == 200, response.text()
        exports[name] = response.body()
    [stored] = live_server.entries(kind="appreciation")
    assert stored.body["text"].encode() in exports["alex"] and stored.body["text"].encode() in exports["sam"]

    logged = "".join(capfd.readouterr()) + "\n".join(record.getMessage() for record in caplog.records)
    places = {
        "the database": database_bytes(database_url),
        "the server log": logged.encode(),
        "alex's export": exports["alex"],
        "sam's export": exports["sam"],
        "the pushes, decrypted": json.dumps(received).encode(),
        "the pushes, on the wire": b"".join(r.body for r in sending.received),
    }
    leaks = {
        place: [kind for kind, words in MARKERS.items() if words.encode() in data] for place, data in places.items()
    }
    assert leaks == dict.fromkeys(places, []), leaks

    # … yet the words are there, sealed: the push carries the envelope the couple key opens.
    couple_key = bytes.fromhex(a.evaluate(KEY_HEX, "c1"))
    [thanks] = [m for m in received["sam"] if m["type"] == "appreciation"]
    assert opened(thanks, couple_key) == MARKERS["appreciation"]  # the words travel, sealed
    reminders = [m for m in received["alex"] + received["sam"] if m["type"] == "commitment_reminder"]
    assert len(reminders) == 2 and all(opened(m, couple_key) == MARKERS["commitment"] for m in reminders)
    for message in received["alex"] + received["sam"]:
        if "sealed" in message:
            assert ec.ENVELOPE.match(message["sealed"]["envelope"]), message
