"""Issue 15 part 6, scheduled reminders: a commitment's reminder and a custom ritual's reminder whose words are an
envelope carry it as `sealed` (docs/encryption.md, "Push previews"), as partner events do: the generic reminder
stays as the title and body (what shows when the phone cannot open it), the envelope is the entry's own, byte for
byte, the same in every device's copy; previews off, a combined reminder, or a payload over one Web Push record
carry none. Through the loopback push service, on SQLite and PostgreSQL."""

import json
import uuid
from datetime import timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

import e2e_crypto as ec
from backend.i18n import t
from backend.models import utcnow
from backend.services import notifications
from push_service import subscribe, tick
from samples import only_result, stored

pytestmark = pytest.mark.vapid

KEY = ec.new_content_key()
STEP = "Text each other when plans change"
TITLE = "Sunday walk by the canal"
BERLIN = ZoneInfo("Europe/Berlin")  # the signup helper's zone


@pytest.fixture
def couple(pair, push_service):
    """Alice and Bob without the default rituals (a reminder then goes alone); Bob has previews on and two
    phones."""
    alice, bob = pair(rituals=False)
    assert bob.client.patch("/api/me", json={"show_previews": True, "daily_push_budget": 6}).status_code == 200
    return alice, bob, [subscribe(bob, push_service), subscribe(bob, push_service)]


def _put_sealed(person, kind, body, field, words, entry_id=None):
    entry_id = entry_id or str(uuid.uuid4())
    body = {**body, field: ec.seal_text(KEY, "c1", entry_id, kind, field, words)}
    response, _ = person.put(kind, body, visibility="shared", id=entry_id)
    assert only_result(response)["status"] == "applied", response.json
    return entry_id


def commitment(alice, words=STEP, owner="partner"):
    today = utcnow().date().isoformat()  # due today: its 09:00 reminder is due at the test's instant (12:00)
    return _put_sealed(alice, "commitment", {"due_date": today, "owner": owner, "done_at": None}, "text", words)


def custom_ritual(alice, words=TITLE):
    at = (utcnow() + timedelta(hours=1)).astimezone(BERLIN).strftime("%H:%M")
    body = {"type": "custom", "schedule": {"freq": "daily", "time": at}, "duration_min": 20, "prompts": []}
    return _put_sealed(alice, "ritual", body, "title", words)


def _only(devices, type_, entry_id):
    """The one message of this type about this entry, the same on each of Bob's phones."""
    copies = [[m for m in device.messages(type_) if m["tag"].endswith(entry_id)] for device in devices]
    assert all(len(found) == 1 for found in copies), copies
    assert all(found == copies[0] for found in copies)  # one envelope per entry, the same for every device
    return copies[0][0]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_commitment_reminder_carries_its_envelope_and_no_words(app, couple, lang):
    alice, bob, devices = couple
    assert bob.client.patch("/api/me", json={"language": lang}).status_code == 200
    entry_id = commitment(alice)
    tick(app)
    message = _only(devices, "commitment_reminder", entry_id)
    line = t("push.commitment_due", lang)
    envelope = stored(app, entry_id).body["text"]
    assert message["sealed"] == {
        "entry_id": entry_id,
        "kind": "commitment",
        "field": "text",
        "envelope": envelope,
        "title": line,
    }
    assert (message["title"], message["body"]) == (t("app.name", lang), line)
    assert STEP not in json.dumps(message, ensure_ascii=False)
    assert ec.open_text(KEY, envelope, entry_id, "commitment", "text") == STEP


def test_a_custom_rituals_reminder_carries_its_sealed_title(app, couple):
    alice, _bob, devices = couple
    entry_id = custom_ritual(alice)
    tick(app, utcnow() + timedelta(hours=1))
    message = _only(devices, "ritual_reminder", entry_id)
    envelope = stored(app, entry_id).body["title"]
    line = "It's time for your ritual."
    assert message["sealed"] == {
        "entry_id": entry_id,
        "kind": "ritual",
        "field": "title",
        "envelope": envelope,
        "title": line,
    }
    assert message["body"] == line and TITLE not in json.dumps(message)
    assert ec.open_text(KEY, envelope, entry_id, "ritual", "title") == TITLE


