"""Issue 15 part 6: push previews of sealed words (docs/encryption.md, "Push previews").

With previews on, a push about an entry whose previewed field is an envelope carries that envelope, byte for
byte, as `sealed` {entry_id, kind, field, envelope, title} beside the generic title and body, for the service
worker to open with the phone's key. The server never has the words: the payload holds none of them. Previews
off, a summary or several of one kind, or a payload that would not fit one Web Push record: no `sealed`.
Every push goes through the loopback push service (real encryption, real pywebpush) on SQLite and PostgreSQL.
"""

import json
import os
from datetime import timedelta
from types import SimpleNamespace

import pytest

import e2e_crypto as ec
from backend import kinds
from backend.i18n import t
from backend.models import utcnow
from backend.schemas import words
from backend.services import notifications
from backend.services.delivery import Message, Sender
from backend.services.push import load_vapid
from push_service import NOW, Device, due_at, subscribe, tick
from samples import entry, iso, only_result, put_ok, stored, valid_body

pytestmark = pytest.mark.vapid

COUPLE_KEY = ec.new_content_key()


def seal_body(kind, body, entry_id, key=COUPLE_KEY, key_id="c1"):
    """The body with every non-empty words field sealed as the phone seals it; {path: plaintext}."""
    plain = {}
    for path in kinds.KINDS[kind].words:
        for where, value in words.at(body, path):
            if value:
                plain[where] = value
                *parents, last = [int(p) if p.isdigit() else p for p in where.split(".")]
                node = body
                for part in parents:
                    node = node[part]
                node[last] = ec.seal_text(key, key_id, entry_id, kind, where, value)
    return body, plain


def send_sealed(person, kind, body=None, **fields):
    sent = entry(kind, valid_body(kind) if body is None else body, **fields)
    sent["body"], plain = seal_body(kind, sent["body"], sent["id"])
    assert only_result(person.sync(("put", sent)))["status"] == "applied"
    return sent, plain


def deliver(app):
    """One worker pass at the tests' chosen instant (a Wednesday, 13:00 in Berlin: no reminder is due), never
    at the real time."""
    due_at(app)
    tick(app, NOW)


@pytest.fixture
def couple(pair, push_service):
    """Alice and Bob; Bob has previews on and one subscribed phone."""
    alice, bob = pair()
    assert bob.client.patch("/api/me", json={"show_previews": True, "daily_push_budget": 6}).status_code == 200
    return alice, bob, subscribe(bob, push_service)


def no_words(message, plain):
    text = json.dumps(message, ensure_ascii=False)
    assert all(word not in text for word in plain.values()), text


# The kinds whose push previews the entry's words, and the line the push says when it cannot show them.
SEALED = [
    ("appreciation", "text", "Alice sent you an appreciation"),
    ("disclosure", "text", "Alice shared something with you"),
    ("bid", "note", None),
]


@pytest.mark.parametrize("kind, field, line", SEALED)
def test_the_push_carries_exactly_the_stored_envelope_and_no_words(app, couple, kind, field, line):
    alice, _bob, device = couple
    sent, plain = send_sealed(alice, kind)
    deliver(app)
    [message] = device.messages(kind)
    envelope = stored(app, sent["id"]).body[field]
    line = line or t(f"push.partner.{kind}", "en", name="Alice")
    assert message["sealed"] == {
        "entry_id": sent["id"],
        "kind": kind,
        "field": field,
        "envelope": envelope,
        "title": line,
    }
    assert (message["title"], message["body"]) == ("Hearth", line)  # what shows if the phone cannot open it
    no_words(message, plain)
    # The phone opens it with the couple key and the additional data the push names.
    assert ec.open_text(COUPLE_KEY, envelope, sent["id"], kind, field) == plain[field]