def test_previews_off_a_reminder_carries_no_envelope(app, couple):
    alice, bob, devices = couple
    assert bob.client.patch("/api/me", json={"show_previews": False}).status_code == 200
    entry_id = commitment(alice)
    tick(app)
    message = _only(devices, "commitment_reminder", entry_id)
    assert "sealed" not in message and "e1." not in json.dumps(message)
    assert message["body"] == "A step you agreed to is due today."


def test_reminders_combined_into_one_push_carry_no_envelope(app, couple):
    alice, _bob, devices = couple
    first, second = commitment(alice), commitment(alice, "Call the plumber together")
    tick(app)
    messages = [m for m in devices[0].messages() if m["type"] in ("reminders", "commitment_reminder")]
    assert len(messages) == 1 and messages[0]["type"] == "reminders", messages
    assert "sealed" not in messages[0] and "e1." not in json.dumps(messages[0])
    assert {first, second}  # both claimed by that one push


def test_a_plaintext_commitment_still_names_its_words_without_sealed(app, couple):
    alice, _bob, devices = couple
    today = utcnow().date().isoformat()
    response, entry_id = alice.put(
        "commitment", {"text": STEP, "due_date": today, "owner": "partner"}, visibility="shared"
    )
    assert only_result(response)["status"] == "applied"
    tick(app)
    message = _only(devices, "commitment_reminder", entry_id)
    assert "sealed" not in message and message["body"] == f"Due today: {STEP}"


def _recipient(previews=True):
    return SimpleNamespace(id="bob", language="en", show_previews=previews)


def test_a_reminder_over_one_web_push_record_goes_with_the_generic_line():
    """No stored commitment or title is that long (their caps keep an envelope under 1.6 KB); a value stored
    before the caps, or a bigger cap later, still never makes a push the push service refuses."""
    big = ec.seal_text(KEY, "c1", "e", "commitment", "text", "😀" * 1200)
    row = SimpleNamespace(id="e", author_id="alice", body={"text": big, "due_date": "2026-06-10"})
    payload = notifications.commitment_reminder(row, _recipient())
    assert payload["sealed"]["envelope"] == big  # built …
    data = json.loads(notifications.encode(payload))  # … and dropped on the way out
    assert "sealed" not in data and data["body"] == "A step you agreed to is due today."
    small = ec.seal_text(KEY, "c1", "e", "commitment", "text", STEP)
    row.body["text"] = small
    assert json.loads(notifications.encode(notifications.commitment_reminder(row, _recipient())))["sealed"]


def test_a_default_ritual_or_a_malformed_value_carries_nothing_sealed():
    default = SimpleNamespace(id="r", body={"type": "weekly_checkin", "title": "Weekly check-in", "prompts": []})
    assert "sealed" not in notifications.ritual_reminder(default, _recipient())
    odd = SimpleNamespace(id="r", body={"type": "custom", "title": "e1.c1.short", "prompts": []})
    assert "sealed" not in notifications.ritual_reminder(odd, _recipient())
    sealed = SimpleNamespace(
        id="r", body={"type": "custom", "title": ec.seal_text(KEY, "c1", "r", "ritual", "title", "x")}
    )
    assert "sealed" not in notifications.ritual_reminder(sealed, _recipient(previews=False))


def test_partner_news_folded_into_a_reminder_drops_its_envelope():
    """A reminder joined by the partner's news says both in one line: the sealed words would replace it."""
    envelope = ec.seal_text(KEY, "c1", "e", "commitment", "text", STEP)
    row = SimpleNamespace(id="e", author_id="alice", body={"text": envelope})
    payload = notifications.commitment_reminder(row, _recipient())
    news = [SimpleNamespace(actor_id="alice")]
    users = {"alice": SimpleNamespace(display_name="Alice")}
    folded = notifications.with_news({"payload": payload, "lines": ["x"]}, news, users, _recipient())
    assert "sealed" not in folded and "Alice" in folded["body"]