def test_a_timeout_note_carries_its_envelope(app, couple):
    alice, bob, device = couple
    _, timeout_id = bob.put("timeout", {"return_at": iso(utcnow() + timedelta(minutes=30))}, visibility="shared")
    alice.pull_all()
    sent, plain = send_sealed(alice, "timeout_note", ref_id=timeout_id)
    deliver(app)
    [message] = device.messages("timeout_note")
    assert message["sealed"]["envelope"] == stored(app, sent["id"]).body["text"]
    assert (message["sealed"]["kind"], message["sealed"]["field"]) == ("timeout_note", "text")
    no_words(message, plain)


def test_a_timeout_keeps_its_return_time_as_the_generic_line(app, couple):
    alice, _bob, device = couple
    body = {"return_at": iso(utcnow() + timedelta(minutes=30)), "note": "Back after a walk"}
    sent, plain = send_sealed(alice, "timeout", body)
    deliver(app)
    [message] = device.messages("timeout")
    assert "Alice" in message["body"] and message["title"] == "Hearth"
    assert message["sealed"]["field"] == "note"
    assert message["sealed"]["envelope"] == stored(app, sent["id"]).body["note"]
    no_words(message, plain)


def session_body(**extra):
    started = utcnow() - timedelta(minutes=20)
    return {"started_at": iso(started), "ended_at": iso(utcnow()), "answers": [], "passed": [], "note": ""} | extra


def _ritual(alice):
    body = {"type": "custom", "title": "Talk", "schedule": {"freq": "anytime"}, "duration_min": 20, "prompts": []}
    response, ritual_id = alice.put("ritual", body, visibility="shared")
    assert only_result(response)["status"] == "applied"
    return ritual_id


def _follow_up(alice, text):
    answers = [
        {"prompt": "What went well?", "text": "The walk."},
        {"prompt": "Follow-up message", "prompt_id": "follow_up", "text": text},
    ]
    return send_sealed(alice, "ritual_session", session_body(answers=answers), ref_id=_ritual(alice))


def test_a_follow_up_carries_the_envelope_of_its_own_answer(app, couple):
    alice, _bob, device = couple
    sent, plain = _follow_up(alice, "Loved the walk. Friday?")
    deliver(app)
    [message] = device.messages("follow_up")
    sealed = message["sealed"]
    assert (sealed["entry_id"], sealed["kind"], sealed["field"]) == (sent["id"], "ritual_session", "answers.1.text")
    assert sealed["envelope"] == stored(app, sent["id"]).body["answers"][1]["text"]
    assert ec.open_text(COUPLE_KEY, sealed["envelope"], sent["id"], "ritual_session", "answers.1.text") == (
        "Loved the walk. Friday?"
    )
    no_words(message, plain)


def test_an_envelope_too_big_for_one_push_goes_without(app, couple, push_service):
    alice, _bob, device = couple
    sent, plain = _follow_up(alice, "😀" * 2000)  # the most a session's answer holds: an 11 KB envelope
    deliver(app)
    [request] = device.pushes("follow_up")
    message = device.decrypt(request)
    assert "sealed" not in message and "e1." not in json.dumps(message)
    assert message["body"] == "Alice wrote a follow-up after your talk"
    no_words(message, plain)


def test_previews_off_send_no_envelope(app, couple):
    alice, bob, device = couple
    assert bob.client.patch("/api/me", json={"show_previews": False}).status_code == 200
    sent, plain = send_sealed(alice, "appreciation")
    deliver(app)
    [message] = device.messages("appreciation")
    assert "sealed" not in message and "e1." not in json.dumps(message)
    assert message["body"] == "Alice sent you an appreciation"
    no_words(message, plain)


def test_several_at_once_and_a_summary_send_no_envelope(app, couple):
    alice, _bob, device = couple
    _, first = send_sealed(alice, "appreciation")
    _, second = send_sealed(alice, "appreciation")
    _, third = send_sealed(alice, "disclosure")
    deliver(app)
    messages = device.messages()
    partner = [m for m in messages if m["tag"].startswith("partner-")]
    assert partner and all("sealed" not in m and "e1." not in json.dumps(m) for m in partner)
    for plain in (first, second, third):
        for message in messages:
            no_words(message, plain)


def test_a_plaintext_entry_still_previews_its_words_without_sealed(app, couple):
    alice, _bob, device = couple
    put_ok(alice, "appreciation", {"text": "Thank you for the soup"})
    deliver(app)
    [message] = device.messages("appreciation")
    assert message["body"] == "Thank you for the soup" and "sealed" not in message


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_generic_line_is_in_the_recipients_language(app, couple, lang):
    alice, bob, device = couple
    assert bob.client.patch("/api/me", json={"language": lang}).status_code == 200
    send_sealed(alice, "appreciation")
    deliver(app)
    [message] = device.messages("appreciation")
    line = t("push.partner.appreciation", lang, name="Alice")
    assert (message["body"], message["sealed"]["title"]) == (line, line)
    assert message["title"] == t("app.name", lang)


def test_a_withheld_answer_never_carries_its_envelope(app, couple):
    alice, _bob, device = couple
    send_sealed(alice, "answer")
    deliver(app)
    assert all("sealed" not in m and "e1." not in json.dumps(m) for m in device.messages())


# The size rule, at its edge: a payload of exactly MAX_SEALED_PAYLOAD bytes keeps its envelope (and the push
# service takes it as one record), one byte more drops it.


def _payload_of_size(size):
    base = {"type": "reply", "title": "Hearth", "body": "Alice replied", "url": "/", "tag": "partner-reply", "count": 1}
    sealed = {"entry_id": "e", "kind": "reply", "field": "text", "envelope": "e1.c1.", "title": "Alice replied"}
    payload = {**base, "sealed": sealed}
    room = size - len(json.dumps(payload, separators=(",", ":")).encode())
    sealed["envelope"] += "A" * room
    return payload


def test_the_payload_limit_is_one_web_push_record():
    assert notifications.MAX_SEALED_PAYLOAD == 3993
    fits = _payload_of_size(notifications.MAX_SEALED_PAYLOAD)
    assert len(notifications.encode(fits)) == 3993 and b'"sealed"' in notifications.encode(fits)
    over = _payload_of_size(notifications.MAX_SEALED_PAYLOAD + 1)
    data = json.loads(notifications.encode(over))
    assert "sealed" not in data and data["body"] == "Alice replied"


def test_the_largest_sealed_payload_reaches_the_push_service_in_one_record(app, push_service):
    """pywebpush's aes128gcm body of a 3993-byte payload is 4096 bytes: what push services accept."""
    device = Device(push_service)
    payload = notifications.encode(_payload_of_size(notifications.MAX_SEALED_PAYLOAD))
    with app.app_context():
        vapid, _ = load_vapid()
        with Sender(vapid, app.config["VAPID_SUBJECT"], timeout=5, threads=1) as sender:
            message = Message(1, device.endpoint, device.p256dh, ec.b64url(device.auth), payload, 60, "normal", "t")
            assert sender.send(message).result == "ok"
    [request] = push_service.for_device(device)
    assert len(request.body) == 4096
    assert device.decrypt(request)["sealed"]["envelope"].startswith("e1.c1.")


def test_a_malformed_stored_value_is_never_sent_as_sealed():
    """Only a well-formed envelope travels (a value stored before the checks, or by an old bug)."""
    recipient = SimpleNamespace(id="bob", language="en", show_previews=True)
    job = SimpleNamespace(type="appreciation", entry_id="e")
    for value in ("e1.c1.short", "e1.x1." + "A" * 80, "plain words"):
        row = SimpleNamespace(id="e", kind="appreciation", body={"text": value})
        payload = notifications.partner_event([job], "Alice", recipient, {"e": row}, str)
        assert "sealed" not in payload
    good = ec.seal_text(os.urandom(32), "c1", "e", "appreciation", "text", "hi")
    row = SimpleNamespace(id="e", kind="appreciation", body={"text": good})
    assert notifications.partner_event([job], "Alice", recipient, {"e": row}, str)["sealed"]["envelope"] == good
